"""The FAQ knowledge base rules: agencies write, the commission approves, citizens read.

Every edit is a new `FaqVersion` submitted by the owning agency's editor; the commission
approves it (its text is copied onto the entry, which is published and its version number
goes up) or rejects it with a reason. A version written on an older approved text is stale
once another edit has been approved: approving it would silently undo that edit, so it is
refused. Published entries within their validity dates are what citizens are answered from;
`faq_changed` tells the answering side (its search index) when that set changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.agencies.services import scope_queryset
from yankao.audit.models import AuditAction
from yankao.audit.services import record

from ..markup import HTML_TAG, OTHER_LINK
from ..models import FaqEntry, FaqStatus, FaqVersion, Synonym, Topic, VersionStatus
from . import is_approver, may_edit

# Sent (after the transaction commits) whenever what the assistant answers from may have changed:
# `sender=FaqEntry, entry=<FaqEntry>, action="approved"|"retired"|"republished"`, or
# `sender=Synonym, entry=None, action="synonyms"` when a synonym list changes in the admin.
faq_changed = Signal()

QUESTION_CHARS = FaqEntry._meta.get_field("question").max_length or 500
NOTE_CHARS = 2000
REASON_CHARS = 2000


@dataclass
class FaqText:
    """What an editor writes for one version of an entry."""

    question: str
    answer: str
    alternatives: str | list[str] = ""
    topic: Topic | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""


def alternative_lines(text: str | list[str]) -> list[str]:
    """Alternative phrasings, one a line, blank lines and repeats dropped."""
    lines = text if isinstance(text, list) else (text or "").splitlines()
    seen: list[str] = []
    for line in lines:
        line = " ".join(str(line).split())
        if line and line not in seen:
            seen.append(line)
    return seen


def clean_text(data: FaqText) -> FaqText:
    """Check a version's text; every message names its field (zh-Hant in the Chinese UI)."""
    question = " ".join((data.question or "").split())
    answer = (data.answer or "").replace("\r\n", "\n").strip()
    alternatives = alternative_lines(data.alternatives)
    note = (data.note or "").strip()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not question:
        add("question", _("Question: write the question as citizens ask it."))
    elif len(question) > QUESTION_CHARS:
        add("question", _("Question: at most %(n)d characters.") % {"n": QUESTION_CHARS})
    if not answer:
        add("answer", _("Answer: write the answer."))
    elif len(answer) > settings.YANKAO_FAQ_ANSWER_MAX_CHARS:
        add(
            "answer",
            _("Answer: at most %(n)d characters (this one has %(len)d).")
            % {"n": settings.YANKAO_FAQ_ANSWER_MAX_CHARS, "len": len(answer)},
        )
    if HTML_TAG.search(answer):
        add(
            "answer",
            _(
                "Answer: HTML is not allowed. Write a link as [text](https://…) "
                "or paste the address."
            ),
        )
    if OTHER_LINK.search(answer):
        add("answer", _("Answer: links must start with http:// or https://."))
    if len(alternatives) > settings.YANKAO_FAQ_ALTERNATIVES_MAX:
        add(
            "alternatives",
            _("Alternative phrasings: at most %(n)d lines.")
            % {"n": settings.YANKAO_FAQ_ALTERNATIVES_MAX},
        )
    longest = settings.YANKAO_FAQ_ALTERNATIVE_MAX_CHARS
    if any(len(line) > longest for line in alternatives):
        add(
            "alternatives",
            _("Alternative phrasings: at most %(n)d characters a line.") % {"n": longest},
        )
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        add("valid_to", _("Valid to: cannot be before the valid-from date."))
    if len(note) > NOTE_CHARS:
        add("note", _("Note: at most %(n)d characters.") % {"n": NOTE_CHARS})
    if errors:
        raise ValidationError(errors)
    return FaqText(
        question=question,
        answer=answer,
        alternatives=alternatives,
        topic=data.topic,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        note=note,
    )


# --- Who may do what ------------------------------------------------------------------------


def may_edit_entry(user: Any, entry: FaqEntry) -> bool:
    """The owning agency's editors (and the commission's approvers) submit edits."""
    return may_edit(user, entry.agency_id)


def may_retire(user: Any, entry: FaqEntry) -> bool:
    """An outdated answer must come down fast: its own agency may take it off, as may the
    commission."""
    return entry.status == FaqStatus.PUBLISHED and may_edit(user, entry.agency_id)


def may_republish(user: Any, entry: FaqEntry) -> bool:
    """Publishing is the commission's decision, also for an entry coming back."""
    return entry.status == FaqStatus.RETIRED and entry.version > 0 and is_approver(user)


def editable_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies a user may create entries for."""
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    agencies = Agency.objects.filter(active=True).order_by("sort_order", "code")
    if is_approver(user):
        return agencies
    ids = [a for a in agencies.values_list("pk", flat=True) if may_edit(user, a)]
    return agencies.filter(pk__in=ids)


def _require_edit(user: Any, agency_id: int) -> None:
    if not may_edit(user, agency_id):
        raise PermissionDenied(_("Only the owning agency's editors may edit this FAQ entry."))


def _require_approver(user: Any) -> None:
    if not is_approver(user):
        raise PermissionDenied(_("Only the commission approves or rejects FAQ edits."))


# --- Writing ---------------------------------------------------------------------------------


def _next_number(entry: FaqEntry) -> int:
    highest = entry.versions.aggregate(n=Max("number"))["n"] or 0
    return max(highest, entry.version) + 1


def _new_version(entry: FaqEntry, text: FaqText, user: Any) -> FaqVersion:
    return FaqVersion.objects.create(
        entry=entry,
        number=_next_number(entry),
        question=text.question,
        alternatives="\n".join(text.alternatives),
        answer=text.answer,
        topic=text.topic,
        valid_from=text.valid_from,
        valid_to=text.valid_to,
        note=text.note,
        based_on=entry.version,
        status=VersionStatus.SUBMITTED,
        submitted_by=user,
    )


def create_entry(agency: Agency, data: FaqText, user: Any) -> FaqEntry:
    """A new draft entry with its first version submitted for the commission's approval."""
    _require_edit(user, agency.pk)
    text = clean_text(data)
    with transaction.atomic():
        entry = FaqEntry.objects.create(
            agency=agency,
            topic=text.topic,
            question=text.question,
            alternatives="\n".join(text.alternatives),
            answer=text.answer,
            valid_from=text.valid_from,
            valid_to=text.valid_to,
            status=FaqStatus.DRAFT,
        )
        _new_version(entry, text, user)
    return entry


def submit_version(entry: FaqEntry, data: FaqText, user: Any) -> FaqVersion:
    """An edit of an entry, waiting for the commission; the published text stays until then."""
    _require_edit(user, entry.agency_id)
    text = clean_text(data)
    with transaction.atomic():
        locked = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        version = _new_version(locked, text, user)
    return version


def is_stale(version: FaqVersion, entry: FaqEntry | None = None) -> bool:
    """Written on an approved text that another approved edit has since replaced."""
    if entry is None:
        current = FaqEntry.objects.filter(pk=version.entry_id).values_list("version", flat=True)
        return version.based_on != current.get()
    return version.based_on != entry.version


def _notify(entry: FaqEntry, action: str) -> None:
    transaction.on_commit(
        lambda: faq_changed.send(sender=FaqEntry, entry=entry, action=action), robust=True
    )


def notify_synonyms_changed() -> None:
    """The answering side searches synonyms alike: tell it a list changed."""
    transaction.on_commit(
        lambda: faq_changed.send(sender=Synonym, entry=None, action="synonyms"), robust=True
    )


def _locked_version(version: FaqVersion) -> tuple[FaqVersion, FaqEntry]:
    entry = FaqEntry.objects.select_for_update().get(pk=version.entry_id)
    locked = FaqVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.SUBMITTED:
        raise ValidationError(_("This version has already been decided."))
    return locked, entry


def approve(version: FaqVersion, user: Any) -> FaqEntry:
    """The commission approves an edit: its text becomes the entry's, which is published."""
    _require_approver(user)
    with transaction.atomic():
        locked, entry = _locked_version(version)
        if is_stale(locked, entry):
            raise ValidationError(
                _(
                    "Version %(n)d was written before another edit of this entry was "
                    "approved: approving it would undo that edit. Reject it and ask the agency "
                    "to edit the current text."
                )
                % {"n": locked.number}
            )
        clean_text(
            FaqText(
                question=locked.question,
                answer=locked.answer,
                alternatives=locked.alternatives,
                valid_from=locked.valid_from,
                valid_to=locked.valid_to,
            )
        )
        previous = entry.status
        entry.question = locked.question
        entry.alternatives = locked.alternatives
        entry.answer = locked.answer
        entry.topic_id = locked.topic_id
        entry.valid_from = locked.valid_from
        entry.valid_to = locked.valid_to
        entry.version += 1
        entry.status = FaqStatus.PUBLISHED
        entry.save()
        now = timezone.now()
        locked.status = VersionStatus.APPROVED
        locked.decided_by = user
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            AuditAction.STATUS,
            entry,
            actor=user,
            changes={
                "status": [previous, entry.status],
                "version": entry.version,
                "faq_version": locked.number,
            },
            note="FAQ version approved and published",
        )
        _notify(entry, "approved")
    version.refresh_from_db()
    return entry


def reject(version: FaqVersion, user: Any, reason: str) -> FaqVersion:
    """The commission sends an edit back with a reason; the entry is unchanged."""
    _require_approver(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Reason: tell the agency why the edit is sent back.")]})
    if len(reason) > REASON_CHARS:
        raise ValidationError(
            {"reason": [_("Reason: at most %(n)d characters.") % {"n": REASON_CHARS}]}
        )
    with transaction.atomic():
        locked, entry = _locked_version(version)
        locked.status = VersionStatus.REJECTED
        locked.decision_note = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        record(
            AuditAction.STATUS,
            entry,
            actor=user,
            changes={"faq_version": locked.number, "status": "rejected"},
            note=f"FAQ version rejected: {reason}"[:500],
        )
    version.refresh_from_db()
    return version


def _set_status(entry: FaqEntry, user: Any, status: str, action: str) -> FaqEntry:
    with transaction.atomic():
        locked = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        if status == FaqStatus.RETIRED:
            _require_edit(user, locked.agency_id)
            if locked.status != FaqStatus.PUBLISHED:
                raise ValidationError(_("Only a published entry can be retired."))
        else:
            if not is_approver(user):
                raise PermissionDenied(_("Only the commission republishes a retired FAQ entry."))
            if locked.status != FaqStatus.RETIRED or locked.version == 0:
                raise ValidationError(
                    _("Only a retired entry with an approved text can be republished.")
                )
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record(
            AuditAction.STATUS,
            locked,
            actor=user,
            changes={"status": [previous, status]},
            note=f"FAQ entry {action}",
        )
        _notify(locked, action)
    entry.refresh_from_db()
    return entry


def retire(entry: FaqEntry, user: Any) -> FaqEntry:
    """Off the assistant (an outdated answer); history and text are kept."""
    return _set_status(entry, user, FaqStatus.RETIRED, "retired")


def republish(entry: FaqEntry, user: Any) -> FaqEntry:
    """A retired entry's approved text back on the assistant."""
    return _set_status(entry, user, FaqStatus.PUBLISHED, "republished")


# --- Reading ---------------------------------------------------------------------------------


def published_entries(today: dt.date | None = None) -> QuerySet[FaqEntry]:
    """What citizens are answered from: published, and within the validity dates if any."""
    today = today or timezone.localdate()
    return FaqEntry.objects.filter(status=FaqStatus.PUBLISHED).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
    )


def visible_versions(user: Any) -> QuerySet[FaqVersion]:
    return scope_queryset(
        FaqVersion.objects.select_related("entry", "entry__agency", "submitted_by", "topic"), user
    )


def pending_versions(user: Any) -> QuerySet[FaqVersion]:
    """Edits waiting for the commission, oldest first."""
    return visible_versions(user).filter(status=VersionStatus.SUBMITTED).order_by("submitted_at")


# --- Synonym lists ---------------------------------------------------------------------------

TERM_SEPARATORS = ",，、;；"


def synonym_terms(text: str) -> list[str]:
    """The distinct terms of a synonym list (commas, 、 or semicolons between them)."""
    for sep in TERM_SEPARATORS[1:]:
        text = (text or "").replace(sep, ",")
    terms: list[str] = []
    for term in text.split(","):
        term = " ".join(term.split())
        if term and term not in terms:
            terms.append(term)
    return terms


def clean_synonym_terms(text: str) -> str:
    """A synonym list as stored: at least two distinct terms, no empty one, comma separated."""
    for sep in TERM_SEPARATORS[1:]:
        text = (text or "").replace(sep, ",")
    raw = [" ".join(t.split()) for t in text.split(",")]
    if any(not t for t in raw) and any(raw):
        raise ValidationError(
            _("Terms: an empty term between commas; write the terms separated by single commas.")
        )
    terms = synonym_terms(text)
    if len(terms) < 2:
        raise ValidationError(
            _("Terms: give at least two different words that mean the same, e.g. 路燈,街燈.")
        )
    return ",".join(terms)
