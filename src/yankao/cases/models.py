"""Citizen cases (聯合服務): one model, three types, with append-only history.

Personal data lives in `Petitioner`, apart from the case, so it can be masked, audited on every
reveal and anonymised after the retention period without touching the case's history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine


class CaseType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    PETITION = "petition", _("Petition")
    DISPATCH = "dispatch", _("Dispatch")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("1999 phone")
    COUNTER = "counter", _("Counter")
    MAYORS_MAILBOX = "mayors_mailbox", _("Mayor's mailbox")
    APP = "app", _("App / API")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    SIGN_LANGUAGE = "sign_language", _("Sign-language video")
    ASSISTANT = "assistant", _("Assistant hand-off")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to agency")
    ACCEPTED = "accepted", _("Accepted by agency")
    RETURNED = "returned", _("Returned by agency")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Waiting for the petitioner")
    PENDING_REVIEW = "pending_review", _("Reply awaiting review")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")


END_STATUSES = frozenset(
    {CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.DECLINED, CaseStatus.MERGED}
)


class DeclineGround(models.TextChoices):
    """The three legal grounds for not handling a petition (行政程序法第173條)."""

    NO_CONTENT_OR_IDENTITY = "no_content", _("No concrete content, or no real name or contact")
    ALREADY_ANSWERED = "already_answered", _("Repeats a matter already answered")
    SENT_TO_SEVERAL = "sent_to_several", _("Sent to several competent agencies")


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    NONE = "none", _("No reply wanted")


class Category(models.Model):
    """Two-level category tree; each leaf says who handles it and how fast."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    case_type = models.CharField(
        _("case type"), max_length=20, choices=CaseType.choices, blank=True
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    route_to_district_office = models.BooleanField(
        _("route to the district office"),
        default=False,
        help_text=_("Send cases to the district office of the location's district."),
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), null=True, blank=True
    )
    deadline_hours = models.PositiveSmallIntegerField(_("deadline (hours)"), null=True, blank=True)
    works_site = models.BooleanField(_("works-site report"), default=False)
    requires_review = models.BooleanField(_("reply needs supervisor review"), default=False)
    confidential = models.BooleanField(
        _("confidential category"),
        default=False,
        help_text=_("Cases of this category hide the petitioner and never appear in public lists."),
    )
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Separated by |"))
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name_zh} / {self.name_zh}" if self.parent_id else self.name_zh

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=END_STATUSES)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20)  # unique: Meta.constraints
    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # (category, received_at) serves it
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(
        _("description"), validators=[MinLengthValidator(2), MaxLengthValidator(5000)]
    )
    answer = models.TextField(_("answer given on the line"), blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        db_index=False,  # (lead_agency, status, deadline_at) serves it
    )
    district = models.CharField(_("district"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # a partial index: few cases are merged
    )
    decline_ground = models.CharField(
        _("ground for declining"), max_length=20, choices=DeclineGround.choices, blank=True
    )
    confidential = models.BooleanField(_("confidential (whistle-blower)"), default=False)
    tracking_code_hash = models.CharField(max_length=64, blank=True)
    # NULL, not "", when absent: the unique constraint (Meta) then allows any number of those.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    scope_line = BusinessLine.CASES
    scope_agency_fields = ("lead_agency", "handlers__agency")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "deadline_at"]),
            models.Index(fields=["lead_agency", "status", "deadline_at"]),
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["case_type", "received_at"]),
            # Partial: a new case is open and not merged, so it adds no entry to these two.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False),
                name="cases_case_closed_at_idx",
            ),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="cases_case_merged_into_idx",
            ),
        ]
        # Constraints rather than unique=True: on PostgreSQL a unique text field also gets a
        # LIKE index, which nothing here uses and every intake would write (ADR 0012).
        constraints = [
            models.UniqueConstraint(fields=["number"], name="cases_case_number_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="cases_case_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in END_STATUSES


class HandlerRole(models.TextChoices):
    LEAD = "lead", _("Lead agency")
    CO_HANDLER = "co_handler", _("Co-handling agency")


class CaseHandler(models.Model):
    """An agency that handles the case: the lead and, for split cases, co-handlers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handlers")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="handled_cases")
    role = models.CharField(max_length=12, choices=HandlerRole.choices)
    assigned_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(active=True),
                name="cases_one_active_handler_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.agency_id} {self.role}"


class Petitioner(models.Model):
    """The citizen's personal data (個資): masked by default, every reveal audited."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="petitioner")
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    id_number = models.CharField(_("ID number"), max_length=10, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reply_channel = models.CharField(
        _("preferred reply channel"),
        max_length=10,
        choices=ReplyChannel.choices,
        default=ReplyChannel.EMAIL,
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    scope_line = BusinessLine.CASES
    scope_agency_fields = ("case__lead_agency", "case__handlers__agency")

    def __str__(self) -> str:
        return f"petitioner of {self.case_id}"


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("case history is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("case history is append-only")


class CaseEvent(models.Model):
    """One step in a case's life: who did what, when and why. Never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("reason or note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()
    inserts_plainly = True  # save() only refuses updates: core.db.insert may add rows

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("case history is append-only")
        super().save(*args, **kwargs)

    def action_display(self) -> str:
        from .workflow import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))

    def to_status_display(self) -> str:
        return str(CaseStatus(self.to_status).label) if self.to_status else ""


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """An agency's request to move the deadline (展延), decided by the commission."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    extra_working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    old_deadline_at = models.DateTimeField()
    new_deadline_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} +{self.extra_working_days} {self.status}"


class Reply(models.Model):
    """The agency's answer: the handling and its basis, sent through the petitioner's channel."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="replies")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handling = models.TextField(_("handling"), validators=[MinLengthValidator(5)])
    basis = models.TextField(_("basis"), blank=True)
    created_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reply to {self.case_id}"


class CaseSequence(models.Model):
    """The last case number used per ROC year; locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ApiClient(models.Model):
    """An outside system allowed to file cases (Open311 `api_key`); only the key's hash is kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.APP
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class DissatisfactionReason(models.TextChoices):
    NOT_SOLVED = "not_solved", _("The problem was not solved")
    TOO_SLOW = "too_slow", _("It took too long")
    UNCLEAR_REPLY = "unclear_reply", _("The reply was unclear")
    ATTITUDE = "attitude", _("Staff attitude")
    OTHER = "other", _("Other")


class SurveyResponse(models.Model):
    """The citizen's satisfaction after closing; a dissatisfied answer goes to a review queue."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="survey")
    satisfied = models.BooleanField(_("satisfied"))
    reason = models.CharField(
        _("reason"), max_length=20, choices=DissatisfactionReason.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(2000)])
    answered_at = models.DateTimeField(_("answered at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")

    def __str__(self) -> str:
        return f"{self.case_id}: {'+' if self.satisfied else '-'}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Deadline approaching")
    OVERDUE = "overdue", _("Deadline passed")


class CaseReminder(models.Model):
    """A reminder sent once per case and kind, so a retried task never sends it twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    deadline_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "deadline_at"], name="cases_one_reminder_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseMonthFigures(models.Model):
    """One month's counts, summed once the month is over (ADR 0006), per agency, channel,
    case type and category; rows with an empty channel carry the agency's other figures
    (working days, extensions, returns, survey answers). The monthly report adds these up
    instead of scanning years of cases."""

    month = models.DateField()
    agency = models.ForeignKey(Agency, null=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, blank=True)
    case_type = models.CharField(max_length=12, blank=True)
    category = models.ForeignKey(Category, null=True, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    consultations = models.PositiveIntegerField(default=0)
    answered_on_line = models.PositiveIntegerField(default=0)
    working_days_total = models.IntegerField(default=0)
    working_days_cases = models.PositiveIntegerField(default=0)
    outside_calendar = models.PositiveIntegerField(default=0)
    extensions_requested = models.PositiveIntegerField(default=0)
    extensions_approved = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)
    survey_answered = models.PositiveIntegerField(default=0)
    survey_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "agency"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.channel} {self.case_type}"


class CaseMonthBuild(models.Model):
    """Which months are summed in `CaseMonthFigures`; a dirty month is summed again."""

    month = models.DateField(primary_key=True)
    built_at = models.DateTimeField()
    dirty = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}{' (dirty)' if self.dirty else ''}"
