"""Inspections, their defects and remediation, and the penalty follow-ups.

The team records an inspection on site (the form is kept as a draft at every change, so a bad
connection loses nothing), the score and grade are computed (`works.rules`), the record goes to
the agency within the working-day deadline, the agency remedies each defect and reports with
photos, the team closes it or sends it back, or grants more time. An overdue defect without an
approved extension, and every 丙等, opens a penalty follow-up tracked until closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.attachments.services import attach, validate_upload
from yankao.workdays import services as workdays
from yankao.workdays.roc import format_roc

from .. import rules
from ..models import (
    Defect,
    DefectCode,
    DefectStatus,
    Grade,
    Inspection,
    InspectionMember,
    InspectionStatus,
    Party,
    PenaltyFollowUp,
    PenaltyMeasure,
    PenaltyStatus,
    Severity,
    WorksProject,
)
from ..workflow import defect_transition, inspection_transition
from . import may_write_for_agency, require_team

PHASES = {"before": "改善前", "during": "改善中", "after": "改善後"}
GRADE_C_MEASURES = [PenaltyMeasure.STAFF_DISCIPLINE, PenaltyMeasure.PROFESSIONAL_REFERRAL]
OVERDUE_MEASURES = [PenaltyMeasure.SUPPLIER_SUSPENSION, PenaltyMeasure.SITE_STAFF_REPLACEMENT]


class StaleDraft(ValidationError):
    """Someone saved the form after it was opened here (the API answers 409)."""


# --- Starting ------------------------------------------------------------------------------


def new_inspection(
    project: WorksProject,
    user: Any,
    *,
    original: Inspection | None = None,
    scheduled_on: dt.date | None = None,
) -> Inspection:
    """An inspection made without a planned visit, or a re-inspection (複查) of an earlier one."""
    require_team(user)
    if original is not None and original.project_id != project.pk:
        raise ValidationError({"original": _("A re-inspection is of the same project.")})
    return Inspection.objects.create(
        project=project,
        original=original,
        scheduled_on=scheduled_on or timezone.localdate(),
        created_by=user,
    )


def save_draft(
    inspection: Inspection, user: Any, data: dict[str, Any], revision: int
) -> Inspection:
    """Keep what was typed on site; a planned inspection becomes one being recorded."""
    require_team(user)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status not in (InspectionStatus.PLANNED, InspectionStatus.DRAFT):
            raise ValidationError(_("This inspection is recorded already; the draft is closed."))
        if revision != locked.revision:
            raise StaleDraft(
                _("Someone saved this inspection after you opened it. Reload to see it.")
            )
        locked.draft = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
        locked.revision += 1
        locked.save(update_fields=["draft", "revision", "updated_at"])
    if locked.status == InspectionStatus.PLANNED:
        locked = inspection_transition(locked, "start", user, note=_("Recording on site."))
    return locked


# --- Recording -----------------------------------------------------------------------------


@dataclass
class Member:
    name: str
    external: bool
    score: int | None


@dataclass
class DefectData:
    code: str
    party: str = ""
    severity: str = Severity.MINOR
    description: str = ""
    deduction: int | None = None


@dataclass
class RecordData:
    inspected_on: dt.date
    members: list[Member]
    supervisor_engineer_present: bool = False
    contractor_engineer_present: bool = False
    attendees: str = ""
    progress_planned: Decimal | None = None
    progress_actual: Decimal | None = None
    concrete_core_failed: bool = False
    asphalt_core_failed: bool = False
    compaction_failed: bool = False
    structural_deviation: bool = False
    serious_safety_defect: bool = False
    tests_pending: bool = False
    merits: str = ""
    suggestions: str = ""
    defects: list[DefectData] = field(default_factory=list)

    @property
    def triggers(self) -> rules.Triggers:
        return rules.Triggers(
            concrete_core_failed=self.concrete_core_failed,
            asphalt_core_failed=self.asphalt_core_failed,
            compaction_failed=self.compaction_failed,
            structural_deviation=self.structural_deviation,
            serious_safety_defect=self.serious_safety_defect,
        )


@dataclass
class Checked:
    errors: dict[str, list[str]]
    warnings: list[str]
    score: int | None
    grade: str
    codes: dict[str, DefectCode]


def check(data: RecordData, today: dt.date | None = None) -> Checked:
    """Every rule of a record, with zh-Hant messages by field; nothing is saved here."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.inspected_on > today:
        add("inspected_on", _("The inspection date cannot be in the future."))
    members = [m for m in data.members if m.name.strip()]
    if not members:
        add("members", _("Name the inspecting members and give each one's score."))
    for n, member in enumerate(members, start=1):
        if member.score is None:
            add(
                "members",
                _("Member %(n)s (%(name)s) has no score.") % {"n": n, "name": member.name},
            )
        elif not 0 <= member.score <= 100:
            add(
                "members",
                _("Member %(n)s (%(name)s): a score is between 0 and 100.")
                % {"n": n, "name": member.name},
            )
    if members and not rules.enough_external(len(members), sum(m.external for m in members)):
        warnings.append(
            _("Fewer than %(share)s of the members are external experts.")
            % {"share": settings.YANKAO_WORKS_EXTERNAL_SHARE}
        )
    if not data.supervisor_engineer_present:
        add(
            "supervisor_engineer_present",
            _("The supervisor's engineer must attend the inspection."),
        )
    if not data.contractor_engineer_present:
        add(
            "contractor_engineer_present",
            _("The contractor's engineer must attend the inspection."),
        )
    wanted = {d.code.strip() for d in data.defects}
    codes = {c.code: c for c in DefectCode.objects.filter(code__in=wanted, active=True)}
    for n, defect in enumerate(data.defects, start=1):
        code = codes.get(defect.code.strip())
        if code is None:
            add(
                "defects",
                _("Defect %(n)s: “%(code)s” is not in the defect code list.")
                % {"n": n, "code": defect.code},
            )
            continue
        if code.children.exists():
            add(
                "defects",
                _("Defect %(n)s: choose a detailed code under %(code)s.")
                % {"n": n, "code": code.code},
            )
        if not defect.description.strip():
            add("defects", _("Defect %(n)s: describe what was found.") % {"n": n})
        if defect.party and defect.party not in Party.values:
            add("defects", _("Defect %(n)s: unknown responsible party.") % {"n": n})
        if defect.deduction is not None and not (
            code.deduction_min <= defect.deduction <= max(code.deduction_max, code.deduction_min)
        ):
            add(
                "defects",
                _("Defect %(n)s: %(code)s deducts %(low)s to %(high)s points.")
                % {
                    "n": n,
                    "code": code.code,
                    "low": code.deduction_min,
                    "high": code.deduction_max,
                },
            )
    score = grade = None
    scores = [m.score for m in members if m.score is not None and 0 <= m.score <= 100]
    if scores and len(scores) == len(members):
        score, grade = rules.judged(scores, data.triggers)
    return Checked(errors, warnings, score, grade or "", codes)


def record(inspection: Inspection, user: Any, data: RecordData) -> tuple[Inspection, list[str]]:
    """Save the record: members, computed score and grade, defects with their deadlines; a
    丙等 opens its penalty follow-up. All of it or nothing; returns the warnings too."""
    require_team(user)
    checked = check(data)
    if checked.errors:
        raise ValidationError(checked.errors)
    assert checked.score is not None
    members = [m for m in data.members if m.name.strip()]

    def apply(locked: Inspection) -> None:
        for name in (
            "inspected_on",
            "supervisor_engineer_present",
            "contractor_engineer_present",
            "progress_planned",
            "progress_actual",
            "concrete_core_failed",
            "asphalt_core_failed",
            "compaction_failed",
            "structural_deviation",
            "serious_safety_defect",
            "tests_pending",
        ):
            setattr(locked, name, getattr(data, name))
        locked.attendees = data.attendees.strip()
        locked.merits = data.merits.strip()
        locked.suggestions = data.suggestions.strip()
        locked.score, locked.grade = checked.score, checked.grade
        locked.record_due = workdays.add_working_days(
            data.inspected_on, settings.YANKAO_WORKS_RECORD_WORKING_DAYS
        )
        locked.draft = {}

    with transaction.atomic():
        saved = inspection_transition(inspection, "record", user, apply=apply)
        InspectionMember.objects.bulk_create(
            InspectionMember(
                inspection=saved, name=m.name.strip(), external=m.external, score=m.score
            )
            for m in members
        )
        due = data.inspected_on + dt.timedelta(days=settings.YANKAO_WORKS_REMEDIATION_DAYS)
        Defect.objects.bulk_create(
            Defect(
                inspection=saved,
                code=checked.codes[d.code.strip()],
                party=d.party or checked.codes[d.code.strip()].party or Party.CONTRACTOR,
                severity=d.severity or Severity.MINOR,
                description=d.description.strip(),
                deduction=d.deduction
                if d.deduction is not None
                else checked.codes[d.code.strip()].deduction_min,
                remediation_due=due,
            )
            for d in data.defects
        )
        if saved.grade == Grade.C:
            _open_penalty(
                saved, None, _("Graded 丙等 (score %(s)s).") % {"s": saved.score}, GRADE_C_MEASURES
            )
    return saved, checked.warnings


def settle_tests(inspection: Inspection, user: Any, *, failed: bool, note: str = "") -> Inspection:
    """Test results held the grade; a failed test makes it the automatic 丙等."""
    if not inspection.tests_pending:
        raise ValidationError(_("No test results are awaited for this inspection."))

    def apply(locked: Inspection) -> None:
        locked.tests_pending = False
        if failed:
            locked.concrete_core_failed = True
            locked.score = min(locked.score or 0, settings.YANKAO_WORKS_AUTOMATIC_C_SCORE)
            locked.grade = rules.grade_of(locked.score)

    with transaction.atomic():
        saved = inspection_transition(inspection, "settle_tests", user, note=note, apply=apply)
        if saved.grade == Grade.C:
            _open_penalty(saved, None, _("Graded 丙等 after a failed test."), GRADE_C_MEASURES)
    return saved


def send_record(inspection: Inspection, user: Any) -> Inspection:
    """The record goes to the agency; sending after the working-day deadline is noted as late."""

    def apply(locked: Inspection) -> None:
        locked.sent_at = timezone.now()

    return inspection_transition(inspection, "send", user, apply=apply)


def record_sent_late(inspection: Inspection) -> bool:
    if inspection.record_due is None:
        return False
    sent = timezone.localdate(inspection.sent_at) if inspection.sent_at else timezone.localdate()
    return sent > inspection.record_due


def close_inspection(inspection: Inspection, user: Any) -> Inspection:
    if inspection.defects.exclude(status=DefectStatus.CLOSED).exists():
        raise ValidationError(_("Close every defect first."))
    return inspection_transition(inspection, "close", user)


# --- Defects --------------------------------------------------------------------------------


def _photos(defect: Defect, user: Any, photos: list[File], phase: str) -> None:
    for photo in photos:
        try:
            is_photo = validate_upload(photo).mime_type.startswith("image/")
        except ValidationError as exc:
            raise ValidationError(
                {"photos": [f"{photo.name}：{message}" for message in exc.messages]}
            ) from exc
        if not is_photo:
            raise ValidationError({"photos": _("%(name)s is not a photo.") % {"name": photo.name}})
        photo.seek(0)
        attach(
            defect,
            photo,
            user,
            caption=f"{PHASES.get(phase, phase)}：{defect.code_id and defect.code.code}",
        )


def add_photos(defect: Defect, user: Any, photos: list[File], phase: str) -> None:
    """Photos before, during or after the remedy; anything but an image is refused."""
    if not may_report(user, defect):
        raise PermissionDenied(_("You may not take this step."))
    if phase not in PHASES:
        raise ValidationError({"phase": _("Choose before, during or after.")})
    with transaction.atomic():
        _photos(defect, user, photos, phase)


def report_remediation(
    defect: Defect, user: Any, text: str, photos: list[File] | None = None
) -> Defect:
    """The agency says how it remedied the defect, with photos after the remedy."""
    if not text.strip():
        raise ValidationError({"remediation": _("Describe the remedy.")})

    def apply(locked: Defect) -> None:
        locked.remediation = text.strip()
        locked.remediation_reported_at = timezone.now()

    with transaction.atomic():
        saved = defect_transition(defect, "report", user, note=text.strip(), apply=apply)
        _photos(saved, user, photos or [], "after")
    return saved


def verify(defect: Defect, user: Any, *, accept: bool, note: str = "") -> Defect:
    """The team checks the remedy: closed, or back to the agency with what is still wrong."""
    if accept:

        def apply(locked: Defect) -> None:
            locked.closed_at = timezone.now()

        return defect_transition(defect, "close", user, note=note, apply=apply)
    if not note.strip():
        raise ValidationError({"note": _("Say what is still wrong.")})
    return defect_transition(defect, "return", user, note=note.strip())


def request_extension(defect: Defect, user: Any, until: dt.date, reason: str) -> Defect:
    errors = {}
    if defect.remediation_due and until <= defect.remediation_due:
        errors["extension_until"] = _("Ask for a date after the remediation deadline.")
    if not reason.strip():
        errors["extension_reason"] = _("Give the reason for more time.")
    if errors:
        raise ValidationError(errors)

    def apply(locked: Defect) -> None:
        locked.extension_until = until
        locked.extension_reason = reason.strip()
        locked.extension_approved = None

    return defect_transition(defect, "request_extension", user, note=reason.strip(), apply=apply)


def decide_extension(defect: Defect, user: Any, *, approve: bool, note: str = "") -> Defect:
    if defect.extension_until is None or defect.extension_approved is not None:
        raise ValidationError(_("No extension request is waiting."))

    def apply(locked: Defect) -> None:
        locked.extension_approved = approve

    return defect_transition(defect, "decide_extension", user, note=note, apply=apply)


def is_overdue(defect: Defect, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        defect.status == DefectStatus.OPEN
        and defect.deadline is not None
        and defect.deadline < today
    )


# --- Penalty follow-ups ---------------------------------------------------------------------


def _open_penalty(
    inspection: Inspection, defect: Defect | None, reason: str, measures: list[str]
) -> PenaltyFollowUp:
    found = PenaltyFollowUp.objects.filter(inspection=inspection, defect=defect).first()
    return found or PenaltyFollowUp.objects.create(
        inspection=inspection, defect=defect, reason=reason, measures=list(measures)
    )


def open_overdue_penalties(today: dt.date | None = None) -> int:
    """The periodic sweep: each open defect past its deadline, without an approved extension,
    gets one penalty follow-up; running it again adds nothing."""
    today = today or timezone.localdate()
    overdue = (
        Defect.objects.filter(
            status=DefectStatus.OPEN, remediation_due__lt=today, penalty__isnull=True
        )
        .exclude(extension_approved=True, extension_until__gte=today)
        .select_related("inspection", "code")
    )
    made = 0
    for defect in overdue:
        _open_penalty(
            defect.inspection,
            defect,
            _("Defect %(code)s not remedied by %(date)s.")
            % {"code": defect.code.code, "date": format_roc(defect.deadline)},
            OVERDUE_MEASURES,
        )
        made += 1
    return made


def close_penalty(
    penalty: PenaltyFollowUp, user: Any, *, measures: list[str], outcome: str
) -> PenaltyFollowUp:
    require_team(user)
    unknown = set(measures) - set(PenaltyMeasure.values)
    errors = {}
    if unknown or not measures:
        errors["measures"] = _("Choose the measures taken.")
    if not outcome.strip():
        errors["outcome"] = _("Say what was done.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PenaltyFollowUp.objects.select_for_update().get(pk=penalty.pk)
        if locked.status == PenaltyStatus.CLOSED:
            raise ValidationError(_("This follow-up is closed already."))
        locked.measures = measures
        locked.outcome = outcome.strip()
        locked.status = PenaltyStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = user
        locked.save()
    return locked


def may_report(user: Any, defect: Defect) -> bool:
    return may_write_for_agency(user, defect.inspection.project.agency_id)
