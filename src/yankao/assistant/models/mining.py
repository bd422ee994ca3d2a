"""FAQ candidates mined from closed cases, and the category suggestion models (versioned).

Neither ever holds a citizen's personal data: candidate texts are masked, and a model keeps only
word weights per category.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine

from .faq import FaqEntry


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class FaqCandidate(models.Model):
    """A frequent question found among closed cases, proposed to the owning agency's editor."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(_("representative question"), max_length=500)
    draft_answer = models.TextField(_("draft answer"), blank=True)
    cluster_size = models.PositiveIntegerField(_("similar cases"))
    examples = models.JSONField(_("example questions (masked)"), default=list)
    case_numbers = models.JSONField(_("case numbers"), default=list)
    signature = models.CharField(max_length=64, unique=True)  # the cluster's key words, hashed
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CandidateStatus.choices,
        default=CandidateStatus.PROPOSED,
    )
    entry = models.ForeignKey(
        FaqEntry,
        verbose_name=_("FAQ entry made"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_line = BusinessLine.ASSISTANT
    scope_agency_fields = ("agency",)

    class Meta:
        verbose_name = _("FAQ candidate")
        verbose_name_plural = _("FAQ candidates")
        ordering = ["status", "-cluster_size"]

    def __str__(self) -> str:
        return self.question[:60]


class SuggestionModel(models.Model):
    """A trained category suggester; the active one answers, older ones stay for comparison."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    trained_at = models.DateTimeField(auto_now_add=True)
    cases_used = models.PositiveIntegerField(_("cases used"))
    held_out = models.PositiveIntegerField(_("cases held out"), default=0)
    top1 = models.FloatField(_("top-1 accuracy on held-out cases"), null=True, blank=True)
    top3 = models.FloatField(_("top-3 accuracy on held-out cases"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=40)
    payload = models.JSONField()  # weights by token and category code
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("suggestion model")
        verbose_name_plural = _("suggestion models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="assistant_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.method})"


class CategoryAlias(models.Model):
    """An old or outside category name mapped to today's category: names drift over the years,
    categories are never renamed in place, history keeps training the right category."""

    name = models.CharField(_("old or outside name"), max_length=100, unique=True)
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category now"),
        on_delete=models.PROTECT,
        related_name="aliases",
    )
    valid_to = models.DateField(_("used until"), null=True, blank=True)

    class Meta:
        verbose_name = _("category alias")
        verbose_name_plural = _("category aliases")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.category_id}"


class SuggestionFeedback(models.Model):
    """What was suggested for a case and what the operator chose: the next training's lesson."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="suggestion")
    model_version = models.PositiveIntegerField(null=True, blank=True)
    suggested = models.JSONField(default=list)  # category codes, best first
    chosen = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.chosen}"
