"""Works projects (標案) and their monthly progress.

The amount tier (巨額, 查核金額, 公告金額 …) is computed from the budget amount with thresholds
from settings, never stored, so a change of the rules re-tiers every project.
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
MONEY = {"max_digits": 16, "decimal_places": 0}


class ProjectStatus(models.TextChoices):
    TENDERING = "tendering", _("Tendering")
    AWARDED = "awarded", _("Awarded")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    STOPPED = "stopped", _("Stopped")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class WorksProject(models.Model):
    tender_number = models.CharField(_("tender number"), max_length=50, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    budget_amount = models.DecimalField(
        _("budget amount (NT$)"), **MONEY, validators=[MinValueValidator(0)]
    )
    award_amount = models.DecimalField(
        _("award amount (NT$)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=200, blank=True)
    supervisor_engineer = models.CharField(_("supervisor's engineer"), max_length=100, blank=True)
    site_manager = models.CharField(_("site manager"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=20, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual completion"), null=True, blank=True)
    change_orders = models.PositiveSmallIntegerField(_("change orders"), default=0)
    change_order_cost = models.DecimalField(
        _("cost added by change orders (NT$)"), **MONEY, default=Decimal(0)
    )
    change_order_days = models.IntegerField(_("days added by change orders"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.TENDERING
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("controlled plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="works_projects",
    )
    subsidised = models.BooleanField(
        _("subsidised or entrusted"),
        default=False,
        help_text=_("Subsidised or entrusted projects do not count towards the inspection quota."),
    )
    mayor_listed = models.BooleanField(_("listed by the mayor"), default=False)
    media_reported = models.BooleanField(_("reported in the media"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("works project")
        verbose_name_plural = _("works projects")
        ordering = ["agency__sort_order", "tender_number"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["budget_amount"])]

    def __str__(self) -> str:
        return f"{self.tender_number} {self.name}"


class ProgressEntry(models.Model):
    """The agency's monthly progress of a works project, entered by the cut-off day."""

    project = models.ForeignKey(WorksProject, on_delete=models.CASCADE, related_name="progress")
    month = models.DateField(_("month"))  # the first day of the month
    planned_progress = models.DecimalField(
        _("planned progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    actual_progress = models.DecimalField(
        _("actual progress %"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    lag_reason = models.TextField(_("lag reason"), blank=True)
    correction_note = models.TextField(_("correction of earlier progress"), blank=True)
    late = models.BooleanField(_("late"), default=False)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_line = BusinessLine.WORKS
    scope_agency_fields = ("project__agency",)

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="works_one_entry_per_month")
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"

    @property
    def lag(self) -> Decimal:
        return self.planned_progress - self.actual_progress
