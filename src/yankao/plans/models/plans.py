"""Plan control (管制考核): controlled plans, their work plans, and the agencies' monthly reports.

Progress and spending are cumulative. A report's status (ahead, on schedule, behind) is computed
from the approved work plan and never typed; the computed values are stored with the report so
the analysis of a past month does not change when a work plan is revised later.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MONEY = {"max_digits": 16, "decimal_places": 0}  # NT$, whole dollars


class PlanKind(models.TextChoices):
    POLICY = "policy", _("Annual policy plan item")
    CITY_MEETING = "city_meeting", _("City-meeting item")
    MAYOR_INSTRUCTION = "mayor_instruction", _("Mayor's instruction")
    WORKS_MEETING = "works_meeting", _("Works supervision meeting item")
    INFRASTRUCTURE_SUBSIDY = "infrastructure_subsidy", _("Basic-infrastructure subsidy project")
    FORWARD_LOOKING = "forward_looking", _("Forward-looking infrastructure")


SUBSIDY_KINDS = frozenset({PlanKind.INFRASTRUCTURE_SUBSIDY, PlanKind.FORWARD_LOOKING})


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONTROLLED = "controlled", _("Controlled")
    RELEASED = "released", _("Released from control")
    CANCELLED = "cancelled", _("Cancelled")


class FundSource(models.TextChoices):
    CITY = "city", _("City budget")
    CENTRAL = "central", _("Central subsidy")
    SPECIAL_FUND = "special_fund", _("Special fund")


class ProgressStatus(models.TextChoices):
    AHEAD = "ahead", _("Ahead")
    ON_SCHEDULE = "on_schedule", _("On schedule")
    BEHIND = "behind", _("Behind")


class LagCause(models.TextChoices):
    LAND = "land", _("Land acquisition")
    PROCUREMENT_FAILURE = "procurement_failure", _("Procurement failure (流標)")
    DESIGN_CHANGE = "design_change", _("Design change")
    WEATHER = "weather", _("Weather")
    CONTRACTOR = "contractor", _("Contractor")
    FUNDING = "funding", _("Funding")
    COORDINATION = "coordination", _("Coordination")
    OTHER = "other", _("Other")


class Plan(models.Model):
    code = models.CharField(_("plan code"), max_length=30, unique=True)
    name = models.CharField(_("plan name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=PlanKind.choices)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="plans"
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_plans",
    )
    is_works = models.BooleanField(_("works plan"), default=False)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.CONTROLLED
    )
    release_reason = models.TextField(_("release reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("controlled plan")
        verbose_name_plural = _("controlled plans")
        ordering = ["agency__sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="plans_plan_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="plans_plan_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_subsidy(self) -> bool:
        return self.kind in SUBSIDY_KINDS


class PlanBudget(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=16, choices=FundSource.choices)
    amount = models.DecimalField(_("amount (NT$)"), **MONEY, validators=[MinValueValidator(0)])

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("plan__agency",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "source"], name="plans_one_budget_per_year_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year} {self.source} {self.amount}"


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    SUPERSEDED = "superseded", _("Superseded")


class WorkPlan(models.Model):
    """A version of the plan's monthly schedule; the approved one is the baseline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_plans")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT
    )
    note = models.TextField(_("reason for the change"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("plan__agency",)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plans_work_plan_version"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status="approved"),
                name="plans_one_approved_work_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class WorkPlanMonth(models.Model):
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(_("month"))  # the first day of the month
    planned_progress = models.DecimalField(
        _("planned cumulative progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    planned_spending = models.DecimalField(
        _("planned cumulative spending (NT$)"), **MONEY, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["work_plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "month"], name="plans_one_row_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.work_plan_id} {self.month:%Y-%m} {self.planned_progress}%"


class MilestoneKind(models.TextChoices):
    DESIGN = "design", _("Design")
    AWARD = "award", _("Award (發包)")
    START = "start", _("Start of works")
    COMPLETION = "completion", _("Completion")
    ACCEPTANCE = "acceptance", _("Acceptance")
    CLOSING = "closing", _("Closing")


class Milestone(models.Model):
    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=12, choices=MilestoneKind.choices)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work_plan", "kind"], name="plans_one_milestone_kind")
        ]

    def __str__(self) -> str:
        return f"{self.work_plan_id} {self.kind}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ProgressReport(models.Model):
    """The agency's monthly report (每月填報) for one plan and month."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    actual_progress = models.DecimalField(
        _("actual cumulative progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    actual_spending = models.DecimalField(
        _("actual cumulative spending (NT$)"), **MONEY, validators=[MinValueValidator(0)]
    )
    award_amount = models.DecimalField(
        _("award amount (NT$)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    narrative = models.TextField(_("progress narrative"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    help_requested = models.TextField(_("help requested from the city"), blank=True)
    lag_cause = models.CharField(
        _("lag cause"), max_length=20, choices=LagCause.choices, blank=True
    )
    remedy = models.TextField(_("remedy"), blank=True)
    remedy_due = models.DateField(_("remedy target date"), null=True, blank=True)
    correction_note = models.TextField(_("correction of earlier progress"), blank=True)
    # Computed from the approved work plan when saved; kept so past months stay as reported.
    planned_progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    planned_spending = models.DecimalField(**MONEY, null=True, blank=True)
    lag = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    progress_status = models.CharField(
        _("progress status"), max_length=12, choices=ProgressStatus.choices, blank=True
    )
    execution_rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("late"), default=False)
    revision = models.PositiveIntegerField(default=1)  # optimistic lock for concurrent edits
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("plan__agency",)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="plans_one_report_per_month")
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month:%Y-%m}"


class ReportingMonth(models.Model):
    """A month of reporting: its deadline, and whether the commission has closed it."""

    month = models.DateField(_("month"), unique=True)
    deadline = models.DateField(_("deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
