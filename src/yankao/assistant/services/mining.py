"""FAQ mining: frequent questions among closed cases become candidate FAQ entries.

A periodic task groups closed consultations and petitions of each agency by similar wording
(TF-IDF cosine over words and character pairs, one pass with an inverted index, then
clusters with similar centroids merged); a group of at
least `YANKAO_FAQ_CLUSTER_MIN_SIZE` cases becomes a candidate for the agency's editor with its
most central question and its best-rated answer as a draft. Personal data never enters a
candidate: the petitioner's own values are blanked out of the texts, then everything is masked.
A candidate is keyed by its cluster's signature, so a run never proposes the same group twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.services import commission
from yankao.cases.models import Case, CaseStatus, CaseType, Petitioner, Reply, SurveyResponse
from yankao.cases.services import route

from ..models import CandidateStatus, FaqCandidate, FaqEntry, FaqStatus, FaqVersion, VersionStatus
from ..text import mask_personal_data, words_and_pairs
from . import may_edit

QUESTION_CHARS = 500
EXAMPLE_CHARS = 200
EXAMPLES = 5
CASE_NUMBERS = 50
SIGNATURE_WORDS = 3
COMMON_SHARE = 0.2  # words in more than this share of the cases are formulas…
COMMON_MIN_CASES = 50  # …once there are enough cases to tell
MAX_POSTINGS = 2000  # clustering: a word shared with more clusters than this is not looked up
MAX_COMPARED = 100  # and a case is compared with the clusters sharing the most words with it

Vector = dict[str, float]


# --- Texts without personal data -----------------------------------------------------------


def scrub(text: str, personal: list[str]) -> str:
    """Blank the petitioner's own values out of a text, then mask whatever else looks personal
    (phones, ID numbers, e-mails…): replies often greet or quote the petitioner."""
    for value in sorted({p.strip() for p in personal if p and len(p.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(value, "○" * min(len(value), 3))
    return mask_personal_data(text).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Vectors and clusters ------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Words and character pairs: short questions put the same thing in different words."""
    return words_and_pairs(text)


def _norm(vector: Vector) -> float:
    return math.sqrt(sum(v * v for v in vector.values())) or 1.0


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items()) / (_norm(a) * _norm(b))


def idf_of(texts: list[list[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each word. Among many cases, a word found in more
    than a fifth of them is a formula ("請儘速處理，謝謝"), not a subject: it is left out, or
    cases would group by their politeness."""
    df: Counter[str] = Counter()
    for ws in texts:
        df.update(set(ws))
    n = len(texts)
    common = n * COMMON_SHARE if n >= COMMON_MIN_CASES else n + 1
    return {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items() if d <= common}


def vector(ws: list[str], idf: dict[str, float]) -> Vector:
    """TF-IDF weights (log term frequency), unit length; only words the idf knows count."""
    counts = Counter(w for w in ws if w in idf)
    weights = {w: (1.0 + math.log(c)) * idf[w] for w, c in counts.items()}
    norm = _norm(weights)
    return {w: v / norm for w, v in weights.items()}


def vectorise(texts: list[list[str]]) -> list[Vector]:
    idf = idf_of(texts)
    return [vector(ws, idf) for ws in texts]


@dataclass
class Cluster:
    members: list[int] = field(default_factory=list)  # indexes of documents
    total: Vector = field(default_factory=dict)  # sum of the members' unit vectors
    square: float = 0.0  # the total's squared length, kept as members join

    def add(self, index: int, vector: Vector) -> None:
        self.members.append(index)
        total = self.total
        for w, v in vector.items():
            old = total.get(w, 0.0)
            total[w] = old + v
            self.square += 2 * old * v + v * v

    def absorb(self, other: Cluster) -> None:
        self.members.extend(other.members)
        dot = sum(v * self.total.get(w, 0.0) for w, v in other.total.items())
        for w, v in other.total.items():
            self.total[w] = self.total.get(w, 0.0) + v
        self.square += 2 * dot + other.square

    def similarity(self, vector: Vector) -> float:
        """Cosine between the centroid and a vector of unit length (or another total)."""
        norm = math.sqrt(self.square) or 1.0
        return sum(v * self.total.get(w, 0.0) for w, v in vector.items()) / norm

    def key_words(self, k: int = SIGNATURE_WORDS) -> list[str]:
        return [w for w, _ in sorted(self.total.items(), key=lambda item: (-item[1], item[0]))[:k]]


def cluster(vectors: list[Vector], threshold: float) -> list[Cluster]:
    """One pass: each document joins the most similar cluster (cosine to its centroid at least
    `threshold`) among those sharing a word with it (an inverted index), or starts its own."""
    clusters: list[Cluster] = []
    by_word: dict[str, set[int]] = defaultdict(set)
    for index, vector in enumerate(vectors):
        if not vector:
            continue
        shared: Counter[int] = Counter()
        for w in vector:
            postings = by_word.get(w, ())
            if len(postings) <= MAX_POSTINGS:  # a word in that many clusters tells none apart
                shared.update(postings)
        best, best_score = None, threshold
        for c, _count in shared.most_common(MAX_COMPARED):
            score = clusters[c].similarity(vector)
            if score >= best_score:
                best, best_score = c, score
        if best is None:
            best = len(clusters)
            clusters.append(Cluster())
        clusters[best].add(index, vector)
        for w in vector:
            by_word[w].add(best)
    return merge(clusters, threshold)


def merge(clusters: list[Cluster], threshold: float) -> list[Cluster]:
    """Join clusters whose centroids are as similar as a member must be: one pass depends on
    the order cases came in, and a question asked two ways may have started two clusters."""
    merged = True
    while merged:
        merged = False
        clusters.sort(key=lambda c: -len(c.members))
        by_word: dict[str, set[int]] = defaultdict(set)
        for i, c in enumerate(clusters):
            for w in c.total:
                by_word[w].add(i)
        gone: set[int] = set()
        for i, c in enumerate(clusters):
            if i in gone:
                continue
            shared: Counter[int] = Counter()
            for w in c.total:
                if len(by_word[w]) <= MAX_POSTINGS:
                    shared.update(by_word[w])
            for j, _count in shared.most_common(MAX_COMPARED):
                other = clusters[j]
                if j <= i or j in gone:
                    continue
                small, large = (other, c) if len(other.total) < len(c.total) else (c, other)
                cos = large.similarity(small.total) / (math.sqrt(small.square) or 1.0)
                if cos >= threshold:
                    c.absorb(other)
                    gone.add(j)
                    merged = True
        clusters = [c for i, c in enumerate(clusters) if i not in gone]
    return clusters


def signature(agency_id: int, key_words: list[str]) -> str:
    """A cluster's identity across runs: its agency and its heaviest words."""
    return hashlib.sha256(f"{agency_id}|{'|'.join(sorted(key_words))}".encode()).hexdigest()


# --- Mining --------------------------------------------------------------------------------


@dataclass
class Document:
    case_id: int
    number: str
    agency_id: int
    question: str  # masked
    answers: list[tuple[int, str]]  # (rating, masked answer)


@dataclass
class MiningResult:
    cases: int = 0
    clusters: int = 0
    created: list[FaqCandidate] = field(default_factory=list)
    refreshed: int = 0
    known: int = 0


def _rating(survey: tuple[bool] | None) -> int:
    """A satisfied citizen's answer first, then unrated ones, a dissatisfied one last."""
    if survey is None:
        return 1
    return 2 if survey[0] else 0


def mined_documents(since: dt.datetime) -> list[Document]:
    """Closed consultations and petitions since a date, with their answers, all masked."""
    rows = list(
        Case.objects.filter(
            status=CaseStatus.CLOSED,
            case_type__in=[CaseType.CONSULTATION, CaseType.PETITION],
            closed_at__gte=since,
            confidential=False,
        )
        .exclude(category__confidential=True)
        .select_related("category")
        .order_by("received_at", "pk")
    )
    ids = [c.pk for c in rows]
    personal: dict[int, list[str]] = {
        p["case_id"]: [p["name"], p["phone"], p["email"], p["address"], p["id_number"]]
        for p in Petitioner.objects.filter(case_id__in=ids).values(
            "case_id", "name", "phone", "email", "address", "id_number"
        )
    }
    surveys = {
        s["case_id"]: (s["satisfied"],)
        for s in SurveyResponse.objects.filter(case_id__in=ids).values("case_id", "satisfied")
    }
    replies: dict[int, list[str]] = defaultdict(list)
    for r in (
        Reply.objects.filter(case_id__in=ids)
        .order_by("created_at")
        .values("case_id", "handling", "basis")
    ):
        replies[r["case_id"]].append(r["handling"] + (f"\n{r['basis']}" if r["basis"] else ""))
    fallback = commission()
    documents = []
    for case in rows:
        agency = case.lead_agency_id or getattr(route(case.category, case.district), "pk", None)
        agency = agency or (fallback.pk if fallback else None)
        if agency is None:
            continue
        own = personal.get(case.pk, [])
        text = (
            case.description
            if case.description.startswith(case.subject)
            else (f"{case.subject}\n{case.description}")
        )
        rating = _rating(surveys.get(case.pk))
        answers = [(rating, scrub(a, own)) for a in [*replies[case.pk][-1:], case.answer] if a]
        documents.append(
            Document(case.pk, case.number, agency, scrub(text, own), [a for a in answers if a[1]])
        )
    return documents


def mine(now: dt.datetime | None = None) -> MiningResult:
    """Propose a candidate for every new group of similar closed cases; refresh the counts of
    candidates still waiting; never propose a group already proposed, approved or rejected."""
    now = now or timezone.now()
    minimum = settings.YANKAO_FAQ_CLUSTER_MIN_SIZE
    threshold = settings.YANKAO_FAQ_SIMILARITY
    documents = mined_documents(now - dt.timedelta(days=settings.YANKAO_FAQ_MINING_DAYS))
    result = MiningResult(cases=len(documents))
    # Word weights across all agencies: within one agency its everyday words would weigh nothing.
    texts = [words(d.question) for d in documents]
    idf = idf_of(texts)
    all_vectors = [vector(ws, idf) for ws in texts]
    by_agency: dict[int, list[int]] = defaultdict(list)
    for index, doc in enumerate(documents):
        by_agency[doc.agency_id].append(index)
    for agency_id, indexes in by_agency.items():
        if len(indexes) < minimum:
            continue
        docs = [documents[i] for i in indexes]
        vectors = [all_vectors[i] for i in indexes]
        existing = list(FaqCandidate.objects.filter(agency_id=agency_id))
        existing_vectors = [vector(words(c.question), idf) for c in existing]
        for group in cluster(vectors, threshold):
            if len(group.members) < minimum:
                continue
            result.clusters += 1
            key = signature(agency_id, group.key_words())
            centre = {w: v / len(group.members) for w, v in group.total.items()}
            same = next((c for c in existing if c.signature == key), None) or next(
                (
                    c
                    for c, vector in zip(existing, existing_vectors, strict=True)
                    if cosine(vector, centre) >= threshold
                ),
                None,
            )
            members = sorted(group.members, key=lambda i: -cosine(vectors[i], centre))
            fields = _candidate_fields([docs[i] for i in members], [vectors[i] for i in members])
            if same is not None:
                result.known += 1
                if same.status == CandidateStatus.PROPOSED and same.cluster_size != len(members):
                    same.cluster_size = len(members)
                    same.examples = fields["examples"]
                    same.case_numbers = fields["case_numbers"]
                    same.save(update_fields=["cluster_size", "examples", "case_numbers"])
                    result.refreshed += 1
                continue
            candidate, made = FaqCandidate.objects.get_or_create(
                signature=key, defaults={"agency_id": agency_id, **fields}
            )
            if made:
                result.created.append(candidate)
                existing.append(candidate)
                existing_vectors.append(centre)
    return result


def _candidate_fields(docs: list[Document], vectors: list[Vector]) -> dict[str, Any]:
    """Central question first; the best-rated answer (most central among equals) as draft."""
    answers = [
        (rating, -position, answer)
        for position, doc in enumerate(docs)
        for rating, answer in doc.answers
    ]
    draft = max(answers)[2] if answers else ""
    return {
        "question": _clip(docs[0].question, QUESTION_CHARS),
        "draft_answer": draft,
        "cluster_size": len(docs),
        "examples": [_clip(d.question, EXAMPLE_CHARS) for d in docs[1 : EXAMPLES + 1]],
        "case_numbers": [d.number for d in docs[:CASE_NUMBERS]],
    }


# --- The editor's decision -----------------------------------------------------------------


def may_decide(user: Any, candidate: FaqCandidate) -> bool:
    """The owning agency's editors and the commission's approvers decide on a candidate."""
    return may_edit(user, candidate.agency_id)


def _locked(candidate: FaqCandidate, user: Any) -> FaqCandidate:
    if not may_decide(user, candidate):
        raise PermissionDenied(_("Only the owning agency's editors decide on this candidate."))
    locked = FaqCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != CandidateStatus.PROPOSED:
        raise ValidationError(_("This candidate has already been decided."))
    return locked


def approve(
    candidate: FaqCandidate,
    user: Any,
    *,
    question: str | None = None,
    answer: str | None = None,
    note: str = "",
) -> FaqEntry:
    """The editor accepts the candidate (edited or not): a draft FAQ entry with its first
    version submitted for the commission's approval, in one transaction."""
    question = (candidate.question if question is None else question).strip()
    answer = (candidate.draft_answer if answer is None else answer).strip()
    errors: dict[str, list[str]] = {}
    if not question:
        errors["question"] = [_("Question: write the question as citizens ask it.")]
    elif len(question) > QUESTION_CHARS:
        errors["question"] = [_("Question: at most 500 characters.")]
    if not answer:
        errors["answer"] = [_("Answer: write the answer before approving.")]
    if errors:
        raise ValidationError(errors)
    question, answer = mask_personal_data(question), mask_personal_data(answer)
    with transaction.atomic():
        locked = _locked(candidate, user)
        entry = FaqEntry.objects.create(
            agency_id=locked.agency_id,
            question=question,
            answer=answer,
            status=FaqStatus.DRAFT,
        )
        FaqVersion.objects.create(
            entry=entry,
            number=1,
            question=question,
            answer=answer,
            note=note
            or _("From %(n)s similar closed cases (FAQ mining).") % {"n": locked.cluster_size},
            status=VersionStatus.SUBMITTED,
            submitted_by=user,
        )
        locked.status = CandidateStatus.APPROVED
        locked.entry = entry
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "entry", "decided_by", "decided_at"])
    candidate.refresh_from_db()
    return entry


def reject(candidate: FaqCandidate, user: Any) -> FaqCandidate:
    """Not a question for the FAQ: kept as rejected, so mining never proposes it again."""
    with transaction.atomic():
        locked = _locked(candidate, user)
        locked.status = CandidateStatus.REJECTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    candidate.refresh_from_db()
    return candidate
