"""Categories and cases in the shapes GeoReport v2 defines, safe to publish to anyone.

Reads are unauthenticated, so this module decides what the public may see: only petition and
dispatch cases that are not confidential, free text with the petitioner's personal data masked,
and only replies that were really sent (not drafts under review or rejected ones).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..masking import mask_address, mask_email, mask_id, mask_name, mask_phone
from ..models import END_STATUSES, Case, CaseEvent, CaseType, Category, Petitioner, Reply

PUBLIC_CASE_TYPES = (CaseType.PETITION, CaseType.DISPATCH)
# Event notes written for the citizen; other notes (return, reassign, extension, review) are
# internal reasoning between agencies and stay inside.
PUBLIC_NOTE_ACTIONS = frozenset({"close", "decline", "withdraw", "reopen", "request_supplement"})
# Events that publish (`reply`, `approve_reply`) or queue for review (`submit_reply_for_review`)
# the agency's reply; each reply row is made by exactly one `reply` or `submit_…` event. A
# rejected draft is never published: only a new submission can be approved after a rejection.
REPLY_ACTIONS = frozenset({"reply", "submit_reply_for_review", "approve_reply"})
DESCRIPTION_MAX = 4000  # the spec's limit; cases from other channels may hold 5000

# ASCII classes on purpose: in Python \w also matches the Chinese text around a number.
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\+886[\s-]?|0)\d(?:[\s-]?\d){6,9}(?![0-9A-Za-z])")
ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z][12489ABCD]\d{8}(?!\d)")


def _category_has_confidential_flag() -> bool:
    try:
        Category._meta.get_field("confidential")
    except FieldDoesNotExist:
        return False
    return True


def category_is_confidential(category: Category) -> bool:
    """Whistle-blower categories (once Category carries the flag) make every case confidential."""
    return bool(getattr(category, "confidential", False))


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in Taiwan time with its offset (+08:00), as the spec requires a zone."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


# --- Services ------------------------------------------------------------------------------


def public_services() -> QuerySet[Category]:
    """Active leaf categories under an active group: what a client may file."""
    return (
        Category.objects.filter(
            active=True,
            parent__isnull=False,
            parent__active=True,
            case_type__in=PUBLIC_CASE_TYPES,
        )
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def service(category: Category) -> dict[str, Any]:
    keywords = [word.strip() for word in category.keywords.split("|") if word.strip()]
    name = str(category)
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": f"{name} ({category.name_en})" if category.name_en else name,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(keywords) or None,
        "group": category.parent.name_zh if category.parent_id else None,
    }


def service_definition(category: Category) -> dict[str, Any]:
    """No category asks extra questions yet; the shape is the spec's so clients need no change."""
    return {"service_code": category.code, "attributes": []}


# --- Requests ------------------------------------------------------------------------------


def public_requests() -> QuerySet[Case]:
    """The cases anyone may read: petitions and dispatches, never confidential ones."""
    cases = Case.objects.filter(
        case_type__in=PUBLIC_CASE_TYPES, confidential=False, category__isnull=False
    )
    if _category_has_confidential_flag():
        cases = cases.exclude(category__confidential=True)
    return cases.select_related("category", "lead_agency", "petitioner")


def _petitioner(case: Case) -> Petitioner | None:
    try:
        return case.petitioner
    except Petitioner.DoesNotExist:
        return None


def redact(text: str, person: Petitioner | None) -> str:
    """Mask the petitioner's own details and any e-mail, phone or ID number in free text."""
    if person is not None:
        known = [
            (person.email, mask_email),
            (person.phone, mask_phone),
            (person.id_number, mask_id),
            (person.address, mask_address),
            (person.name, mask_name),
        ]
        for value, masker in known:
            value = value.strip()
            if len(value) >= 2:
                text = text.replace(value, masker(value))
    text = EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group()), text)
    text = ID_IN_TEXT.sub(lambda m: mask_id(m.group()), text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def _location(case: Case, person: Petitioner | None) -> str | None:
    """The problem's location; the petitioner's own home address is masked to the road."""
    address = case.address.strip()
    if not address:
        return None
    if person is not None and person.address.strip() == address:
        return mask_address(address)
    return redact(address, person)


def _published_notes(case_ids: Sequence[int]) -> dict[int, str]:
    """The newest note meant for the citizen per case: a sent reply or a public event note."""
    events = CaseEvent.objects.filter(
        case_id__in=case_ids, action__in=PUBLIC_NOTE_ACTIONS | REPLY_ACTIONS
    ).order_by("case_id", "at", "id")
    replies: dict[int, list[str]] = {}
    for case_id, handling in (
        Reply.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "handling")
    ):
        replies.setdefault(case_id, []).append(handling)
    latest: dict[int, tuple[dt.datetime, str]] = {}
    queued: dict[int, int] = {}  # replies made so far per case
    pending: dict[int, int] = {}  # index of the reply waiting for review
    for event in events:
        cid, note = event.case_id, ""
        if event.action in ("reply", "submit_reply_for_review"):
            index = queued.get(cid, 0)
            queued[cid] = index + 1
            if event.action == "reply":
                note = _reply_text(replies, cid, index)
            else:
                pending[cid] = index
        elif event.action == "approve_reply":
            index = pending.pop(cid, None)
            if index is not None:
                note = _reply_text(replies, cid, index)
        else:
            note = event.note
        if note.strip():
            latest[cid] = (event.at, note.strip())
    return {cid: note for cid, (_at, note) in latest.items()}


def _reply_text(replies: dict[int, list[str]], case_id: int, index: int) -> str:
    found = replies.get(case_id, [])
    return found[index] if index < len(found) else ""


def service_notice(case: Case) -> str | None:
    """What the client may tell the citizen to expect."""
    if case.status in END_STATUSES or case.deadline_at is None:
        return None
    due = timezone.localtime(case.deadline_at).strftime("%Y-%m-%d %H:%M")
    if case.lead_agency_id is None:
        return _("Received; the commission will route it. Expected by %(due)s.") % {"due": due}
    return _("%(agency)s is handling it. Expected by %(due)s.") % {
        "agency": case.lead_agency.name_zh,
        "due": due,
    }


def _description(case: Case, person: Petitioner | None) -> str:
    text = redact(case.description, person)
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1] + "…"
    return text


def service_requests(cases: Iterable[Case]) -> list[dict[str, Any]]:
    """GeoReport `request` rows; no petitioner name, phone or e-mail ever appears."""
    cases = list(cases)
    notes = _published_notes([case.pk for case in cases])
    rows = []
    for case in cases:
        person = _petitioner(case)
        note = notes.get(case.pk)
        rows.append(
            {
                "service_request_id": case.number,
                "status": "closed" if case.status in END_STATUSES else "open",
                "status_notes": redact(note, person) if note else None,
                "service_name": case.category.name_zh,
                "service_code": case.category.code,
                "description": _description(case, person),
                "agency_responsible": case.lead_agency.name_zh if case.lead_agency_id else None,
                "service_notice": service_notice(case),
                "requested_datetime": iso(case.received_at),
                "updated_datetime": iso(case.updated_at),
                "expected_datetime": iso(case.deadline_at),
                "address": _location(case, person),
                "address_id": None,
                "zipcode": None,
                "lat": float(case.latitude) if case.latitude is not None else None,
                "long": float(case.longitude) if case.longitude is not None else None,
                "media_url": None,
            }
        )
    return rows
