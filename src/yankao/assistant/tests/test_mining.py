"""FAQ mining: clusters of closed cases become candidates once, without personal data; editors
approve or reject them in the browser and over the API, each within their scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from yankao.assistant.models import (
    CandidateStatus,
    FaqCandidate,
    FaqEntry,
    FaqStatus,
    FaqVersion,
    VersionStatus,
)
from yankao.assistant.services import mining
from yankao.cases import services as cases
from yankao.cases.conftest import categories  # noqa: F401  (the cases app's category fixture)
from yankao.cases.models import CaseType, Category, Channel
from yankao.core.services import registered_periodic

from .conftest import BULKY, OTHER, SIDEWALK, closed_case


def test_one_candidate_per_cluster_above_the_size_and_never_twice(
    history: None, bulky: Category, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    first = mining.mine()
    assert first.cases == len(BULKY) + len(SIDEWALK) + len(OTHER)
    by_agency = {c.agency_id: c for c in first.created}
    assert set(by_agency) == {agencies["epb"].pk, agencies["road"].pk}
    epb = by_agency[agencies["epb"].pk]
    assert epb.cluster_size == len(BULKY) and "大型垃圾" in epb.question
    assert len(epb.examples) == len(BULKY) - 1 and len(epb.case_numbers) == len(BULKY)
    # The satisfied citizen's reply is the draft, not the unrated or unhappy ones.
    assert epb.draft_answer == "大型垃圾請撥清潔隊專線預約，免費清運。"

    again = mining.mine()
    assert again.created == [] and again.known == 2
    assert FaqCandidate.objects.count() == 2

    closed_case("請問舊沙發大型垃圾預約清運怎麼做？", bulky, people, "epb_officer")
    grown = mining.mine()
    assert grown.created == [] and grown.refreshed == 1
    epb.refresh_from_db()
    assert epb.cluster_size == len(BULKY) + 1

    mining.reject(epb, people["epb_officer"])
    assert mining.mine().created == []
    assert FaqCandidate.objects.filter(status=CandidateStatus.PROPOSED).count() == 1


def test_small_groups_and_open_cases_are_not_mined(
    bulky: Category, people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_FAQ_CLUSTER_MIN_SIZE = 5
    for text in BULKY[:4]:
        closed_case(text, bulky, people, "epb_officer")
    cases.create_case(
        cases.Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            description=BULKY[4],
            category=bulky,
        ),
        people["operator"],
    )
    result = mining.mine()
    assert result.cases == 4 and result.created == []


def test_no_personal_data_enters_a_candidate(
    bulky: Category, people: dict[str, Any], settings: Any
) -> None:
    settings.YANKAO_FAQ_CLUSTER_MIN_SIZE = 3
    people_data = [
        ("陳志明", "0933111222", "chen@example.com"),
        ("林雅婷", "0922333444", "lin@example.org"),
        ("黃家豪", "0911555666", "huang@example.net"),
    ]
    for name, phone, email in people_data:
        closed_case(
            f"我是{name}，手機{phone}，請問大型垃圾舊沙發要怎麼預約清運？信箱{email}",
            bulky,
            people,
            "epb_officer",
            reply=f"{name}先生您好，大型垃圾請撥清潔隊專線預約，已回電{phone}說明。",
            satisfied=True,
            name=name,
            phone=phone,
            email=email,
        )
    [candidate] = mining.mine().created
    stored = " ".join([candidate.question, candidate.draft_answer, *candidate.examples])
    for name, phone, email in people_data:
        assert name not in stored and phone not in stored and email not in stored
    assert "大型垃圾" in candidate.question and "預約" in candidate.draft_answer


phones = st.from_regex(r"09\d{2}-?\d{3}-?\d{3}", fullmatch=True)
landlines = st.from_regex(r"(\(0[2-8]\)|0[2-8]-?)\d{3,4}-?\d{4}", fullmatch=True)
ids = st.from_regex(r"[A-Z][12]\d{8}", fullmatch=True)
emails = st.from_regex(r"[a-z][a-z0-9.]{1,12}@[a-z]{2,10}\.(com|org|tw|net)", fullmatch=True)
chinese = st.text(alphabet="請問路燈不亮垃圾清運預約我家住在的號碼是謝謝", max_size=20)


@given(before=chinese, secret=st.one_of(phones, landlines, ids, emails), after=chinese)
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_masking_removes_generated_phones_ids_and_emails(
    before: str, secret: str, after: str
) -> None:
    masked = mining.scrub(f"{before} {secret} {after}", [])
    assert secret not in masked


@given(name=st.text(alphabet="陳林黃張李王吳劉志明雅婷家豪", min_size=2, max_size=4))
@hsettings(max_examples=50, deadline=None)
def test_the_petitioners_own_values_are_blanked(name: str) -> None:
    assert name not in mining.scrub(f"{name}先生您好，已處理完成", [name])


def test_approval_drafts_an_entry_awaiting_the_commission(
    history: None, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    mining.mine()
    candidate = FaqCandidate.objects.get(agency=agencies["epb"])
    with pytest.raises(PermissionDenied):
        mining.approve(candidate, people["road_officer"])
    with pytest.raises(ValidationError):
        mining.approve(candidate, people["epb_officer"], answer="  ")
    entry = mining.approve(
        candidate, people["epb_officer"], question="大型垃圾怎麼預約清運？", note="已確認"
    )
    assert entry.status == FaqStatus.DRAFT and entry.agency == agencies["epb"]
    assert entry.question == "大型垃圾怎麼預約清運？"
    [version] = FaqVersion.objects.filter(entry=entry)
    assert version.status == VersionStatus.SUBMITTED and version.number == 1
    assert version.submitted_by == people["epb_officer"] and version.note == "已確認"
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.APPROVED and candidate.entry == entry
    assert candidate.decided_by == people["epb_officer"]
    with pytest.raises(ValidationError):
        mining.approve(candidate, people["epb_officer"])
    assert FaqEntry.objects.count() == 1


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def test_pages_are_scoped_and_an_editor_approves_in_the_browser(
    history: None, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    mining.mine()
    epb = FaqCandidate.objects.get(agency=agencies["epb"])
    road = FaqCandidate.objects.get(agency=agencies["road"])
    editor = client_for(people["epb_officer"])
    page = editor.get(reverse("assistant:candidates")).content.decode()
    assert epb.question[:20] in page and road.question[:20] not in page
    assert editor.get(reverse("assistant:candidate", args=[road.pk])).status_code == 404
    commission = client_for(people["rdec_case"]).get(reverse("assistant:candidates"))
    assert epb.question[:20] in commission.content.decode()
    assert road.question[:20] in commission.content.decode()
    viewer = client_for(people["viewer"])
    assert viewer.get(reverse("assistant:candidate", args=[epb.pk])).status_code == 200
    assert (
        "approve" not in viewer.get(reverse("assistant:candidate", args=[epb.pk])).content.decode()
    )
    assert (
        viewer.post(reverse("assistant:candidate", args=[epb.pk]), {"action": "reject"}).status_code
        == 403
    )
    assert client_for(people["planner"]).get(reverse("assistant:candidates")).status_code == 200
    assert (
        epb.question[:20]
        not in client_for(people["planner"]).get(reverse("assistant:candidates")).content.decode()
    )

    review = editor.get(reverse("assistant:candidate", args=[epb.pk]))
    assert review.status_code == 200 and 'value="approve"' in review.content.decode()
    empty = editor.post(
        reverse("assistant:candidate", args=[epb.pk]),
        {"action": "approve", "question": "大型垃圾怎麼預約？", "answer": ""},
    )
    assert empty.status_code == 400
    done = editor.post(
        reverse("assistant:candidate", args=[epb.pk]),
        {"action": "approve", "question": "大型垃圾怎麼預約？", "answer": "請撥清潔隊專線預約。"},
    )
    assert done.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.answer == "請撥清潔隊專線預約。" and entry.status == FaqStatus.DRAFT
    approved = editor.get(reverse("assistant:candidates") + "?status=approved").content.decode()
    assert "大型垃圾" in approved


def test_api_lists_details_and_decides_within_scope(
    history: None, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    mining.mine()
    epb = FaqCandidate.objects.get(agency=agencies["epb"])
    road = FaqCandidate.objects.get(agency=agencies["road"])
    editor = client_for(people["epb_officer"])
    listed = editor.get("/api/v1/assistant/faq-candidates/").json()
    assert [c["id"] for c in listed["results"]] == [epb.pk]
    assert listed["results"][0]["agency_code"] == agencies["epb"].code
    assert editor.get(f"/api/v1/assistant/faq-candidates/{road.pk}/").status_code == 404
    assert editor.post(f"/api/v1/assistant/faq-candidates/{road.pk}/reject/").status_code == 404
    everyone = client_for(people["rdec_case"]).get("/api/v1/assistant/faq-candidates/").json()
    assert everyone["count"] == 2
    filtered = client_for(people["rdec_case"]).get(
        "/api/v1/assistant/faq-candidates/", {"agency": agencies["road"].code}
    )
    assert [c["id"] for c in filtered.json()["results"]] == [road.pk]
    viewer = client_for(people["viewer"])
    assert viewer.post(f"/api/v1/assistant/faq-candidates/{epb.pk}/reject/").status_code == 403

    approved = editor.post(
        f"/api/v1/assistant/faq-candidates/{epb.pk}/approve/",
        {"answer": "請撥清潔隊專線預約。"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and body["entry_id"] == FaqEntry.objects.get().pk
    again = editor.post(f"/api/v1/assistant/faq-candidates/{epb.pk}/reject/")
    assert again.status_code == 400
    rejected = client_for(people["road_officer"]).post(
        f"/api/v1/assistant/faq-candidates/{road.pk}/reject/"
    )
    assert rejected.json()["status"] == "rejected"
    assert (
        editor.get("/api/v1/assistant/faq-candidates/", {"status": "proposed"}).json()["count"] == 0
    )


def test_mining_runs_as_a_periodic_task_and_a_command(history: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    from yankao.assistant.tasks import mine_faq_candidates

    assert "yankao.assistant.tasks.mine_faq_candidates" in registered_periodic()
    assert "yankao.assistant.tasks.train_suggestion_model" in registered_periodic()
    assert mine_faq_candidates.call()["created"] == 2
    out = StringIO()
    call_command("mine_faqs", stdout=out)
    assert "新增 0 則" in out.getvalue()
