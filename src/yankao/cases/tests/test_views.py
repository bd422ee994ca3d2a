"""The case pages: inbox, detail and actions, operator intake, mayor's mailbox and tracking."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from yankao.audit.models import AuditAction, AuditEntry
from yankao.cases import services
from yankao.cases.models import Case, CaseStatus, CaseType, Channel
from yankao.cases.services import Intake, PetitionerData

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


@pytest.fixture
def case(categories, people) -> Case:  # type: ignore[no-untyped-def]
    made, _ = services.create_case(
        Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            category=categories["sidewalk"],
            description="人行道破損<script>alert(1)</script>",
            district="鳳山區",
            petitioner=PetitionerData(name="王小明", phone="0912345123", email="m@example.com"),
        ),
        people["operator"],
    )
    return made


def test_inbox_and_detail_are_scoped(case, people):
    road = client_for(people["road_officer"])
    assert [c.pk for c in road.get(reverse("cases:inbox")).context["object_list"]] == [case.pk]
    epb = client_for(people["epb_officer"])
    assert list(epb.get(reverse("cases:inbox")).context["object_list"]) == []
    assert epb.get(reverse("cases:detail", args=[case.number])).status_code == 404
    assert epb.post(reverse("cases:action", args=[case.number, "accept"])).status_code == 404
    page = road.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "王○明" in page and "0912345123" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_agency_accepts_asks_extension_and_replies_in_the_browser_flow(case, people):
    road = client_for(people["road_officer"])
    road.post(reverse("cases:action", args=[case.number, "accept"]))
    road.post(
        reverse("cases:action", args=[case.number, "extension"]),
        {"extra_working_days": "3", "reason": "需會勘"},
    )
    client_for(people["rdec_case"]).post(
        reverse("cases:action", args=[case.number, "decide-extension"]),
        {"approve": "1", "note": ""},
    )
    road.post(
        reverse("cases:action", args=[case.number, "reply"]),
        {"handling": "已修復人行道。", "basis": ""},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert case.extensions.get().status == "approved"


def test_bad_action_input_comes_back_as_a_message(case, people):
    road = client_for(people["road_officer"])
    response = road.post(
        reverse("cases:action", args=[case.number, "extension"]),
        {"extra_working_days": "99", "reason": ""},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("展延工作日數" in t for t in texts)
    case.refresh_from_db()
    assert case.extensions.count() == 0


def test_reveal_is_audited(case, people):
    road = client_for(people["road_officer"])
    response = road.post(reverse("cases:reveal", args=[case.number]))
    assert "0912345123" in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL_DATA, actor_name="road.officer"
    ).exists()
    assert (
        client_for(people["viewer"]).post(reverse("cases:reveal", args=[case.number])).status_code
        == 404
    )


def test_bulk_accept(case, people):
    road = client_for(people["road_officer"])
    road.post(reverse("cases:bulk_accept"), {"case": [case.pk]})
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_operator_intake_page(categories, people):
    operator = client_for(people["operator"])
    assert operator.get(reverse("cases:new")).status_code == 200
    response = operator.post(
        reverse("cases:new"),
        {
            "case_type": "consultation",
            "channel": "hotline",
            "description": "請問垃圾車時間",
            "answer": "晚上七點半",
            "reply_channel": "phone",
            "idempotency_key": "k1",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.CLOSED and case.created_by == people["operator"]
    bad = operator.post(
        reverse("cases:new"),
        {
            "case_type": "petition",
            "channel": "hotline",
            "description": "x",
            "reply_channel": "phone",
        },
    )
    assert bad.status_code == 200 and "案件類別" in bad.content.decode()
    assert client_for(people["road_officer"]).get(reverse("cases:new")).status_code == 404
    hints = operator.get(reverse("cases:suggest"), {"description": "人行道紅磚破了"})
    assert "人行道破損" in hints.content.decode()


def test_mayors_mailbox_and_tracking_without_login(categories, people, settings):
    cache.clear()
    settings.YANKAO_MAILBOX_PER_HOUR = 2
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    form = {
        "name": "陳小華",
        "email": "hua@example.com",
        "subject": "人行道破損",
        "description": "光遠路人行道破損",
        "category": str(categories["sidewalk"].pk),
        "district": "鳳山區",
        "idempotency_key": "m1",
    }
    response = client.post(reverse("public:mailbox"), form)
    assert response.status_code == 200
    case = Case.objects.get(channel=Channel.MAYORS_MAILBOX)
    code = response.context["code"]
    # A double submit of the same form creates nothing new, and says so instead of a blank code.
    again = client.post(reverse("public:mailbox"), form)
    assert Case.objects.filter(channel=Channel.MAYORS_MAILBOX).count() == 1
    page = again.content.decode()
    assert case.number in page and 'id="already-filed"' in page and "送出了兩次" in page
    assert 'id="tracking-code"' not in page and code not in page
    # Rate limited after the hourly allowance.
    limited = client.post(reverse("public:mailbox"), {**form, "idempotency_key": "m2"})
    assert limited.status_code == 429
    tracked = client.get(reverse("public:track"), {"number": case.number, "code": code})
    assert tracked.context["case"] == case
    wrong = client.get(reverse("public:track"), {"number": case.number, "code": "AAAA2222"})
    assert wrong.context["case"] is None
    bad = client.post(reverse("public:mailbox"), {**form, "email": "nope", "idempotency_key": "m3"})
    assert bad.status_code == 400


def test_citizen_answers_the_survey_and_the_commission_reopens(case, people):
    services.accept(case, people["road_officer"])
    services.reply(case, people["road_officer"], "已修復人行道。")
    services.close(case, people["rdec_case"])
    case.refresh_from_db()
    code = "ABCD2345"
    Case.objects.filter(pk=case.pk).update(tracking_code_hash=services.hash_tracking_code(code))
    citizen = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = citizen.get(reverse("public:track"), {"number": case.number, "code": code})
    assert page.context["survey_form"] is not None
    citizen.post(
        reverse("public:survey"),
        {
            "number": case.number,
            "code": code,
            "satisfied": "0",
            "reason": "not_solved",
            "comment": "還是壞的",
        },
    )
    assert (
        citizen.post(
            reverse("public:survey"), {"number": case.number, "code": "WRONG234", "satisfied": "1"}
        ).status_code
        == 404
    )
    officer = client_for(people["rdec_case"])
    listed = officer.get(reverse("cases:inbox"), {"tab": "dissatisfied"}).context["object_list"]
    assert [c.pk for c in listed] == [case.pk]
    officer.post(reverse("cases:action", args=[case.number, "reopen"]), {"reason": "請再處理"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.survey.reviewed_at is not None


def test_the_mailbox_suggests_categories_while_the_citizen_types(categories, settings):
    cache.clear()
    settings.YANKAO_MAILBOX_SUGGEST_PER_MINUTE = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = client.get(reverse("public:mailbox"))
    assert 'hx-post="/mailbox/suggest/"' in page.text and 'id="category-suggestions"' in page.text
    url = reverse("public:mailbox_suggest")
    hints = client.post(url, {"description": "我家巷口人行道紅磚破損很危險", "subject": ""})
    text = hints.content.decode()
    assert f'data-category="{categories["sidewalk"].pk}"' in text
    assert f'data-category="{categories["pothole"].pk}"' not in text  # dispatch: not on the form
    odd = client.post(url, {"description": "<script>alert(1)</script>"})
    assert "<script>" not in odd.content.decode()
    settings.YANKAO_MAILBOX_SUGGEST_MIN_CONFIDENCE = 1.01
    assert b"data-category" not in client.post(url, {"description": "人行道紅磚"}).content
    settings.YANKAO_MAILBOX_SUGGEST_MIN_CONFIDENCE = 0.2
    assert client.post(url, {"description": "人行道紅磚"}).content == b""  # limit reached
