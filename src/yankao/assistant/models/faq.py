"""The FAQ knowledge base (常見問答): entries with versions, topics and synonym lists.

An entry's published text is a copy of its approved version, so answering reads one row; every
edit is a new `FaqVersion` submitted by the owning agency and approved by the commission.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine


class Topic(models.Model):
    name = models.CharField(_("topic"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FaqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FaqEntry(models.Model):
    """A question and its answer as citizens see it (the approved version)."""

    source_key = models.CharField(
        _("source key"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Where an imported entry came from, e.g. the agency code and number."),
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    question = models.CharField(_("question"), max_length=500)
    alternatives = models.TextField(
        _("alternative phrasings"), blank=True, help_text=_("One phrasing per line.")
    )
    answer = models.TextField(_("answer"))
    status = models.CharField(
        _("status"), max_length=10, choices=FaqStatus.choices, default=FaqStatus.DRAFT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0)
    helpful = models.PositiveIntegerField(_("helpful"), default=0)
    unhelpful = models.PositiveIntegerField(_("not helpful"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.ASSISTANT
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["agency__sort_order", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.question[:60]


class VersionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", pgettext_lazy("faq version", "Approved")
    REJECTED = "rejected", pgettext_lazy("faq version", "Rejected")


class FaqVersion(models.Model):
    """One edit of an entry: proposed by the owning agency, approved or rejected by the commission."""

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    question = models.CharField(_("question"), max_length=500)
    alternatives = models.TextField(_("alternative phrasings"), blank=True)
    answer = models.TextField(_("answer"))
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The entry's approved version this edit was written on: approving it after another edit
    # was approved would silently undo that edit, so such a stale version is refused.
    based_on = models.PositiveIntegerField(_("based on version"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.SUBMITTED
    )
    decision_note = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_line = BusinessLine.ASSISTANT
    scope_agency_fields = ("entry__agency",)

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="assistant_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


class Synonym(models.Model):
    """Words citizens use for the same thing (路燈/街燈, 機車/摩托車); the first is the main one."""

    terms = models.CharField(
        _("terms"), max_length=300, help_text=_("Words meaning the same, separated by commas.")
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("synonym list")
        verbose_name_plural = _("synonym lists")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms
