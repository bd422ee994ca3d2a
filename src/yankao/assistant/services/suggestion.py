"""Category and agency suggestion for the 1999 console and the mayor's mailbox.

A multinomial naive Bayes over the words and character pairs of past cases (benchmarks/
routing_bench.py compared it with k-nearest neighbours and class centroids: as accurate, far
smaller, trains in seconds in plain Python). The model is a row (`SuggestionModel`): versioned,
one active, each process keeps the active one in memory. With too little history the keyword
rules the categories carry answer instead. Category names drift: a category is never renamed in
place but superseded, and `CategoryAlias` maps the old names (and outside names) to today's.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from yankao.agencies.models import Agency
from yankao.cases.models import Case, CaseType, Category
from yankao.cases.services import route

from ..models import CategoryAlias, SuggestionFeedback, SuggestionModel
from ..text import mask_personal_data, normalize, words_and_pairs

METHOD = "naive-bayes:words+char-pairs"
DEFAULT_ALPHA = 0.03  # additive smoothing; the Taipei question set preferred small values
MIN_TOKEN_DOCS = 2  # a token seen in one case only is dropped: noise, and maybe a person's
HELD_OUT_SHARE = 0.1  # the latest tenth of the history checks the model before it answers
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0)

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z]+;|&#\d+;")


# --- Features ------------------------------------------------------------------------------


def features(text: str, district: str = "") -> list[str]:
    """Distinct features of a case text: its words, its character pairs and its district."""
    found = set(words_and_pairs(text))
    if district:
        found.add("@" + district)
    return sorted(found)


# --- The classifier (plain Python, JSON-serialisable) -------------------------------------


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes over binary features; `counts[token]` = {label index: weight}."""

    labels: list[str]
    doc_counts: list[float]
    token_totals: list[float]
    counts: dict[str, dict[int, float]]
    alpha: float = DEFAULT_ALPHA
    temperature: float = 1.0
    _log_prior: list[float] = field(default_factory=list, repr=False)
    _log_denominator: list[float] = field(default_factory=list, repr=False)
    _log_counts: dict[str, list[tuple[int, float]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        total = sum(self.doc_counts) or 1.0
        vocabulary = len(self.counts)
        self._log_prior = [math.log(d / total) if d else -1e9 for d in self.doc_counts]
        self._log_denominator = [math.log(t + self.alpha * vocabulary) for t in self.token_totals]
        log_alpha = math.log(self.alpha)
        self._log_counts = {
            token: [(i, math.log(self.alpha + c) - log_alpha) for i, c in row.items()]
            for token, row in self.counts.items()
        }

    @classmethod
    def fit(
        cls,
        samples: Iterable[tuple[Sequence[str], str, float]],
        *,
        alpha: float = DEFAULT_ALPHA,
        min_token_docs: int = MIN_TOKEN_DOCS,
    ) -> NaiveBayes:
        """Learn from (features, label, weight) triples; features are taken once each."""
        index: dict[str, int] = {}
        doc_counts: list[float] = []
        raw: dict[str, dict[int, float]] = {}
        seen_in: Counter[str] = Counter()
        for feats, label, weight in samples:
            i = index.setdefault(label, len(index))
            if i == len(doc_counts):
                doc_counts.append(0.0)
            doc_counts[i] += weight
            for token in set(feats):
                row = raw.setdefault(token, {})
                row[i] = row.get(i, 0.0) + weight
                seen_in[token] += 1
        counts = {t: row for t, row in raw.items() if seen_in[t] >= min_token_docs}
        totals = [0.0] * len(index)
        for row in counts.values():
            for i, c in row.items():
                totals[i] += c
        return cls(list(index), doc_counts, totals, counts, alpha)

    def with_prior(self, frequencies: dict[str, float]) -> NaiveBayes:
        """The same word statistics with class frequencies from elsewhere (a sample drawn evenly
        per class, its real volumes known): weighting the cases instead would also inflate the
        smoothing penalty of the big classes' unseen words."""
        return NaiveBayes(
            self.labels,
            [frequencies.get(label, 0.0) or 1.0 for label in self.labels],
            self.token_totals,
            self.counts,
            self.alpha,
            self.temperature,
        )

    def scores(self, feats: Iterable[str]) -> tuple[list[float], int]:
        """Log scores per label and how many of the features the model knows."""
        gain = [0.0] * len(self.labels)
        known = 0
        for token in set(feats):
            row = self._log_counts.get(token)
            if row is None:
                continue
            known += 1
            for i, value in row:
                gain[i] += value
        log_alpha = math.log(self.alpha)
        return [
            self._log_prior[i] + gain[i] + known * (log_alpha - self._log_denominator[i])
            for i in range(len(self.labels))
        ], known

    def rank(
        self, feats: Iterable[str], limit: int = 3, temperature: float | None = None
    ) -> list[tuple[str, float]]:
        """The best labels with a confidence (tempered posterior); empty when nothing is known."""
        scores, known = self.scores(feats)
        if not known:
            return []
        return _top(self.labels, scores, limit, temperature or self.temperature)

    def to_payload(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "doc_counts": self.doc_counts,
            "token_totals": self.token_totals,
            "alpha": self.alpha,
            "temperature": self.temperature,
            "counts": {t: [[i, c] for i, c in row.items()] for t, row in self.counts.items()},
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> NaiveBayes:
        return cls(
            labels=list(payload["labels"]),
            doc_counts=[float(x) for x in payload["doc_counts"]],
            token_totals=[float(x) for x in payload["token_totals"]],
            counts={t: {int(i): float(c) for i, c in row} for t, row in payload["counts"].items()},
            alpha=float(payload["alpha"]),
            temperature=float(payload.get("temperature", 1.0)),
        )


def _top(
    labels: Sequence[str], scores: Sequence[float], limit: int, temperature: float
) -> list[tuple[str, float]]:
    best = max(scores)
    weights = [math.exp((s - best) / temperature) for s in scores]
    total = sum(weights)
    order = sorted(range(len(labels)), key=lambda i: -scores[i])[:limit]
    return [(labels[i], weights[i] / total) for i in order]


def fit_temperature(model: NaiveBayes, held_out: Sequence[tuple[Sequence[str], str]]) -> float:
    """The temperature whose confidences best fit the held-out answers (least log loss):
    naive Bayes alone is sure of itself far beyond its accuracy."""
    rows = []
    for feats, label in held_out:
        scores, known = model.scores(feats)
        if known and label in model.labels:
            rows.append((scores, model.labels.index(label)))
    if not rows:
        return 1.0

    def loss(t: float) -> float:
        total = 0.0
        for scores, gold in rows:
            best = max(scores)
            z = sum(math.exp((s - best) / t) for s in scores)
            total -= (scores[gold] - best) / t - math.log(z)
        return total

    return min(TEMPERATURES, key=loss)


# --- Categories: versioned names -----------------------------------------------------------


def resolve_category(name: str) -> Category | None:
    """Today's active category for a code, a name or an alias (old or outside name); aliases
    may chain (A renamed B, later C): followed a few steps."""
    name = name.strip()
    if not name:
        return None
    for _step in range(5):
        found = (
            Category.objects.filter(parent__isnull=False)
            .filter(code=name)
            .select_related("agency", "parent")
            .first()
        ) or (
            Category.objects.filter(parent__isnull=False, active=True, name_zh=name)
            .select_related("agency", "parent")
            .first()
        )
        if found is not None and found.active:
            return found
        alias_names = [name] + ([found.code, found.name_zh] if found is not None else [])
        alias = (
            CategoryAlias.objects.filter(name__in=alias_names).select_related("category").first()
        )
        if alias is None:
            return None
        if alias.category.active:
            return alias.category
        name = alias.category.code
    return None


def supersede_category(
    old: Category, *, code: str, name_zh: str, name_en: str = "", valid_to: Any = None
) -> Category:
    """A category gets a new name: a new row with the same routing, the old one retired, and
    both its code and name kept as aliases, so old cases still train the new category."""
    with transaction.atomic():
        new = Category.objects.create(
            code=code,
            parent=old.parent,
            name_zh=name_zh,
            name_en=name_en or old.name_en,
            case_type=old.case_type,
            agency=old.agency,
            route_to_district_office=old.route_to_district_office,
            deadline_working_days=old.deadline_working_days,
            deadline_hours=old.deadline_hours,
            works_site=old.works_site,
            requires_review=old.requires_review,
            confidential=old.confidential,
            keywords=old.keywords,
            sort_order=old.sort_order,
        )
        old.active = False
        old.save(update_fields=["active"])
        for name in {old.code, old.name_zh}:
            CategoryAlias.objects.update_or_create(
                name=name, defaults={"category": new, "valid_to": valid_to}
            )
    return new


def _label_map() -> dict[str, str]:
    """Every category code in use or retired → today's active code (absent when none)."""
    mapping: dict[str, str] = {}
    for category in Category.objects.filter(parent__isnull=False).only("code", "active"):
        if category.active:
            mapping[category.code] = category.code
    for category in Category.objects.filter(parent__isnull=False, active=False):
        current = resolve_category(category.code)
        if current is not None:
            mapping[category.code] = current.code
    return mapping


# --- Suggesting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    category: Category
    confidence: float
    agency: Agency | None


@dataclass(frozen=True)
class Outcome:
    """What the console shows: the suggestions, how they were made, or why there are none."""

    suggestions: list[Suggestion]
    method: str = ""  # "model", "keywords" or "" (none)
    model_version: int | None = None
    problem: str = ""  # a sentence for the user when the text gets no suggestion

    @property
    def codes(self) -> list[str]:
        return [s.category.code for s in self.suggestions]


def text_problem(text: str) -> str:
    """Why a text gets no suggestion: empty, too long or markup (never rendered as HTML)."""
    if not text.strip():
        return str(_("Type the citizen's words to get category suggestions."))
    if len(text) > settings.YANKAO_SUGGEST_MAX_CHARS:
        return str(
            _("The text is longer than %(limit)s characters: no suggestion.")
            % {"limit": settings.YANKAO_SUGGEST_MAX_CHARS}
        )
    if _MARKUP.search(text):
        return str(_("The text contains HTML markup: no suggestion. Type plain words."))
    return ""


_loaded: dict[str, Any] = {"key": None, "model": None}  # (version, trained at) → model
_lock = threading.Lock()


def active_model() -> tuple[NaiveBayes | None, int | None, int]:
    """The active model (kept in memory until another version becomes active)."""
    row = (
        SuggestionModel.objects.filter(active=True)
        .values_list("version", "trained_at", "cases_used")
        .first()
    )
    if row is None:
        return None, None, 0
    version, trained_at, cases_used = row
    with _lock:
        if _loaded["key"] != (version, trained_at):
            payload = SuggestionModel.objects.values_list("payload", flat=True).get(version=version)
            _loaded.update(key=(version, trained_at), model=NaiveBayes.from_payload(payload))
        return _loaded["model"], version, cases_used


def keyword_suggestions(text: str, limit: int = 3) -> list[tuple[Category, float]]:
    """The categories' own keywords (the rule used before any history): the longer the words
    found, the better; confidence is the category's share of the matched length."""
    text = text.strip()
    if not text:
        return []
    scored: list[tuple[int, int, Category]] = []
    for category in Category.objects.filter(active=True, parent__isnull=False).select_related(
        "parent", "agency"
    ):
        words = [w for w in category.keywords.split("|") if w] + [category.name_zh]
        score = sum(len(w) for w in words if w in text)
        if score:
            scored.append((score, -category.sort_order, category))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    total = sum(score for score, _, _ in scored[:limit]) or 1
    return [(category, score / total) for score, _, category in scored[:limit]]


def suggest(text: str, district: str = "", limit: int = 3) -> Outcome:
    """The top categories for a case text (and district), each with its confidence and the
    agency its routing gives; the trained model when there is enough history, else keywords."""
    problem = text_problem(text)
    if problem:
        return Outcome([], problem=problem)
    model, version, cases_used = active_model()
    if model is not None and cases_used >= settings.YANKAO_SUGGEST_MIN_HISTORY:
        ranked = model.rank(features(text, district), limit=limit * 3)
        found = _categories_for(ranked, limit)
        if found:
            return Outcome(
                [Suggestion(c, p, route(c, district)) for c, p in found],
                method="model",
                model_version=version,
            )
    found = keyword_suggestions(normalize(text), limit)
    if not found:
        return Outcome([], problem=str(_("No suggestion for these words.")))
    return Outcome([Suggestion(c, p, route(c, district)) for c, p in found], method="keywords")


def _categories_for(ranked: list[tuple[str, float]], limit: int) -> list[tuple[Category, float]]:
    """Model labels → today's active categories (retired ones through their aliases)."""
    by_code = {
        c.code: c
        for c in Category.objects.filter(
            code__in=[code for code, _ in ranked], parent__isnull=False
        ).select_related("agency", "parent")
    }
    merged: dict[int, tuple[Category, float]] = {}
    for code, confidence in ranked:
        category = by_code.get(code)
        if category is None or not category.active:
            category = resolve_category(code)
        if category is None:
            continue
        previous = merged.get(category.pk)
        merged[category.pk] = (category, confidence + (previous[1] if previous else 0.0))
    return sorted(merged.values(), key=lambda item: -item[1])[:limit]


# --- Feedback and training -----------------------------------------------------------------


def fill_feedback(batch: int = 1000) -> int:
    """What the suggester proposes for each newly recorded case's words, beside the category the
    operator chose: a chosen category other than the first suggestion is a correction the next
    training weighs. Returns the rows added.

    Intake does not wait for this (it is the busiest write, and the words need segmenting): the
    worker runs it every few minutes (`YANKAO_SUGGEST_FEEDBACK_MINUTES`) and `train` runs it
    first, so every case is judged by the model that was active when it was recorded. It looks
    only at cases after the newest one with feedback (less a margin for transactions that
    committed late), never the whole history.
    """
    newest = SuggestionFeedback.objects.aggregate(newest=Max("case_id"))["newest"]
    if newest is None:  # none yet: the recent cases, not years of history
        newest = Case.objects.aggregate(newest=Max("pk"))["newest"] or 0
    after = max(0, newest - settings.YANKAO_SUGGEST_FEEDBACK_MARGIN)
    added = 0
    while True:
        rows = list(
            Case.objects.filter(pk__gt=after, category__isnull=False, suggestion__isnull=True)
            .exclude(case_type=CaseType.CONSULTATION)
            .order_by("pk")
            .values_list("pk", "description", "district", "category__code")[:batch]
        )
        if not rows:
            return added
        made = []
        for pk, description, district, code in rows:
            codes, version = suggested_codes(description, district)
            made.append(
                SuggestionFeedback(case_id=pk, model_version=version, suggested=codes, chosen=code)
            )
        # A case another run filled meanwhile keeps its row.
        SuggestionFeedback.objects.bulk_create(made, ignore_conflicts=True)
        added += len(made)
        after = rows[-1][0]


# Per process: the active model's row, category code → today's code, and the keyword rules.
# Kept `YANKAO_SUGGEST_CACHE_SECONDS`; a model, category or alias saved on this server clears it.
_MISSING = object()
_intake_cache: dict[str, Any] = {"at": None}


def forget_intake_cache(**kwargs: Any) -> None:
    """Signal receiver (and test fixture): a model, category or alias changed."""
    _intake_cache.clear()
    _intake_cache["at"] = None


def _intake_state() -> dict[str, Any]:
    at = _intake_cache.get("at")
    if at is None or time.monotonic() - at > settings.YANKAO_SUGGEST_CACHE_SECONDS:
        row = (
            SuggestionModel.objects.filter(active=True)
            .values_list("version", "trained_at", "cases_used")
            .first()
        )
        keywords = [
            ([w for w in c.keywords.split("|") if w] + [c.name_zh], -c.sort_order, c.code)
            for c in Category.objects.filter(active=True, parent__isnull=False).only(
                "code", "keywords", "name_zh", "sort_order"
            )
        ]
        forget_intake_cache()
        _intake_cache.update(row=row, codes=_label_map(), keywords=keywords)
        _intake_cache["at"] = time.monotonic()
    return _intake_cache


def _model_for(version: int, trained_at: Any) -> NaiveBayes | None:
    with _lock:
        if _loaded["key"] != (version, trained_at):
            payload = (
                SuggestionModel.objects.filter(version=version, trained_at=trained_at)
                .values_list("payload", flat=True)
                .first()
            )
            if payload is None:  # replaced since the cache was filled
                return None
            _loaded.update(key=(version, trained_at), model=NaiveBayes.from_payload(payload))
        return _loaded["model"]


def suggested_codes(text: str, district: str = "", limit: int = 3) -> tuple[list[str], int | None]:
    """The category codes `suggest` proposes, best first, and the model version (None for the
    keyword rules), without its per-call queries or routing: what intake feedback stores."""
    if text_problem(text):
        return [], None
    state = _intake_state()
    row = state["row"]
    if row is not None and row[2] >= settings.YANKAO_SUGGEST_MIN_HISTORY:
        model = _model_for(row[0], row[1])
        if model is None:
            forget_intake_cache()
            return suggested_codes(text, district, limit)
        merged: dict[str, float] = {}
        for code, confidence in model.rank(features(text, district), limit=limit * 3):
            current = state["codes"].get(code, _MISSING)
            if current is _MISSING:  # not a category today: an old name, maybe an alias
                found = resolve_category(code)
                current = state["codes"][code] = found.code if found is not None else None
            if current is not None:
                merged[current] = merged.get(current, 0.0) + confidence
        if merged:
            ranked = sorted(merged.items(), key=lambda item: -item[1])[:limit]
            return [code for code, _ in ranked], row[0]
    clean = normalize(text).strip()
    if not clean:
        return [], None
    scored = []
    for words, order, code in state["keywords"]:
        score = sum(len(w) for w in words if w in clean)
        if score:
            scored.append((score, order, code))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [code for _, _, code in scored[:limit]], None


def is_correction(suggested: Sequence[str], chosen: str) -> bool:
    return bool(chosen) and bool(suggested) and suggested[0] != chosen


def case_text(subject: str, description: str) -> str:
    """Subject and description once each (the subject is often the description's start),
    with personal data masked before any word reaches a model."""
    text = description if description.startswith(subject) else f"{subject}\n{description}"
    return mask_personal_data(text)


@dataclass
class TrainingResult:
    cases: int
    model: SuggestionModel | None = None
    corrections: int = 0
    reason: str = ""


def training_samples() -> tuple[list[tuple[list[str], str, float]], int]:
    """(features, today's category code, weight) of the latest categorised cases, oldest first;
    the number of operators' corrections among them."""
    labels = _label_map()
    rows = (
        Case.objects.filter(category__isnull=False)
        .exclude(case_type=CaseType.CONSULTATION)
        .order_by("-received_at", "-pk")
        .values_list(
            "subject", "description", "district", "category__code", "suggestion__suggested"
        )[: settings.YANKAO_SUGGEST_MAX_CASES]
    )
    weight = float(settings.YANKAO_SUGGEST_CORRECTION_WEIGHT)
    samples: list[tuple[list[str], str, float]] = []
    corrections = 0
    for subject, description, district, code, suggested in rows:
        label = labels.get(code)
        if label is None:
            continue
        corrected = is_correction(suggested or [], code)
        corrections += corrected
        samples.append(
            (
                features(case_text(subject, description), district),
                label,
                weight if corrected else 1.0,
            )
        )
    samples.reverse()
    return samples, corrections


def evaluate(
    model: NaiveBayes, held_out: Sequence[tuple[Sequence[str], str]]
) -> tuple[float, float]:
    """Top-1 and top-3 accuracy."""
    if not held_out:
        return 0.0, 0.0
    top1 = top3 = 0
    for feats, label in held_out:
        labels = [code for code, _ in model.rank(feats, limit=3)]
        top1 += bool(labels) and labels[0] == label
        top3 += label in labels
    return top1 / len(held_out), top3 / len(held_out)


def train(*, activate: bool = True) -> TrainingResult:
    """Train a new version on the history: check it on the latest tenth, fit its confidence
    there, then learn from everything; the new version becomes the active one."""
    fill_feedback()  # the cases recorded since the last run, judged by the model they met
    samples, corrections = training_samples()
    minimum = settings.YANKAO_SUGGEST_MIN_HISTORY
    if len(samples) < max(minimum, 2):
        return TrainingResult(
            cases=len(samples),
            corrections=corrections,
            reason=str(
                _("Only %(n)s categorised cases (at least %(min)s needed): keyword rules answer.")
                % {"n": len(samples), "min": minimum}
            ),
        )
    cut = len(samples) - max(1, int(len(samples) * HELD_OUT_SHARE))
    probe = NaiveBayes.fit(samples[:cut])
    held_out = [(feats, label) for feats, label, _ in samples[cut:]]
    top1, top3 = evaluate(probe, held_out)
    model = NaiveBayes.fit(samples)
    model.temperature = fit_temperature(probe, held_out)
    with transaction.atomic():
        version = (SuggestionModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        if activate:
            SuggestionModel.objects.filter(active=True).update(active=False)
        row = SuggestionModel.objects.create(
            version=version,
            cases_used=len(samples),
            held_out=len(held_out),
            top1=top1,
            top3=top3,
            method=METHOD,
            payload=model.to_payload(),
            active=activate,
        )
    return TrainingResult(cases=len(samples), model=row, corrections=corrections)


def activate(version: int) -> SuggestionModel:
    """Go back to (or forward to) another trained version."""
    with transaction.atomic():
        row = SuggestionModel.objects.select_for_update().get(version=version)
        SuggestionModel.objects.filter(active=True).exclude(pk=row.pk).update(active=False)
        row.active = True
        row.save(update_fields=["active"])
    return row
