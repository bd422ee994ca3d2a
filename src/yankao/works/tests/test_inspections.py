"""Scored inspections: recording (score, grade, deadlines, defects), bad input refused with
nothing saved, drafts never lost, unannounced visits hidden, remediation, verification,
extensions, penalty follow-ups, and the pages of the team and of the agency."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from yankao.attachments.models import Attachment
from yankao.workdays import services as workdays
from yankao.works.conftest import make_project
from yankao.works.models import (
    Defect,
    DefectStatus,
    Inspection,
    InspectionStatus,
    PenaltyFollowUp,
    PenaltyStatus,
)
from yankao.works.services import inspections as service
from yankao.works.services import visible_defects, visible_inspections
from yankao.works.workflow import TransitionError

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)
LEAF = "4.02.01.01"


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def png(name: str = "after.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def data(**extra: Any) -> service.RecordData:
    values: dict[str, Any] = {
        "inspected_on": DAY,
        "members": [
            service.Member("外聘委員甲", True, 88),
            service.Member("委員乙", False, 89),
            service.Member("委員丙", False, 86),
        ],
        "supervisor_engineer_present": True,
        "contractor_engineer_present": True,
        "defects": [service.DefectData(code=LEAF, description="監造計畫缺少品管要點基本內容")],
        **extra,
    }
    return service.RecordData(**values)


@pytest.fixture
def planned(reference: None, people: dict[str, Any], agencies: dict[str, Any]) -> Inspection:
    project = make_project(agencies["pwb"])
    return service.new_inspection(project, people["inspector"], scheduled_on=DAY)


def recorded(planned: Inspection, people: dict[str, Any], **extra: Any) -> Inspection:
    saved, _warnings = service.record(planned, people["inspector"], data(**extra))
    return saved


def test_recording_computes_score_grade_and_deadlines(planned, people):
    saved, warnings = service.record(planned, people["inspector"], data())
    assert warnings == []
    assert (saved.status, saved.score, saved.grade) == (InspectionStatus.RECORDED, 88, "a")
    assert saved.record_due == workdays.add_working_days(DAY, 7)
    defect = saved.defects.get()
    assert defect.code.code == LEAF
    assert defect.party == "supervisor"  # from the code
    assert defect.deduction == 1  # the code's least deduction
    assert defect.remediation_due == DAY + dt.timedelta(days=30)
    assert saved.members.count() == 3
    assert list(saved.events.values_list("to_status", flat=True)) == ["recorded"]
    assert not PenaltyFollowUp.objects.exists()


def test_too_few_external_experts_is_a_warning_not_an_error(planned, people):
    members = [service.Member("委員甲", False, 80), service.Member("委員乙", False, 82)]
    saved, warnings = service.record(planned, people["inspector"], data(members=members))
    assert saved.score == 81
    assert "外聘" in warnings[0] or "external" in warnings[0]


def test_bad_records_are_refused_by_field_and_nothing_is_saved(planned, people):
    bad = data(
        inspected_on=dt.date(2099, 1, 1),
        members=[service.Member("委員甲", True, 101), service.Member("委員乙", False, None)],
        supervisor_engineer_present=False,
        defects=[
            service.DefectData(code="9.99.99", description="不存在"),
            service.DefectData(code="4.02", description="群組代碼"),
            service.DefectData(code=LEAF, description="扣點超出", deduction=9),
        ],
    )
    with pytest.raises(ValidationError) as caught:
        service.record(planned, people["inspector"], bad)
    errors = caught.value.message_dict
    assert set(errors) == {"inspected_on", "members", "supervisor_engineer_present", "defects"}
    text = str(errors)
    assert "0 到 100" in text or "0 至 100" in text or "100" in text
    assert "委員乙" in text  # the member without a score is named
    assert "9.99.99" in text and "4.02" in text
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.PLANNED
    assert not Defect.objects.exists() and planned.members.count() == 0


def test_a_failed_test_makes_it_grade_c_and_opens_a_penalty(planned, people):
    saved = recorded(planned, people, concrete_core_failed=True)
    assert (saved.score, saved.grade) == (69, "c")
    penalty = PenaltyFollowUp.objects.get(inspection=saved, defect=None)
    assert penalty.measures == ["staff_discipline", "professional_referral"]


def test_a_score_held_pending_tests_drops_to_grade_c_when_a_test_fails(planned, people):
    saved = recorded(planned, people, tests_pending=True)
    assert saved.grade == "a" and saved.tests_pending
    with pytest.raises(PermissionDenied):
        service.settle_tests(saved, people["pwb_officer"], failed=True)
    saved = service.settle_tests(saved, people["inspector"], failed=True)
    assert (saved.score, saved.grade, saved.tests_pending) == (69, "c", False)
    assert PenaltyFollowUp.objects.filter(inspection=saved).count() == 1
    with pytest.raises(ValidationError):
        service.settle_tests(saved, people["inspector"], failed=False)


def test_only_the_team_records_and_a_recorded_inspection_is_not_recorded_twice(planned, people):
    with pytest.raises(PermissionDenied):
        service.record(planned, people["pwb_officer"], data())
    saved = recorded(planned, people)
    with pytest.raises(TransitionError):
        service.record(saved, people["inspector"], data())
    assert saved.defects.count() == 1


def test_drafts_keep_what_was_typed_and_refuse_a_stale_save(planned, people):
    opened = planned.revision
    draft = service.save_draft(planned, people["inspector"], {"member-1-name": "委員甲"}, opened)
    assert draft.status == InspectionStatus.DRAFT and draft.revision == opened + 1
    with pytest.raises(service.StaleDraft):
        service.save_draft(draft, people["inspector"], {"member-1-name": "別人"}, opened)
    draft.refresh_from_db()
    assert draft.draft == {"member-1-name": "委員甲"}
    saved = recorded(draft, people)
    assert saved.draft == {}
    with pytest.raises(ValidationError):
        service.save_draft(saved, people["inspector"], {}, saved.revision)


def test_unannounced_visits_are_hidden_from_the_agency_until_recorded(planned, people):
    officer = people["pwb_officer"]
    assert not visible_inspections(officer).exists()
    assert visible_inspections(people["inspector"]).count() == 1
    client = client_for(officer)
    assert client.get(reverse("works:inspection", args=[planned.pk])).status_code == 404
    assert planned.project.tender_number not in client.get(reverse("works:inspections")).text
    saved = recorded(planned, people)
    assert visible_inspections(officer).get() == saved
    assert visible_defects(officer).count() == 1
    assert not visible_inspections(people["epb_officer"]).exists()


def test_remediation_verification_and_closing(planned, people):
    saved = recorded(planned, people)
    with pytest.raises(PermissionDenied):
        service.send_record(saved, people["pwb_officer"])
    saved = service.send_record(saved, people["inspector"])
    assert saved.status == InspectionStatus.SENT
    assert service.record_sent_late(saved) == (timezone.localdate() > saved.record_due)
    defect = saved.defects.get()
    with pytest.raises(PermissionDenied):
        service.report_remediation(defect, people["epb_officer"], "已改善")
    with pytest.raises(PermissionDenied):
        service.add_photos(defect, people["epb_officer"], [png()], "before")
    with pytest.raises(ValidationError):
        service.report_remediation(defect, people["pwb_officer"], "  ")
    not_a_photo = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", "image/png")
    with pytest.raises(ValidationError):
        service.report_remediation(defect, people["pwb_officer"], "已改善", [not_a_photo])
    defect.refresh_from_db()
    assert defect.status == DefectStatus.OPEN  # nothing half-written
    assert not Attachment.objects.exists()
    defect = service.report_remediation(defect, people["pwb_officer"], "已補提監造計畫", [png()])
    assert defect.status == DefectStatus.REPORTED
    assert Attachment.objects.get().caption.startswith("改善後")
    with pytest.raises(ValidationError):
        service.close_inspection(saved, people["inspector"])
    with pytest.raises(ValidationError):
        service.verify(defect, people["inspector"], accept=False, note="")
    defect = service.verify(defect, people["inspector"], accept=False, note="照片不清楚")
    assert defect.status == DefectStatus.OPEN
    defect = service.report_remediation(defect, people["pwb_officer"], "補照片", [png()])
    defect = service.verify(defect, people["inspector"], accept=True)
    assert defect.status == DefectStatus.CLOSED and defect.closed_at
    closed = service.close_inspection(saved, people["inspector"])
    assert closed.status == InspectionStatus.CLOSED
    assert [e.action for e in defect.events.all()] == ["report", "return", "report", "close"]


def test_overdue_defects_open_one_penalty_unless_an_extension_is_approved(planned, people):
    saved = recorded(
        planned,
        people,
        defects=[
            service.DefectData(code=LEAF, description="缺失一"),
            service.DefectData(code=LEAF, description="缺失二"),
        ],
    )
    first, second = saved.defects.order_by("pk")
    late = DAY + dt.timedelta(days=31)
    with pytest.raises(ValidationError):
        service.request_extension(first, people["pwb_officer"], DAY, "")
    first = service.request_extension(
        first, people["pwb_officer"], DAY + dt.timedelta(days=60), "材料缺貨"
    )
    with pytest.raises(PermissionDenied):
        service.decide_extension(first, people["pwb_officer"], approve=True)
    first = service.decide_extension(first, people["inspector"], approve=True)
    assert first.deadline == DAY + dt.timedelta(days=60)
    assert service.open_overdue_penalties(today=late) == 1
    assert service.open_overdue_penalties(today=late) == 0  # idempotent
    penalty = PenaltyFollowUp.objects.get()
    assert penalty.defect == second
    assert "115/12/20" in penalty.reason or "民國115年12月20日" in penalty.reason
    with pytest.raises(ValidationError):
        service.close_penalty(penalty, people["inspector"], measures=[], outcome="")
    with pytest.raises(PermissionDenied):
        service.close_penalty(
            penalty, people["pwb_officer"], measures=["supplier_suspension"], outcome="已處理"
        )
    penalty = service.close_penalty(
        penalty, people["inspector"], measures=["supplier_suspension"], outcome="已函送停權程序"
    )
    assert penalty.status == PenaltyStatus.CLOSED


def test_reinspection_links_to_the_original(planned, people, agencies):
    saved = recorded(planned, people)
    again = service.new_inspection(saved.project, people["inspector"], original=saved)
    assert again.original == saved and list(saved.reinspections.all()) == [again]
    other = make_project(agencies["pwb"], "PWB-115-002")
    with pytest.raises(ValidationError):
        service.new_inspection(other, people["inspector"], original=saved)


# --- Pages ---------------------------------------------------------------------------------


def form(**extra: str) -> dict[str, str]:
    values = {
        "inspected_on": "115/11/20",
        "supervisor_engineer_present": "on",
        "contractor_engineer_present": "on",
        "member-1-name": "外聘委員甲",
        "member-1-external": "on",
        "member-1-score": "91",
        "member-2-name": "委員乙",
        "member-2-score": "90",
        "defect-1-code": LEAF,
        "defect-1-description": "監造計畫缺漏",
    }
    values.update(extra)
    return {k: v for k, v in values.items() if v is not None}


def test_the_on_site_form_records_or_keeps_the_draft(planned, people):
    client = client_for(people["inspector"])
    url = reverse("works:inspection_record", args=[planned.pk])
    assert client.get(url).status_code == 200
    assert client_for(people["pwb_officer"]).get(url).status_code in (403, 404)
    bad = client.post(url, form(**{"member-2-score": "150", "grade": "優等"}))
    assert bad.status_code == 400
    assert "不可自行輸入" in bad.text
    bad = client.post(url, form(**{"member-2-score": "150"}))
    assert bad.status_code == 400
    assert "150" in bad.text and "外聘委員甲" in bad.text  # what was typed is still there
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.DRAFT
    assert planned.draft["member-2-score"] == "150"
    assert client.get(url).text.count('value="150"') == 1  # the draft reopens
    ok = client.post(url, form())
    assert ok.status_code == 302
    planned.refresh_from_db()
    assert (planned.score, planned.grade) == (91, "excellent")  # (91 + 90) / 2 = 90.5 → 91


def test_autosave_answers_with_the_revision_or_409(planned, people):
    client = client_for(people["inspector"])
    url = reverse("works:inspection_draft", args=[planned.pk])
    opened = str(planned.revision)
    first = client.post(url, {"revision": opened, "member-1-name": "委員甲"})
    assert first.status_code == 200 and first.json()["revision"] == planned.revision + 1
    stale = client.post(url, {"revision": opened, "member-1-name": "別人"})
    assert stale.status_code == 409 and stale.json()["detail"]
    assert client_for(people["pwb_officer"]).post(url, {"revision": "1"}).status_code == 403


def test_pages_of_the_team_and_the_agency(planned, people):
    saved = recorded(planned, people)
    defect = saved.defects.get()
    team = client_for(people["inspector"])
    for name, args in [
        ("works:inspections", []),
        ("works:inspection", [saved.pk]),
        ("works:defects", []),
        ("works:defect", [defect.pk]),
        ("works:penalties", []),
    ]:
        assert team.get(reverse(name, args=args)).status_code == 200, name
    for tab in ("recorded", "planned", "all"):
        assert team.get(reverse("works:inspections"), {"tab": tab}).status_code == 200
    for tab in ("open", "reported", "overdue", "extensions", "closed"):
        assert team.get(reverse("works:defects"), {"tab": tab}).status_code == 200
    team.post(reverse("works:inspection", args=[saved.pk]), {"action": "send"})
    agency = client_for(people["pwb_officer"])
    board = agency.get(reverse("works:defects"))
    assert LEAF in board.text
    assert "待改善的查核缺失" in agency.get(reverse("home")).text
    page = agency.get(reverse("works:defect", args=[defect.pk]))
    assert 'capture="environment"' in page.text and 'accept="image/*"' in page.text
    refused = agency.post(
        reverse("works:defect", args=[defect.pk]), {"action": "report", "remediation": ""}
    )
    assert refused.status_code == 400
    done = agency.post(
        reverse("works:defect", args=[defect.pk]),
        {"action": "report", "remediation": "已補提", "photos": png()},
    )
    assert done.status_code == 302, done.context["errors"]
    defect.refresh_from_db()
    assert defect.status == DefectStatus.REPORTED
    other = client_for(people["epb_officer"])
    assert other.get(reverse("works:defect", args=[defect.pk])).status_code == 404
    assert other.get(reverse("works:inspection", args=[saved.pk])).status_code == 404
    assert LEAF not in other.get(reverse("works:defects")).text
    assert reverse("works:defect", args=[defect.pk]) in team.get(reverse("home")).text
    closed = team.post(reverse("works:defect", args=[defect.pk]), {"action": "close"})
    assert closed.status_code == 302
    defect.refresh_from_db()
    assert defect.status == DefectStatus.CLOSED


def test_penalty_pages_close_a_follow_up(planned, people):
    saved = recorded(planned, people, serious_safety_defect=True)
    penalty = PenaltyFollowUp.objects.get(inspection=saved)
    team = client_for(people["inspector"])
    url = reverse("works:penalty", args=[penalty.pk])
    assert team.post(url, {"outcome": ""}).status_code == 400
    assert client_for(people["epb_officer"]).get(url).status_code == 404
    assert client_for(people["pwb_officer"]).get(url).status_code == 200
    done = team.post(url, {"measures": ["staff_discipline"], "outcome": "已議處"})
    assert done.status_code == 302
    penalty.refresh_from_db()
    assert penalty.status == PenaltyStatus.CLOSED


def test_the_form_grows_with_the_defects_typed(planned, people):
    client = client_for(people["inspector"])
    url = reverse("works:inspection_record", args=[planned.pk])
    many = {f"defect-{n}-code": LEAF for n in range(1, 15)}
    many.update({f"defect-{n}-description": f"缺失{n}" for n in range(1, 15)})
    ok = client.post(url, form(**many))
    assert ok.status_code == 302
    assert planned.defects.count() == 14
    other = service.new_inspection(planned.project, people["inspector"])
    service.save_draft(other, people["inspector"], {"defect-12-code": LEAF}, other.revision)
    page = client.get(reverse("works:inspection_record", args=[other.pk]))
    assert 'name="defect-15-code"' in page.text and 'name="defect-16-code"' not in page.text
