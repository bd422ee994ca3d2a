"""Citizen works monitoring (全民督工), progress verification (進度查證) and training (教育訓練)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine

from .projects import PERCENT, WorksProject


class MonitoringGroup(models.TextChoices):
    WORKS = "works", _("Works")
    WATER = "water", _("Water works")
    TOURISM = "tourism", _("Tourism")
    GENERAL = "general", _("General")


class MonitoringItem(models.Model):
    """One of the sub-items citizens report on, with its own survey and remediation deadlines."""

    group = models.CharField(_("group"), max_length=10, choices=MonitoringGroup.choices)
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    survey_working_days = models.PositiveSmallIntegerField(_("survey within (working days)"))
    remediation_working_days = models.PositiveSmallIntegerField(
        _("remediate within (working days)")
    )
    case_category_codes = models.CharField(
        _("1999 case categories"),
        max_length=300,
        blank=True,
        help_text=_(
            "Codes of the works-site case categories filed under this item, space-separated."
        ),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("monitoring item")
        verbose_name_plural = _("monitoring items")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} · {self.name}"


class MonitoringStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    SURVEYED = "surveyed", _("Surveyed")
    REMEDIATING = "remediating", _("Being remedied")
    REMEDIED = "remedied", _("Remedy reported")
    CLOSED = "closed", _("Closed")


class MonitoringReport(models.Model):
    """A citizen's report about a works site, from a 1999 case or entered by the team."""

    number = models.CharField(_("report number"), max_length=20, unique=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("citizen case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="works_report",
    )
    item = models.ForeignKey(
        MonitoringItem,
        verbose_name=_("monitoring item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        WorksProject,
        verbose_name=_("works project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monitoring_reports",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("what the citizen saw"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=20, blank=True)
    received_on = models.DateField(_("received on"))
    survey_due = models.DateField(_("survey due"))
    remediation_due = models.DateField(_("remediation due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MonitoringStatus.choices,
        default=MonitoringStatus.RECEIVED,
    )
    survey_findings = models.TextField(_("survey findings"), blank=True)
    remediation = models.TextField(_("remediation"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closure confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_informed_at = models.DateTimeField(_("reporter informed at"), null=True, blank=True)
    satisfied = models.BooleanField(_("reporter satisfied"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("citizen works report")
        verbose_name_plural = _("citizen works reports")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class MonitoringEvent(models.Model):
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, choices=MonitoringStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MonitoringStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class ProgressVerification(models.Model):
    """The team checks a project's reported progress on site (進度查證)."""

    project = models.ForeignKey(
        WorksProject,
        verbose_name=_("works project"),
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    month = models.DateField(_("month"))
    checked_on = models.DateField(_("checked on"))
    reported_progress = models.DecimalField(
        _("reported progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    checked_progress = models.DecimalField(
        _("checked progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("project__agency",)

    class Meta:
        verbose_name = _("progress verification")
        verbose_name_plural = _("progress verifications")
        ordering = ["-month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="works_one_check_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class TrainingSession(models.Model):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    partner = models.CharField(_("partner agency"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(
        _("attendance"), validators=[MinValueValidator(0), MaxValueValidator(100000)]
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=3)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
