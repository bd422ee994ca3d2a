"""Intake, routing, the workflow and personal data, through the services."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from yankao.audit.models import AuditAction, AuditEntry
from yankao.cases import services
from yankao.cases.models import Case, CaseEvent, CaseStatus, CaseType, Channel, ExtensionStatus
from yankao.cases.services import Intake, PetitionerData
from yankao.cases.workflow import TransitionError, transition

TPE = zoneinfo.ZoneInfo("Asia/Taipei")
pytestmark = pytest.mark.django_db


def petition(categories, **overrides) -> Intake:  # type: ignore[no-untyped-def]
    values = {
        "case_type": CaseType.PETITION,
        "channel": Channel.HOTLINE,
        "category": categories["sidewalk"],
        "description": "鳳山區光遠路人行道紅磚破損，行人容易絆倒。",
        "petitioner": PetitionerData(
            name="王小明",
            phone="0912345123",
            email="ming@example.com",
            address="高雄市鳳山區光遠路123號",
        ),
        "district": "鳳山區",
        "received_at": dt.datetime(2024, 3, 4, 9, tzinfo=TPE),
    }
    values.update(overrides)
    return Intake(**values)


def test_petition_is_numbered_routed_and_given_a_deadline(categories, people, agencies):
    case, code = services.create_case(petition(categories), people["operator"])
    assert re.fullmatch(r"113P\d{7}", case.number)
    assert case.status == CaseStatus.ASSIGNED
    assert case.lead_agency == agencies["road"]
    assert case.deadline_at.astimezone(TPE).date() == dt.date(2024, 3, 12)
    assert len(code) == 8 and services.find_by_tracking(case.number, code) == case
    assert services.find_by_tracking(case.number, "WRONG123") is None
    assert [e.action for e in case.events.all()] == ["assign"]


def test_numbers_are_unique_and_sequential(categories, people):
    numbers = [
        services.create_case(petition(categories), people["operator"])[0].number for _ in range(3)
    ]
    assert len(set(numbers)) == 3
    assert [int(n[-7:]) for n in numbers] == sorted(int(n[-7:]) for n in numbers)


def test_consultation_is_recorded_and_closed_not_routed(categories, people):
    case, _ = services.create_case(
        Intake(
            case_type=CaseType.CONSULTATION,
            channel=Channel.HOTLINE,
            description="請問垃圾車幾點到光遠路？",
            answer="光遠路垃圾車晚上七點半到。",
        ),
        people["operator"],
    )
    assert case.status == CaseStatus.CLOSED
    assert case.lead_agency is None and case.deadline_at is None
    assert case.number[3] == "C"


def test_dispatch_routes_by_category_and_counts_hours(categories, people, agencies):
    case, _ = services.create_case(
        petition(
            categories,
            case_type=CaseType.DISPATCH,
            category=categories["pothole"],
            latitude=Decimal("22.627"),
            longitude=Decimal("120.357"),
        ),
        people["operator"],
    )
    assert case.lead_agency == agencies["road"]
    assert case.deadline_at - case.received_at == dt.timedelta(hours=4)


def test_district_routing(categories, people, agencies):
    case, _ = services.create_case(
        petition(categories, category=categories["neighbourhood"]), people["operator"]
    )
    assert case.lead_agency == agencies["fengshan"]


def test_retry_with_same_key_creates_one_case(categories, people):
    first, code = services.create_case(
        petition(categories, idempotency_key="k-1"), people["operator"]
    )
    again, again_code = services.create_case(
        petition(categories, idempotency_key="k-1"), people["operator"]
    )
    assert first.pk == again.pk and code and again_code == ""
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": " "}, "description"),
        ({"description": "字" * 5001}, "description"),
        ({"category": None}, "category"),
        ({"latitude": Decimal("25.03"), "longitude": Decimal("121.56")}, "latitude"),
        ({"district": "信義區"}, "district"),
        (
            {"petitioner": PetitionerData(name="王", phone="12345", email="ming@example.com")},
            "phone",
        ),
        ({"petitioner": PetitionerData(name="王", email="not-an-email")}, "email"),
        ({"petitioner": PetitionerData(name="王", email="a@b.tw", id_number="X999")}, "id_number"),
        ({"channel": "carrier-pigeon"}, "channel"),
    ],
)
def test_bad_intake_names_the_field_and_saves_nothing(categories, people, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.create_case(petition(categories, **overrides), people["operator"])
    assert field in caught.value.message_dict
    assert Case.objects.count() == 0


def test_wrong_type_category_is_refused_in_chinese(categories, people):
    with translation.override("zh-hant"), pytest.raises(ValidationError) as caught:
        services.create_case(
            petition(categories, category=categories["pothole"]), people["operator"]
        )
    assert "陳情" in caught.value.message_dict["category"][0]


def test_agency_workflow_with_extension_and_reply(categories, people, agencies):
    case, _ = services.create_case(petition(categories), people["operator"])
    officer = people["road_officer"]
    services.accept(case, officer)
    extension = services.request_extension(case, officer, 5, "需會同廠商現場勘查")
    with pytest.raises(ValidationError):
        services.request_extension(case, officer, 3, "again")
    with pytest.raises(TransitionError):
        services.decide_extension(extension, officer, approve=True)
    services.decide_extension(extension, people["rdec_case"], approve=True, note="同意")
    extension.refresh_from_db()
    case.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert case.deadline_at == extension.new_deadline_at > extension.old_deadline_at
    services.reply(case, officer, "已派員修復人行道紅磚。", "市區道路條例")
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    services.close(case, people["rdec_case"])
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "assign",
        "accept",
        "request_extension",
        "decide_extension",
        "reply",
        "close",
    ]
    assert AuditEntry.objects.filter(action=AuditAction.STATUS, target_id=str(case.pk)).count() == 6


def test_review_categories_go_to_the_supervisor_first(categories, people, agencies):
    case, _ = services.create_case(
        petition(categories, category=categories["noise"]), people["operator"]
    )
    services.accept(case, people["epb_officer"])
    services.reply(case, people["epb_officer"], "已派員稽查並告發。")
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW


def test_illegal_moves_are_refused_and_nothing_changes(categories, people):
    case, _ = services.create_case(petition(categories), people["operator"])
    with pytest.raises(TransitionError):
        transition(case, "close", people["rdec_case"])
    with pytest.raises(TransitionError):
        transition(case, "return", people["road_officer"], note="")
    with pytest.raises(TransitionError):
        services.accept(case, people["epb_officer"])  # not EPB's case
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    assert case.events.count() == 1


def test_history_is_append_only(categories, people):
    case, _ = services.create_case(petition(categories), people["operator"])
    event = case.events.first()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(note="x")


def test_return_split_and_reassign(categories, people, agencies):
    case, _ = services.create_case(petition(categories), people["operator"])
    services.return_case(case, people["road_officer"], "非本處權管，應屬環保局")
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    services.assign(case, people["rdec_case"], agencies["epb"], note="改分環保局")
    services.split(Case.objects.get(pk=case.pk), people["rdec_case"], [agencies["road"]])
    case.refresh_from_db()
    assert case.lead_agency == agencies["epb"]
    assert case.deadline_at.astimezone(TPE).date() == dt.date(2024, 3, 18)
    assert services.visible_cases(people["road_officer"]).filter(pk=case.pk).exists()
    assert services.visible_cases(people["epb_officer"]).filter(pk=case.pk).exists()
    assert not services.visible_cases(people["pwb_officer"]).filter(pk=case.pk).exists()
    assert (
        services.visible_cases(people["pwb_chief"]).filter(pk=case.pk).exists()
    )  # supervises road


def test_each_visible_case_is_listed_once_without_distinct(categories, people, agencies):
    """Lead agency and handler rows (old and new) both tie a case to an agency; the scope
    matches them by key, so the list needs no DISTINCT and counts each case once."""
    led, _ = services.create_case(petition(categories), people["operator"])  # lead: road
    shared, _ = services.create_case(petition(categories), people["operator"])
    services.return_case(shared, people["road_officer"], "非本處權管，應屬環保局")
    services.assign(shared, people["rdec_case"], agencies["epb"], note="改分環保局")
    services.split(Case.objects.get(pk=shared.pk), people["rdec_case"], [agencies["road"]])
    for who, expected in (("road_officer", {led.pk, shared.pk}), ("epb_officer", {shared.pk})):
        listed = services.visible_cases(people[who]).order_by("pk")
        assert not listed.query.distinct
        keys = list(listed.values_list("pk", flat=True))
        assert sorted(keys) == sorted(expected) and listed.count() == len(expected)


def test_personal_data_is_masked_revealed_and_audited(categories, people):
    case, _ = services.create_case(petition(categories), people["operator"])
    masked = services.petitioner_for(people["epb_officer"], case)
    assert masked["name"] == "王○明" and masked["phone"] == "09xx-xxx-123"
    revealed = services.petitioner_for(people["epb_officer"], case, reveal=True)
    assert revealed["name"] == "王○明"  # not EPB's case: no reveal
    revealed = services.petitioner_for(people["road_officer"], case, reveal=True)
    assert revealed["phone"] == "0912345123"
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL_DATA)
    assert entry.actor_name == "road.officer"
    assert set(entry.changes["fields"]) == {"name", "phone", "email", "address"}


def test_confidential_cases_hide_identity_from_the_agency(categories, people):
    case, _ = services.create_case(petition(categories, confidential=True), people["operator"])
    shown = services.petitioner_for(people["road_officer"], case, reveal=True)
    assert "王" not in shown["name"]
    assert services.petitioner_for(people["rdec_case"], case, reveal=True)["name"] == "王小明"


def test_keyword_suggestion(categories):
    assert services.suggest_categories("家門口有個大坑洞")[0].code == "ROAD-POTHOLE"
    assert services.suggest_categories("隔壁卡拉OK很吵")[0].code == "ENV-NOISE"
    assert services.suggest_categories("") == []
