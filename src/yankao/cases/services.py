"""The public interface of citizen service: intake, routing, the agency's and commission's actions,
and who may see a petitioner's personal data. Plain functions; HTTP lives in views and api.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.models import Agency
from yankao.agencies.roles import BusinessLine, RoleCode
from yankao.agencies.services import district_office_for, scope_queryset, visibility
from yankao.attachments.services import attach, validate_upload
from yankao.audit.services import record_personal_data_view
from yankao.core.db import (
    deferred_inserts,
    insert_later,
    prepared,
    reserved_key_sql,
    together,
)
from yankao.workdays.roc import roc_year

from . import deadlines, notices
from .masking import MASKERS
from .models import (
    END_STATUSES,
    Case,
    CaseHandler,
    CaseSequence,
    CaseStatus,
    CaseType,
    Category,
    Channel,
    DeclineGround,
    DissatisfactionReason,
    Extension,
    ExtensionStatus,
    HandlerRole,
    Petitioner,
    Reply,
    ReplyChannel,
    SurveyResponse,
)
from .workflow import TransitionError, start, transition

TYPE_LETTER = {CaseType.CONSULTATION: "C", CaseType.PETITION: "P", CaseType.DISPATCH: "D"}
PHONE_RE = re.compile(r"^(?:\+886|0)[2-9][0-9\- ]{6,12}$")
ID_RE = re.compile(r"^[A-Z][12489ABCD][0-9]{8}$")
MAX_TEXT = 5000
PERSONAL_FIELDS = ("name", "phone", "email", "address", "id_number")
# Paper channels: the case keeps the scan of what the citizen sent.
SCANNED_CHANNELS = frozenset({Channel.LETTER, Channel.FAX})


# --- Case numbers and tracking codes -------------------------------------------------------


def take_case_number(case_type: str, at: dt.datetime) -> Callable[[], tuple[str, int | None]]:
    """Send the statement that takes the next case number, ROC year + type letter + sequence
    (115P0000123), and on PostgreSQL the new case's primary key; the function returned reads
    them. Inside `core.db.together()` they come back with the statements sent alongside, in one
    round trip. Call inside the intake's transaction: the year's row stays locked until commit."""
    year = roc_year(timezone.localtime(at).year)
    table = connection.ops.quote_name(CaseSequence._meta.db_table)
    key = reserved_key_sql(Case)
    cursor = connection.cursor()
    with prepared():
        # One statement takes the row lock and the number (SQLite ≥ 3.35 and PostgreSQL).
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE year = %s "  # noqa: S608
            f"RETURNING last{', ' + key if key else ''}",
            [year],
        )

    def read() -> tuple[str, int | None]:
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:  # the first case of the year
            CaseSequence.objects.get_or_create(year=year)
            return take_case_number(case_type, at)()
        return f"{year}{TYPE_LETTER[case_type]}{row[0]:07d}", (row[1] if key else None)

    return read


def hash_tracking_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


def new_tracking_code() -> str:
    # 32 letters: each random byte's low five bits pick one uniformly, one system call in all.
    return "".join(_TRACKING_ALPHABET[byte & 31] for byte in secrets.token_bytes(8))


def find_by_tracking(number: str, code: str) -> Case | None:
    """A citizen tracks a case by number and secret code; a wrong pair finds nothing."""
    case = Case.objects.filter(number=number.strip().upper()).first()
    if case is None or not case.tracking_code_hash:
        return None
    if not secrets.compare_digest(case.tracking_code_hash, hash_tracking_code(code)):
        return None
    return case


# --- Routing -------------------------------------------------------------------------------


def route(category: Category | None, district: str = "") -> Agency | None:
    """The responsible agency: the category's, or the district office where the category says so."""
    if category is None:
        return None
    if category.route_to_district_office and district:
        office = district_office_for(district)
        if office is not None:
            return office
    return category.agency


_categories: tuple[float, dict[str, Category]] | None = None


def category_by_code(code: str) -> Category | None:
    """A category (active or not) with its agency, for intake.

    Every intake asks, so the categories are kept per process for a short while
    (`YANKAO_CATEGORY_CACHE_SECONDS`); a category or agency saved on this server clears them at
    once. Each caller gets its own copy of the row.
    """
    global _categories
    now = time.monotonic()
    if _categories is None or now - _categories[0] > settings.YANKAO_CATEGORY_CACHE_SECONDS:
        rows = Category.objects.select_related("agency")
        _categories = (now, {category.code: category for category in rows})
    found = _categories[1].get(code)
    return copy.copy(found) if found is not None else None


def forget_categories(**kwargs: Any) -> None:
    """Signal receiver (and test fixture): a category or an agency changed."""
    global _categories
    _categories = None


def suggest_categories(text: str, limit: int = 3, district: str = "") -> list[Category]:
    """The assistant's suggester: trained on past cases (keyword rules while history is short).
    Each category carries `confidence` (0-1) and `suggested_agency` (its routing for the district);
    an empty, very long or HTML text gets none."""
    from yankao.assistant.services import suggestion

    found = []
    for item in suggestion.suggest(text, district, limit).suggestions:
        item.category.confidence = item.confidence  # type: ignore[attr-defined]
        item.category.suggested_agency = item.agency  # type: ignore[attr-defined]
        found.append(item.category)
    return found


# --- Intake --------------------------------------------------------------------------------


@dataclass
class PetitionerData:
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    id_number: str = ""
    anonymous: bool = False
    reply_channel: str = ReplyChannel.EMAIL


@dataclass
class Intake:
    case_type: str
    channel: str
    description: str
    subject: str = ""
    category: Category | None = None
    petitioner: PetitionerData | None = None
    district: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    answer: str = ""
    confidential: bool = False
    received_at: dt.datetime | None = None
    idempotency_key: str | None = None
    scans: list[File] = field(default_factory=list)


def validate_intake(data: Intake) -> dict[str, list[str]]:
    """Every problem with an intake, by field, in the user's language."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.case_type not in CaseType.values:
        add("case_type", _("Unknown case type."))
    if data.channel not in Channel.values:
        add("channel", _("Unknown channel."))
    text = (data.description or "").strip()
    if len(text) < 2:
        add("description", _("Description: please describe the matter."))
    elif len(text) > MAX_TEXT:
        add(
            "description",
            _("Description: at most %(max)s characters (now %(n)s).")
            % {"max": MAX_TEXT, "n": len(text)},
        )
    if len(data.subject or "") > 200:
        add("subject", _("Subject: at most 200 characters."))
    if data.case_type in (CaseType.PETITION, CaseType.DISPATCH):
        if data.category is None:
            add("category", _("Category: choose the category of the case."))
        elif not data.category.is_leaf or not data.category.active:
            add("category", _("Category: choose an active category, not a group."))
        elif data.category.case_type != data.case_type:
            add(
                "category",
                _("Category: “%(name)s” is not a %(type)s category.")
                % {"name": data.category.name_zh, "type": CaseType(data.case_type).label},
            )
    if data.case_type == CaseType.CONSULTATION and not (data.answer or "").strip():
        add("answer", _("Answer: record the answer given on the line."))
    if (data.latitude is None) != (data.longitude is None):
        add("latitude", _("Location: give both latitude and longitude, or neither."))
    elif data.latitude is not None and data.longitude is not None:
        south, west, north, east = settings.YANKAO_CITY_BOUNDS
        if not (south <= float(data.latitude) <= north and west <= float(data.longitude) <= east):
            add("latitude", _("Location: the coordinates are outside the city."))
    if data.channel in SCANNED_CHANNELS and not data.scans:
        add("scans", _("Scanned document: a letter or fax case carries its scan."))
    for scan in data.scans:
        try:
            validate_upload(scan)
        except ValidationError as exc:
            for message in exc.messages:
                add("scans", f"{scan.name}：{message}")
    if data.district and district_office_for(data.district) is None:
        add("district", _("District: unknown district “%(d)s”.") % {"d": data.district})
    person = data.petitioner
    if person is not None:
        if person.phone and not PHONE_RE.match(person.phone.strip()):
            add("phone", _("Phone: not a valid Taiwan phone number."))
        if person.email:
            try:
                validate_email(person.email.strip())
            except ValidationError:
                add("email", _("E-mail: not a valid e-mail address."))
        if person.id_number and not ID_RE.match(person.id_number.strip().upper()):
            add("id_number", _("ID number: not a valid ROC ID number."))
        if person.reply_channel not in ReplyChannel.values:
            add("reply_channel", _("Reply channel: unknown channel."))
        wants_email = person.reply_channel == ReplyChannel.EMAIL and not person.anonymous
        if wants_email and not person.email and data.case_type == CaseType.PETITION:
            add("email", _("E-mail: needed to send the reply by e-mail."))
        if person.reply_channel == ReplyChannel.SMS and not person.phone:
            add("phone", _("Phone: needed to send the reply by SMS."))
    return errors


def tell_petitioner(case: Case, subject: str, text: str) -> None:
    """Tell the petitioner something outside the case's own workflow (after commit)."""
    notices.message(case, subject, text)


def _case_with_key(key: str | None) -> Case | None:
    """The case an idempotency key made, if any: asked only when a retry is likely."""
    return Case.objects.filter(idempotency_key=key).first() if key else None


def create_case(data: Intake, actor: Any = None) -> tuple[Case, str]:
    """Record a case, route it and set its deadline; returns the case and its tracking code.

    Idempotent: a retry with the same idempotency key returns the case already made (and an
    empty tracking code, since only its hash is stored). Retries are rare, so the key is not
    looked up first: the unique key refuses the second row, the transaction rolls back whole
    (number included) and the first case is read.
    """
    errors = validate_intake(data)
    if errors:
        # A retry of a case already recorded is answered with it, even if a rule changed since.
        existing = _case_with_key(data.idempotency_key)
        if existing is not None:
            return existing, ""
        raise ValidationError(errors)
    now = timezone.now()
    received_at = data.received_at or now
    code = new_tracking_code()
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    try:
        # On PostgreSQL three round trips: the number, the case's key and the working-day
        # calendar; the case, its first event, audit entry, lead handler and petitioner
        # (core.db.deferred_inserts); the commit. See ADR 0010 and 0011.
        with transaction.atomic():
            with deferred_inserts():
                agency = route(data.category, data.district)
                with together():
                    numbered = take_case_number(data.case_type, received_at)
                    deadline_at = deadlines.initial_deadline(
                        data.case_type, data.category, received_at, district=data.district
                    )
                number, key = numbered()
                case = Case(
                    pk=key,
                    number=number,
                    case_type=data.case_type,
                    channel=data.channel,
                    category=data.category,
                    subject=(data.subject or data.description.strip()[:40]).strip(),
                    description=data.description.strip(),
                    answer=(data.answer or "").strip(),
                    district=data.district,
                    address=data.address.strip(),
                    latitude=data.latitude,
                    longitude=data.longitude,
                    received_at=received_at,
                    confidential=data.confidential
                    or bool(data.category and data.category.confidential),
                    tracking_code_hash=hash_tracking_code(code),
                    idempotency_key=data.idempotency_key or None,
                    created_by=actor if authenticated else None,
                    deadline_at=deadline_at,
                )
                # Related objects come validated from the intake; skip their existence queries
                # (and the reserved key's).
                case.full_clean(
                    exclude=[
                        "id",
                        "number",
                        "tracking_code_hash",
                        "idempotency_key",
                        "category",
                        "created_by",
                        "lead_agency",
                        "merged_into",
                    ]
                )
                if data.case_type == CaseType.CONSULTATION:
                    # Answered on the line: recorded, closed, never routed.
                    case.closed_at = case.received_at
                    start(case, "answer_on_line", actor, now=now)
                elif agency is not None:
                    case.lead_agency = agency
                    start(
                        case, "assign", actor, agency=agency, data={"agency": agency.code}, now=now
                    )
                    insert_later(
                        CaseHandler(
                            case=case, agency=agency, role=HandlerRole.LEAD, assigned_at=now
                        )
                    )
                else:
                    insert_later(case, referred=True)
                person = data.petitioner or PetitionerData(anonymous=True)
                insert_later(
                    Petitioner(
                        case=case,
                        name=person.name.strip(),
                        phone=person.phone.strip(),
                        email=person.email.strip(),
                        address=person.address.strip(),
                        id_number=person.id_number.strip().upper(),
                        anonymous=person.anonymous,
                        reply_channel=person.reply_channel,
                    )
                )
            # The rows are in by now: attaching scans and marking a summed month use the ORM.
            for scan in data.scans:
                attach(case, scan, actor, caption=str(Channel(data.channel).label))
            # A works-site category's case is filed as a citizen works monitoring report by
            # works inspection's own sweep (works.tasks.file_works_site_cases), not here.
            if data.received_at is not None:
                from .reports.built import mark_dirty  # a month already summed gets this case

                mark_dirty(timezone.localdate(data.received_at))
    except IntegrityError:
        existing = _case_with_key(data.idempotency_key)
        if existing is not None:
            return existing, ""
        raise
    # What the caller shows next is in memory already: category, agency and petitioner.
    return case, code


def _assign(
    case: Case,
    agency: Agency,
    actor: Any,
    *,
    action: str,
    note: str,
    category: Category | None = None,
) -> Case:
    """Hand the case to an agency; a category given too (a mailbox case arrives without one)
    is recorded with it. The deadline stays the one set when the case was received."""
    if category is not None and (category.parent_id is None or not category.active):
        raise ValidationError({"category": _("Choose an active category of the second level.")})
    if category is not None and category.case_type != case.case_type:
        raise ValidationError({"category": _("This category is for another type of case.")})
    data = {"agency": agency.code}
    if category is not None:
        data["category"] = category.code

    def apply(locked: Case) -> None:
        now = timezone.now()
        CaseHandler.objects.filter(case=locked, active=True).update(active=False)
        CaseHandler.objects.create(
            case=locked, agency=agency, role=HandlerRole.LEAD, assigned_at=now
        )
        locked.lead_agency = agency
        if category is not None:
            locked.category = category

    return transition(case, action, actor, note=note, agency=agency, data=data, apply=apply)


# --- Who may do what -----------------------------------------------------------------------


def is_commission_case_staff(user: Any) -> bool:
    return visibility(user, BusinessLine.CASES).everything and user.has_role(
        RoleCode.RDEC_ADMIN, RoleCode.RDEC_CASE_OFFICER, RoleCode.HOTLINE_OPERATOR
    )


def handles(user: Any, case: Case) -> bool:
    """The user belongs to (or supervises) an agency handling the case."""
    seen = visibility(user, BusinessLine.CASES)
    if seen.everything:
        return False
    active = set(case.handlers.filter(active=True).values_list("agency_id", flat=True))
    return bool(active & seen.agency_ids)


class ActionForbidden(TransitionError):
    """The user may not act on this case (403 on the API), as opposed to a wrong state (400)."""


def _require(condition: bool) -> None:
    if not condition:
        raise ActionForbidden(_("You may not do this on this case."))


def visible_cases(user: Any) -> Any:
    return scope_queryset(Case.objects.all(), user)


def possible_duplicates(
    user: Any, *, category_id: Any, district: str = "", exclude_pk: int | None = None
) -> list[Case]:
    """Open cases of the same category (and district) from the last days: maybe the same hazard."""
    if not category_id:
        return []
    since = timezone.now() - dt.timedelta(days=settings.YANKAO_CASE_DUPLICATE_DAYS)
    found = (
        visible_cases(user)
        .filter(category_id=category_id, received_at__gte=since)
        .exclude(status__in=END_STATUSES)
    )
    if district:
        found = found.filter(district=district)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return list(found.select_related("category").order_by("-received_at")[:10])


def earlier_cases(user: Any, *, phone: str) -> list[Case]:
    """The caller's earlier cases, for the commission's staff only (it is personal data)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 8 or not is_commission_case_staff(user):
        return []
    found = Case.objects.filter(petitioner__phone__in={phone.strip(), digits})
    return list(found.select_related("category").order_by("-received_at")[:10])


# --- Agency actions ------------------------------------------------------------------------


def accept(case: Case, user: Any) -> Case:
    _require(handles(user, case) or is_commission_case_staff(user))
    return transition(case, "accept", user, agency=user.agency)


def return_case(case: Case, user: Any, reason: str) -> Case:
    """Not our matter: back to the commission, which must act within one working day."""
    _require(handles(user, case))
    return transition(case, "return", user, note=reason, agency=user.agency)


def request_extension(case: Case, user: Any, extra_working_days: int, reason: str) -> Extension:
    _require(handles(user, case))
    if not 1 <= int(extra_working_days) <= settings.YANKAO_CASE_MAX_CALENDAR_DAYS:
        raise ValidationError(
            {"extra_working_days": _("Extension: between 1 and 30 working days.")}
        )
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError({"extra_working_days": _("An extension request is already pending.")})
    holder: dict[str, Extension] = {}

    def apply(locked: Case) -> None:
        holder["extension"] = Extension.objects.create(
            case=locked,
            agency=user.agency,
            requested_by=user,
            requested_at=timezone.now(),
            extra_working_days=extra_working_days,
            reason=reason.strip(),
            old_deadline_at=locked.deadline_at,
        )

    transition(case, "request_extension", user, note=reason, agency=user.agency, apply=apply)
    return holder["extension"]


def decide_extension(
    extension: Extension, user: Any, *, approve: bool, note: str = ""
) -> Extension:
    """The commission approves (the petitioner is told the new date) or refuses."""
    _require(is_commission_case_staff(user))
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This extension request has already been decided."))

    def apply(locked: Case) -> None:
        extension.refresh_from_db()
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by = user
        extension.decided_at = timezone.now()
        extension.decision_note = note.strip()
        if approve:
            extension.new_deadline_at = deadlines.extended_deadline(
                locked.deadline_at,
                locked.received_at,
                extension.extra_working_days,
                locked.district,
            )
            locked.deadline_at = extension.new_deadline_at
        extension.save()

    transition(
        extension.case,
        "decide_extension",
        user,
        note=note,
        data={"approved": approve, "extension": extension.pk},
        apply=apply,
    )
    return extension


def reply(case: Case, user: Any, handling: str, basis: str = "") -> Reply:
    """Record the agency's answer; goes to the supervisor first when the category says so."""
    _require(handles(user, case))
    if len(handling.strip()) < 5:
        raise ValidationError(
            {"handling": _("Handling: describe what was done (5 characters or more).")}
        )
    holder: dict[str, Reply] = {}
    needs_review = bool(case.category and case.category.requires_review)

    def apply(locked: Case) -> None:
        holder["reply"] = Reply.objects.create(
            case=locked,
            agency=user.agency,
            author=user,
            handling=handling.strip(),
            basis=basis.strip(),
            created_at=timezone.now(),
        )

    action = "submit_reply_for_review" if needs_review else "reply"
    transition(case, action, user, agency=user.agency, apply=apply)
    if not needs_review:
        _mark_sent(holder["reply"])
    return holder["reply"]


def _mark_sent(answer: Reply) -> None:
    answer.sent_at = timezone.now()
    answer.save(update_fields=["sent_at"])
    notices.reply_sent(answer.case, answer.handling)


def _pending_reply(case: Case) -> Reply:
    answer = case.replies.filter(sent_at__isnull=True).order_by("-created_at").first()
    if answer is None:
        raise TransitionError(_("There is no reply waiting for review."))
    return answer


def approve_reply(case: Case, user: Any) -> Reply:
    """The agency supervisor approves the reply; then it is sent to the petitioner."""
    _require(handles(user, case) and user.has_role(RoleCode.AGENCY_SUPERVISOR))
    answer = _pending_reply(case)

    def apply(locked: Case) -> None:
        answer.reviewed_by = user
        answer.reviewed_at = timezone.now()
        answer.save(update_fields=["reviewed_by", "reviewed_at"])

    transition(case, "approve_reply", user, agency=user.agency, apply=apply)
    _mark_sent(answer)
    return answer


def reject_reply(case: Case, user: Any, reason: str) -> Case:
    _require(handles(user, case) and user.has_role(RoleCode.AGENCY_SUPERVISOR))
    return transition(case, "reject_reply", user, note=reason, agency=user.agency)


def request_supplement(case: Case, user: Any, note: str) -> Case:
    """Ask the petitioner for more (補陳): the deadline clock stops until they answer."""
    _require(handles(user, case))

    def apply(locked: Case) -> None:
        locked.paused_at = timezone.now()

    return transition(case, "request_supplement", user, note=note, agency=user.agency, apply=apply)


def supplement_received(case: Case, user: Any, note: str = "") -> Case:
    _require(handles(user, case) or is_commission_case_staff(user))

    def apply(locked: Case) -> None:
        now = timezone.now()
        if locked.deadline_at and locked.paused_at:
            locked.deadline_at = deadlines.resumed_deadline(
                locked.deadline_at, locked.paused_at, now
            )
        locked.paused_at = None

    return transition(case, "supplement_received", user, note=note, apply=apply)


def withdraw(case: Case, user: Any, note: str) -> Case:
    """The petitioner withdraws (told to the operator or the agency)."""
    _require(is_commission_case_staff(user) or handles(user, case))

    def apply(locked: Case) -> None:
        locked.closed_at = timezone.now()

    return transition(case, "withdraw", user, note=note, apply=apply)


def merge(case: Case, user: Any, into: Case, note: str = "") -> Case:
    """Join a duplicate into the case that carries on (併案)."""
    _require(is_commission_case_staff(user))
    if into.pk == case.pk or not into.is_open:
        raise ValidationError({"into": _("Merge into another case that is still open.")})

    def apply(locked: Case) -> None:
        locked.merged_into = into
        locked.closed_at = timezone.now()

    return transition(
        case, "merge", user, note=note or into.number, data={"into": into.number}, apply=apply
    )


def reopen(case: Case, user: Any, reason: str) -> Case:
    """Back into the agency's queue (a dissatisfied petitioner, or the commission's review)."""
    _require(is_commission_case_staff(user))

    def apply(locked: Case) -> None:
        locked.closed_at = None
        locked.deadline_at = deadlines.initial_deadline(
            locked.case_type, locked.category, timezone.now(), district=locked.district
        )

    return transition(case, "reopen", user, note=reason, agency=case.lead_agency, apply=apply)


def answer_survey(
    case: Case, *, satisfied: bool, reason: str = "", comment: str = ""
) -> SurveyResponse:
    """The citizen's satisfaction, once per closed case; dissatisfied answers await review."""
    if case.status != CaseStatus.CLOSED or case.case_type == CaseType.CONSULTATION:
        raise ValidationError(_("The survey opens when the case is closed."))
    if not satisfied and reason not in DissatisfactionReason.values:
        raise ValidationError({"reason": _("Reason: choose why you are not satisfied.")})
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                case=case,
                satisfied=satisfied,
                reason="" if satisfied else reason,
                comment=comment.strip()[:2000],
                answered_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("This survey was already answered. Thank you.")) from exc


def dissatisfied_queue(user: Any) -> Any:
    return SurveyResponse.objects.filter(
        satisfied=False, reviewed_at__isnull=True, case__in=visible_cases(user)
    ).select_related("case")


def review_dissatisfaction(
    response: SurveyResponse, user: Any, *, reopen_case: bool, note: str
) -> None:
    _require(is_commission_case_staff(user))
    with transaction.atomic():
        response.reviewed_at = timezone.now()
        response.reviewed_by = user
        response.save(update_fields=["reviewed_at", "reviewed_by"])
        if reopen_case:
            reopen(response.case, user, note or _("The petitioner was not satisfied."))


def anonymise_closed_cases(now: dt.datetime | None = None) -> int:
    """After the retention period a closed case keeps its facts, not the citizen's identity."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=365 * settings.YANKAO_CASE_RETENTION_YEARS)
    people = Petitioner.objects.filter(
        anonymised_at__isnull=True, case__status__in=END_STATUSES, case__closed_at__lt=cutoff
    )
    return people.update(name="", phone="", email="", address="", id_number="", anonymised_at=now)


# --- Commission actions --------------------------------------------------------------------


def assign(
    case: Case, user: Any, agency: Agency, note: str = "", category: Category | None = None
) -> Case:
    _require(is_commission_case_staff(user))
    return _assign(case, agency, user, action="assign", note=note, category=category)


def reassign(
    case: Case, user: Any, agency: Agency, reason: str, category: Category | None = None
) -> Case:
    _require(is_commission_case_staff(user))
    return _assign(case, agency, user, action="reassign", note=reason, category=category)


def split(case: Case, user: Any, co_agencies: list[Agency], note: str = "") -> Case:
    """Several agencies share the case: co-handlers join the lead, the deadline becomes 10 days."""
    _require(is_commission_case_staff(user))

    def apply(locked: Case) -> None:
        now = timezone.now()
        for agency in co_agencies:
            if agency.pk != locked.lead_agency_id:
                CaseHandler.objects.get_or_create(
                    case=locked,
                    agency=agency,
                    active=True,
                    defaults={"role": HandlerRole.CO_HANDLER, "assigned_at": now},
                )
        if locked.case_type == CaseType.PETITION:
            locked.deadline_at = max(
                locked.deadline_at,
                deadlines.initial_deadline(
                    locked.case_type,
                    locked.category,
                    locked.received_at,
                    district=locked.district,
                    shared=True,
                ),
            )

    return transition(
        case,
        "split",
        user,
        note=note,
        data={"agencies": [a.code for a in co_agencies]},
        apply=apply,
    )


def close(case: Case, user: Any, note: str = "") -> Case:
    _require(is_commission_case_staff(user) or handles(user, case))

    def apply(locked: Case) -> None:
        locked.closed_at = timezone.now()

    return transition(case, "close", user, note=note, apply=apply)


def decline(case: Case, user: Any, ground: str, note: str) -> Case:
    _require(is_commission_case_staff(user))
    if ground not in DeclineGround.values:
        raise ValidationError({"ground": _("Choose one of the legal grounds.")})

    def apply(locked: Case) -> None:
        locked.decline_ground = ground
        locked.closed_at = timezone.now()

    return transition(case, "decline", user, note=note, data={"ground": ground}, apply=apply)


# --- Personal data -------------------------------------------------------------------------


def may_see_personal_data(user: Any, case: Case) -> bool:
    """Commission case staff always; the handling agency unless the case is confidential."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_commission_case_staff(user):
        return True
    return not case.confidential and handles(user, case)


def petitioner_for(user: Any, case: Case, *, reveal: bool = False) -> dict[str, str]:
    """The petitioner as this user may see it; a reveal is written to the audit log."""
    person = case.petitioner
    values = {field: getattr(person, field) for field in PERSONAL_FIELDS}
    if reveal and may_see_personal_data(user, case):
        shown = [field for field, value in values.items() if value]
        if shown:
            record_personal_data_view(person, shown, actor=user)
        return values
    if case.confidential and not may_see_personal_data(user, case):
        return dict.fromkeys(PERSONAL_FIELDS, _("(confidential: relayed by the commission)"))
    return {field: MASKERS[field](value) if value else "" for field, value in values.items()}


def home_work(user: Any) -> list[Any]:
    """The home page's case work: an agency's inbox by urgency, the commission's queues."""
    from django.urls import reverse

    from yankao.core.services import WorkItem, WorkList

    from .models import CaseStatus, ExtensionStatus

    if not user.has_role(
        RoleCode.AGENCY_CASE_OFFICER, RoleCode.AGENCY_SUPERVISOR, RoleCode.RDEC_CASE_OFFICER
    ):
        return []
    now = timezone.now()
    open_cases = visible_cases(user).exclude(status__in=END_STATUSES)
    inbox = reverse("cases:inbox")
    counts = [
        ("open", _("Open cases"), open_cases.count(), False),
        (
            "due_soon",
            _("Due within 24 hours"),
            open_cases.filter(
                deadline_at__gte=now, deadline_at__lt=now + dt.timedelta(hours=24)
            ).count(),
            True,
        ),
        ("overdue", _("Overdue"), open_cases.filter(deadline_at__lt=now).count(), True),
    ]
    commission = user.has_role(RoleCode.RDEC_CASE_OFFICER)
    if commission:
        counts += [
            (
                "returned",
                _("Returned by agencies"),
                open_cases.filter(status=CaseStatus.RETURNED).count(),
                True,
            ),
            (
                "extensions",
                _("Extension requests"),
                open_cases.filter(extensions__status=ExtensionStatus.PENDING).distinct().count(),
                False,
            ),
        ]
    items = [
        WorkItem(label, f"{inbox}?tab={tab}", note=str(n), alert=alert and n > 0)
        for tab, label, n, alert in counts
    ]
    return [
        WorkList(
            _("Cases waiting for the commission") if commission else _("Your agency's inbox"),
            items,
            counts[0][2],
            more_url=inbox,
            replaces=RoleCode.RDEC_CASE_OFFICER if commission else RoleCode.AGENCY_CASE_OFFICER,
        )
    ]
