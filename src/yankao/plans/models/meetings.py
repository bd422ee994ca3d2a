"""Supervision meetings (督導會報): the plans reviewed and the decisions to follow up.

Each decision (決議) is a follow-up item owned by one agency with a due date; it stays open until
the commission releases it (解除追蹤). Its history is appended, never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine

from .plans import Plan, ProgressStatus


class SupervisionMeeting(models.Model):
    title = models.CharField(_("meeting title"), max_length=200)
    held_on = models.DateField(_("held on"))
    report_month = models.DateField(_("month reviewed"))  # the first day of the month
    chair = models.CharField(_("chair"), max_length=100, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    plans = models.ManyToManyField(
        Plan, through="ReviewedPlan", related_name="meetings", verbose_name=_("plans reviewed")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("plans__agency",)

    class Meta:
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ReviewedPlan(models.Model):
    """A plan on the meeting's agenda, with its standing in the month reviewed (kept as it was)."""

    meeting = models.ForeignKey(SupervisionMeeting, on_delete=models.CASCADE, related_name="agenda")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    progress_status = models.CharField(
        _("progress status"), max_length=12, choices=ProgressStatus.choices, blank=True
    )
    lag = models.DecimalField(_("lag"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["plan__agency__sort_order", "plan__code"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "plan"], name="plans_plan_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.plan_id}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Being followed")
    REPORTED = "reported", _("Handling reported")
    RELEASED = "released", _("Released")


class FollowUp(models.Model):
    """A meeting decision (決議) to be carried out by one agency by a date."""

    meeting = models.ForeignKey(
        SupervisionMeeting, on_delete=models.PROTECT, related_name="follow_ups"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    decision = models.TextField(_("decision"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("owner agency"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    handling = models.TextField(_("handling reported"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.meeting_id}-{self.pk} {self.decision[:30]}"


class FollowUpEvent(models.Model):
    """One step of a follow-up item: appended, never edited."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(max_length=10, choices=FollowUpStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=FollowUpStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.action}"
