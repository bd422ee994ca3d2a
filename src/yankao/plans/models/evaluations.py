"""Year-end evaluation (年終考評) of controlled plans.

One round per year holds the rubric (scored items with weights summing to 100), the grade bands
and the reward/penalty rule in force when it was opened, and one evaluation per plan controlled
that year. Each evaluation goes agency self-assessment → commission preliminary score → review
committee final score → published; every step is appended as an `EvaluationStep` and never
edited. Every stage scores every rubric item, so the committee sees the agency's and the
commission's view item by item. Publication freezes the scores.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.agencies.roles import BusinessLine

from .plans import Plan

SCORE = {"max_digits": 5, "decimal_places": 2}
SCORE_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    A = "a", _("Grade A")
    B = "b", _("Grade B")
    C = "c", _("Grade C")


class Outcome(models.TextChoices):
    REWARD = "reward", _("Reward")
    PENALTY = "penalty", _("Penalty")


class EvaluationStage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Agency self-assessment")
    PRELIMINARY = "preliminary", _("Commission preliminary score")
    COMMITTEE = "committee", _("Review committee final score")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    PUBLISHED = "published", _("Published")


class EvaluationStatus(models.TextChoices):
    """The step an evaluation waits for."""

    SELF_ASSESSMENT = "self_assessment", _("Awaiting self-assessment")
    PRELIMINARY = "preliminary", _("Awaiting preliminary score")
    COMMITTEE = "committee", _("Awaiting committee score")
    SCORED = "scored", _("Scored, awaiting publication")
    PUBLISHED = "published", _("Published")


class EvaluationRound(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    # [[grade, lowest score], ...] best first, and {grade: outcome}: copied from the settings
    # when the round is opened, so a later change of the settings never regrades a past year.
    grade_bands = models.JSONField(_("grade bands"), default=list)
    outcomes = models.JSONField(_("reward and penalty rule"), default=dict)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)  # optimistic lock for rubric edits

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class RubricItem(models.Model):
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("item code"), max_length=30)
    name = models.CharField(_("item"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("weight %"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="plans_rubric_item_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="plans_rubric_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.code} {self.weight}%"


class Evaluation(models.Model):
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="evaluations")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.SELF_ASSESSMENT,
    )
    # The latest total of each stage (the steps keep every item score and every earlier total).
    self_score = models.DecimalField(
        _("self-assessment score"), **SCORE, null=True, blank=True, validators=SCORE_RANGE
    )
    preliminary_score = models.DecimalField(
        _("preliminary score"), **SCORE, null=True, blank=True, validators=SCORE_RANGE
    )
    final_score = models.DecimalField(
        _("final score"), **SCORE, null=True, blank=True, validators=SCORE_RANGE
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    revision = models.PositiveIntegerField(default=1)  # optimistic lock for concurrent scoring
    updated_at = models.DateTimeField(auto_now=True)

    scope_line = BusinessLine.PLANS
    scope_agency_fields = ("plan__agency",)

    class Meta:
        verbose_name = _("year-end evaluation")
        verbose_name_plural = _("year-end evaluations")
        ordering = ["round", "plan__agency__sort_order", "plan__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "plan"], name="plans_one_evaluation_per_year")
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round_id} {self.plan_id}"


class EvaluationStep(models.Model):
    """One step of an evaluation (a stage's scores, or publication): appended, never edited."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=16)
    stage = models.CharField(_("stage"), max_length=16, choices=EvaluationStage.choices, blank=True)
    from_status = models.CharField(max_length=16, choices=EvaluationStatus.choices)
    to_status = models.CharField(max_length=16, choices=EvaluationStatus.choices)
    scores = models.JSONField(_("item scores"), default=dict)  # {item code: "85.50"}
    total = models.DecimalField(_("total"), **SCORE, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation step")
        verbose_name_plural = _("evaluation steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.action}"
