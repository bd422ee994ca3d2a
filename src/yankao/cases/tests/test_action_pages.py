"""The less common actions on the case page: supplement, review, withdraw, split, merge, decline."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yankao.agencies.roles import RoleCode
from yankao.cases import services
from yankao.cases.models import Case, CaseStatus, CaseType, Channel, DeclineGround, HandlerRole
from yankao.cases.services import Intake, PetitionerData

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def new_case(categories, people, category="sidewalk", text="人行道破損需要修補") -> Case:  # type: ignore[no-untyped-def]
    made, _ = services.create_case(
        Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            category=categories[category],
            description=text,
            district="鳳山區",
            petitioner=PetitionerData(name="王小明", phone="0912345123", email="m@example.com"),
        ),
        people["operator"],
    )
    return made


def post(client: Client, case: Case, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(reverse("cases:action", args=[case.number, action]), data or {}, follow=True)


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_supplement_pauses_and_resumes_the_clock(categories, people):
    case = new_case(categories, people)
    road = client_for(people["road_officer"])
    post(road, case, "accept")
    page = road.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "請陳情人補充資料" in page
    post(road, case, "supplement", {"note": "請提供照片與確切位置"})
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_SUPPLEMENT and case.paused_at is not None
    before = case.deadline_at
    post(road, case, "supplement-received", {"note": "已收到照片"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_at is None
    assert case.deadline_at >= before


def test_empty_supplement_note_is_refused_with_a_message(categories, people):
    case = new_case(categories, people)
    road = client_for(people["road_officer"])
    post(road, case, "accept")
    response = post(road, case, "supplement", {"note": ""})
    assert any("理由或備註" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_supervisor_approves_or_sends_back_a_reply(categories, people, make_user):
    chief = make_user("epb.chief", RoleCode.AGENCY_SUPERVISOR, "epb")
    case = new_case(categories, people, category="noise", text="夜間營業場所很吵")
    officer = client_for(people["epb_officer"])
    post(officer, case, "accept")
    post(officer, case, "reply", {"handling": "已派員稽查並告發。", "basis": "噪音管制法"})
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    # the case officer cannot approve their own reply
    assert (
        "核可並寄出"
        not in officer.get(reverse("cases:detail", args=[case.number])).content.decode()
    )
    post(officer, case, "approve-reply")
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING_REVIEW
    supervisor = client_for(chief)
    page = supervisor.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "核可並寄出" in page and "已派員稽查並告發。" in page
    post(supervisor, case, "reject-reply", {"note": "請寫明告發日期"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    post(officer, case, "reply", {"handling": "已於11月20日派員稽查並告發。", "basis": ""})
    post(supervisor, case, "approve-reply")
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert case.replies.filter(sent_at__isnull=False).count() == 1


def test_withdraw_by_the_handling_agency(categories, people):
    case = new_case(categories, people)
    road = client_for(people["road_officer"])
    post(road, case, "withdraw", {"note": "陳情人來電表示已自行處理"})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and case.closed_at is not None


def test_commission_shares_a_case_with_co_handlers(categories, people, agencies):
    case = new_case(categories, people)
    rdec = client_for(people["rdec_case"])
    before = case.deadline_at
    post(rdec, case, "split", {"agencies": [agencies["epb"].pk], "note": "涉及環保"})
    case.refresh_from_db()
    assert case.handlers.filter(agency=agencies["epb"], role=HandlerRole.CO_HANDLER).exists()
    assert case.deadline_at > before  # 10 working days when shared
    page = rdec.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "協辦機關" in page and str(agencies["epb"]) in page
    # the co-handler now sees the case
    epb = client_for(people["epb_officer"])
    assert epb.get(reverse("cases:detail", args=[case.number])).status_code == 200


def test_commission_merges_a_duplicate_and_unknown_numbers_are_refused(categories, people):
    first = new_case(categories, people)
    duplicate = new_case(categories, people, text="同一處人行道破損")
    rdec = client_for(people["rdec_case"])
    response = post(rdec, duplicate, "merge", {"into": "X999", "note": ""})
    assert any("查無此案號的未結案件" in m for m in messages_of(response))
    duplicate.refresh_from_db()
    assert duplicate.status != CaseStatus.MERGED
    post(rdec, duplicate, "merge", {"into": first.number, "note": "重複陳情"})
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into == first
    page = rdec.get(reverse("cases:detail", args=[duplicate.number])).content.decode()
    assert first.number in page


def test_agency_cannot_merge_or_decline(categories, people):
    first = new_case(categories, people)
    duplicate = new_case(categories, people, text="同一處人行道破損")
    road = client_for(people["road_officer"])
    page = road.get(reverse("cases:detail", args=[duplicate.number])).content.decode()
    assert "併入其他案件" not in page and "不予處理" not in page
    post(road, duplicate, "merge", {"into": first.number})
    post(road, duplicate, "decline", {"ground": DeclineGround.ALREADY_ANSWERED, "note": "重複"})
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.ASSIGNED


def test_commission_declines_with_a_legal_ground(categories, people):
    case = new_case(categories, people)
    rdec = client_for(people["rdec_case"])
    page = rdec.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "不予處理" in page
    post(
        rdec, case, "decline", {"ground": DeclineGround.ALREADY_ANSWERED, "note": "同一事由已答覆"}
    )
    case.refresh_from_db()
    assert (
        case.status == CaseStatus.DECLINED and case.decline_ground == DeclineGround.ALREADY_ANSWERED
    )


def test_a_returned_case_is_routed_again_from_the_suggestions(categories, people):
    made = new_case(categories, people, category="noise", text="家門口人行道紅磚破損，行人容易跌倒")
    assert made.lead_agency_id == categories["noise"].agency_id
    commission = client_for(people["rdec_case"])
    assert (
        "依民眾描述建議的分類"
        not in commission.get(reverse("cases:detail", args=[made.number])).text
    )  # assigned and not returned: nothing to route
    services.return_case(made, people["epb_officer"], "非本局業務，屬人行道")
    page = commission.get(reverse("cases:detail", args=[made.number]))
    assert "依民眾描述建議的分類" in page.text
    sidewalk = categories["sidewalk"]
    assert f'name="category" value="{sidewalk.pk}"' in page.text
    done = post(
        commission,
        made,
        "reassign",
        {"agency": sidewalk.agency_id, "category": sidewalk.pk, "note": "依建議分類"},
    )
    assert done.status_code == 200
    made.refresh_from_db()
    assert (made.status, made.category_id, made.lead_agency_id) == (
        CaseStatus.ASSIGNED,
        sidewalk.pk,
        sidewalk.agency_id,
    )
    assert made.events.order_by("pk").last().data["category"] == sidewalk.code
    for other in ("pothole", "neighbourhood"):  # a dispatch category; an inactive one
        if other == "neighbourhood":
            categories[other].active = False
            categories[other].save()
        refused = post(
            commission,
            made,
            "reassign",
            {"agency": sidewalk.agency_id, "category": categories[other].pk, "note": "x"},
        )
        assert refused.status_code == 200
        made.refresh_from_db()
        assert made.category_id == sidewalk.pk
