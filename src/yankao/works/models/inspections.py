"""Inspections (查核) with their members' scores, coded defects (缺失) and remediation, and the
penalty follow-ups (懲處追蹤) a 丙等 or an overdue defect opens.

The final score and grade are computed from the members' scores and the automatic-丙等
triggers (`works.rules`), never typed. An inspection being filled on site is a draft kept on the
server at every change, so a bad connection loses nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.roles import BusinessLine

from .projects import WorksProject


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DRAFT = "draft", _("Being recorded")
    RECORDED = "recorded", _("Recorded")
    SENT = "sent", _("Sent to the agency")
    CLOSED = "closed", _("Closed")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    A = "a", _("Grade A")
    B = "b", _("Grade B")
    C = "c", _("Grade C")


class Inspection(models.Model):
    project = models.ForeignKey(
        WorksProject,
        verbose_name=_("works project"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("re-inspection of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspections",
    )
    scheduled_on = models.DateField(_("scheduled date"), null=True, blank=True)
    inspected_on = models.DateField(_("inspection date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    priority_grounds = models.JSONField(_("priority grounds"), default=list, blank=True)
    supervisor_engineer_present = models.BooleanField(
        _("supervisor's engineer attended"), default=False
    )
    contractor_engineer_present = models.BooleanField(
        _("contractor's engineer attended"), default=False
    )
    attendees = models.TextField(_("other attendees"), blank=True)
    progress_planned = models.DecimalField(
        _("planned progress % at inspection"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    progress_actual = models.DecimalField(
        _("actual progress % at inspection"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Automatic 丙等 (score 69): failed material tests, major structural deviation, serious safety defect.
    concrete_core_failed = models.BooleanField(_("concrete core test failed"), default=False)
    asphalt_core_failed = models.BooleanField(_("asphalt core test failed"), default=False)
    compaction_failed = models.BooleanField(_("compaction test failed"), default=False)
    structural_deviation = models.BooleanField(_("major structural deviation"), default=False)
    serious_safety_defect = models.BooleanField(_("serious safety defect"), default=False)
    tests_pending = models.BooleanField(
        _("held pending test results"),
        default=False,
        help_text=_("A score of 70 or more can be held until the test results are in."),
    )
    merits = models.TextField(_("merits"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    score = models.PositiveSmallIntegerField(_("final score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    record_due = models.DateField(_("record due to the agency"), null=True, blank=True)
    sent_at = models.DateTimeField(_("record sent at"), null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)  # the on-site form, as last typed
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("project__agency",)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["inspected_on"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.inspected_on or self.scheduled_on}"


class InspectionEvent(models.Model):
    """One step of an inspection (started, recorded, sent, tests settled, closed): appended."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=10, choices=InspectionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=InspectionStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.action}"


class InspectionMember(models.Model):
    """A member of the inspecting committee and the score they gave."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=100)
    external = models.BooleanField(_("external expert"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.name}"


class DefectCode(models.Model):
    """The reference list of defect codes (查核品質缺失扣點表), hierarchical: 4.02.01 under 4.02."""

    code = models.CharField(_("defect code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    party = models.CharField(_("responsible party"), max_length=12, blank=True)
    text = models.TextField(_("description"))
    deduction_min = models.PositiveSmallIntegerField(_("least deduction"), default=0)
    deduction_max = models.PositiveSmallIntegerField(_("most deduction"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class Party(models.TextChoices):
    AGENCY = "agency", _("Owning agency")
    SUPERVISOR = "supervisor", _("Supervisor")
    CONTRACTOR = "contractor", _("Contractor")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")


class DefectStatus(models.TextChoices):
    OPEN = "open", _("To remedy")
    REPORTED = "reported", _("Remediation reported")
    CLOSED = "closed", _("Closed")


class Defect(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="defects")
    code = models.ForeignKey(
        DefectCode, verbose_name=_("defect code"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(_("responsible party"), max_length=12, choices=Party.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    description = models.TextField(_("description"))
    deduction = models.PositiveSmallIntegerField(_("deduction points"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DefectStatus.choices, default=DefectStatus.OPEN
    )
    remediation_due = models.DateField(_("remediation deadline"), null=True, blank=True)
    remediation = models.TextField(_("remediation report"), blank=True)
    remediation_reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    extension_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extension_approved = models.BooleanField(_("extension approved"), null=True, blank=True)

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("inspection__project__agency",)

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        ordering = ["inspection", "code__code", "pk"]
        indexes = [models.Index(fields=["status", "remediation_due"])]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.code_id}"

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        """The date that counts: an approved extension moves the remediation deadline."""
        if self.extension_approved and self.extension_until:
            return self.extension_until
        return self.remediation_due


class DefectEvent(models.Model):
    """One step of a defect (reported, returned, extension asked or decided, closed): appended."""

    defect = models.ForeignKey(Defect, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=10, choices=DefectStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=DefectStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.defect_id} {self.action}"


class PenaltyMeasure(models.TextChoices):
    STAFF_DISCIPLINE = "staff_discipline", _("Discipline of the agency's staff")
    PROFESSIONAL_REFERRAL = "professional_referral", _("Referral of the professionals")
    SUPPLIER_SUSPENSION = "supplier_suspension", _("Supplier suspension procedure")
    SITE_STAFF_REPLACEMENT = "site_staff_replacement", _("Replacement of site staff")


class PenaltyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PenaltyFollowUp(models.Model):
    """Opened by a 丙等 or an overdue defect without an approved extension; tracked to closure."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="penalties")
    defect = models.OneToOneField(
        Defect, null=True, blank=True, on_delete=models.PROTECT, related_name="penalty"
    )
    reason = models.TextField(_("reason"))
    measures = models.JSONField(_("measures"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=PenaltyStatus.choices, default=PenaltyStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("inspection__project__agency",)

    class Meta:
        verbose_name = _("penalty follow-up")
        verbose_name_plural = _("penalty follow-ups")
        ordering = ["status", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection"],
                condition=models.Q(defect__isnull=True),
                name="works_one_grade_penalty_per_inspection",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.reason[:30]}"
