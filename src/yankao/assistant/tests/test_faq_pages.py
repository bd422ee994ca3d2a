"""FAQ knowledge base pages and API: scoped (another agency's entry is a 404), editors submit
versions, the commission approves or rejects, bad input is refused in zh-Hant; the admin
validates synonym lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from yankao.assistant.models import (
    CandidateStatus,
    FaqCandidate,
    FaqEntry,
    FaqStatus,
    FaqVersion,
    Synonym,
    Topic,
    VersionStatus,
)
from yankao.assistant.services import faq, mining


@pytest.fixture
def entries(people: dict[str, Any], agencies: dict[str, Any]) -> dict[str, FaqEntry]:
    pwb = faq.create_entry(
        agencies["pwb"],
        faq.FaqText(question="路燈不亮找誰修？", answer="請撥 1999 通報路燈故障。"),
        people["pwb_officer"],
    )
    faq.approve(pwb.versions.get(), people["rdec_case"])
    epb = faq.create_entry(
        agencies["epb"],
        faq.FaqText(question="大型垃圾怎麼預約清運？", answer="請撥清潔隊專線預約。"),
        people["epb_officer"],
    )
    pwb.refresh_from_db()
    return {"pwb": pwb, "epb": epb}


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


def api_for(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_authenticate(user)
    return client


def test_list_is_scoped_and_filters(entries: dict[str, FaqEntry], people: dict[str, Any]) -> None:
    url = reverse("assistant:faq")
    assert Client().get(url).status_code == 302  # login required
    pwb = client_for(people["pwb_officer"]).get(url).content.decode()
    assert "路燈不亮" in pwb and "大型垃圾" not in pwb
    commission = client_for(people["rdec_case"])
    both = commission.get(url).content.decode()
    assert "路燈不亮" in both and "大型垃圾" in both
    drafts = commission.get(url, {"status": "draft"}).content.decode()
    assert "大型垃圾" in drafts and "路燈不亮" not in drafts
    by_agency = commission.get(url, {"agency": entries["epb"].agency.code}).content.decode()
    assert "大型垃圾" in by_agency and "路燈不亮" not in by_agency
    found = commission.get(url, {"q": "清潔隊"}).content.decode()  # text of the answer
    assert "大型垃圾" in found and "路燈不亮" not in found
    topic = Topic.objects.create(name="道路")
    FaqEntry.objects.filter(pk=entries["pwb"].pk).update(topic=topic)
    by_topic = commission.get(url, {"topic": topic.pk}).content.decode()
    assert "路燈不亮" in by_topic and "大型垃圾" not in by_topic
    # The commission's pending tab lists the EPB's first version; the PWB sees none of it.
    pending = commission.get(url, {"tab": "pending"}).content.decode()
    assert "大型垃圾" in pending
    assert (
        "大型垃圾"
        not in client_for(people["pwb_officer"]).get(url, {"tab": "pending"}).content.decode()
    )
    nav = client_for(people["pwb_officer"]).get(reverse("home")).content.decode()
    assert reverse("assistant:faq") in nav


def test_detail_is_a_404_for_another_agency(
    entries: dict[str, FaqEntry], people: dict[str, Any]
) -> None:
    epb = entries["epb"]
    pwb = client_for(people["pwb_officer"])
    assert pwb.get(reverse("assistant:faq_entry", args=[epb.pk])).status_code == 404
    assert pwb.get(reverse("assistant:faq_edit", args=[epb.pk])).status_code == 404
    assert (
        pwb.post(reverse("assistant:faq_entry", args=[epb.pk]), {"action": "retire"}).status_code
        == 404
    )
    page = client_for(people["epb_officer"]).get(reverse("assistant:faq_entry", args=[epb.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "大型垃圾怎麼預約清運" in html and 'value="approve"' not in html
    assert reverse("assistant:faq_edit", args=[epb.pk]) in html
    # The viewer reads but edits nothing.
    viewer = client_for(people["viewer"])
    assert viewer.get(reverse("assistant:faq_entry", args=[epb.pk])).status_code == 200
    assert viewer.get(reverse("assistant:faq_edit", args=[epb.pk])).status_code == 403
    assert viewer.get(reverse("assistant:faq_new")).status_code == 403
    assert (
        viewer.post(
            reverse("assistant:faq_entry", args=[epb.pk]),
            {"action": "approve", "version": epb.versions.get().pk},
        ).status_code
        == 403
    )


def test_edit_approve_and_reject_in_pages(
    entries: dict[str, FaqEntry], people: dict[str, Any]
) -> None:
    entry = entries["pwb"]
    editor = client_for(people["pwb_officer"])
    form = editor.get(reverse("assistant:faq_edit", args=[entry.pk]))
    assert form.status_code == 200 and "請撥 1999 通報路燈故障" in form.content.decode()
    bad = editor.post(
        reverse("assistant:faq_edit", args=[entry.pk]),
        {
            "question": "路燈不亮找誰修？",
            "answer": "<script>x</script>",
            "valid_from": "115/03/10",
            "valid_to": "115/03/01",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "不可使用 HTML" in html and "不得早於" in html
    done = editor.post(
        reverse("assistant:faq_edit", args=[entry.pk]),
        {
            "question": "路燈不亮找誰修？",
            "alternatives": "街燈壞了\n路燈故障",
            "answer": "請上網通報：[路燈報修](https://pwbmo.kcg.gov.tw/)",
            "valid_from": "115/03/01",
            "note": "新增網址",
        },
    )
    assert done.status_code == 302
    version = entry.versions.get(status=VersionStatus.SUBMITTED)
    entry.refresh_from_db()
    assert entry.answer == "請撥 1999 通報路燈故障。"  # unchanged until approved
    commission = client_for(people["rdec_case"])
    detail = commission.get(reverse("assistant:faq_entry", args=[entry.pk])).content.decode()
    assert 'value="approve"' in detail and "新增網址" in detail
    assert '<a href="https://pwbmo.kcg.gov.tw/"' in detail  # the version's answer, rendered
    # The agency cannot approve its own edit.
    assert (
        editor.post(
            reverse("assistant:faq_entry", args=[entry.pk]),
            {"action": "approve", "version": version.pk},
        ).status_code
        == 403
    )
    commission.post(
        reverse("assistant:faq_entry", args=[entry.pk]),
        {"action": "approve", "version": version.pk},
    )
    entry.refresh_from_db()
    assert entry.version == 2 and "pwbmo.kcg.gov.tw" in entry.answer
    assert entry.alternatives == "街燈壞了\n路燈故障"
    # A rejection needs a reason, said on the page.
    second = faq.submit_version(
        entry, faq.FaqText(question="路燈？", answer="改寫"), people["pwb_officer"]
    )
    refused = commission.post(
        reverse("assistant:faq_entry", args=[entry.pk]),
        {"action": "reject", "version": second.pk, "reason": ""},
        follow=True,
    )
    assert "退回理由" in refused.content.decode()
    commission.post(
        reverse("assistant:faq_entry", args=[entry.pk]),
        {"action": "reject", "version": second.pk, "reason": "問題太短"},
    )
    second.refresh_from_db()
    assert second.status == VersionStatus.REJECTED and second.decision_note == "問題太短"
    # Retire and publish again.
    editor.post(reverse("assistant:faq_entry", args=[entry.pk]), {"action": "retire"})
    entry.refresh_from_db()
    assert entry.status == FaqStatus.RETIRED
    commission.post(reverse("assistant:faq_entry", args=[entry.pk]), {"action": "republish"})
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED


def test_new_entry_page(people: dict[str, Any], agencies: dict[str, Any]) -> None:
    editor = client_for(people["epb_officer"])
    page = editor.get(reverse("assistant:faq_new")).content.decode()
    assert f">{agencies['epb'].short_name}</option>" in page
    assert f">{agencies['pwb'].short_name}</option>" not in page
    # Another agency cannot be chosen.
    wrong = editor.post(
        reverse("assistant:faq_new"),
        {"agency": agencies["pwb"].pk, "question": "問", "answer": "答"},
    )
    assert wrong.status_code == 400 and not FaqEntry.objects.exists()
    made = editor.post(
        reverse("assistant:faq_new"),
        {"agency": agencies["epb"].pk, "question": "資源回收時間？", "answer": "每週一至五。"},
    )
    assert made.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.status == FaqStatus.DRAFT and entry.agency == agencies["epb"]
    preview = editor.post(reverse("assistant:faq_preview"), {"answer": "見 https://a.tw <b>"})
    assert '<a href="https://a.tw"' in preview.content.decode()
    assert "&lt;b&gt;" in preview.content.decode()


def test_a_mined_candidate_goes_through_the_same_approval(
    people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    candidate = FaqCandidate.objects.create(
        agency=agencies["epb"],
        signature="x" * 64,
        question="大型垃圾怎麼預約？",
        draft_answer="請撥清潔隊專線。",
        cluster_size=6,
    )
    entry = mining.approve(candidate, people["epb_officer"])
    assert candidate.status == CandidateStatus.APPROVED
    commission = client_for(people["rdec_case"])
    assert "大型垃圾怎麼預約" in (
        commission.get(reverse("assistant:faq"), {"tab": "pending"}).content.decode()
    )
    version = entry.versions.get()
    commission.post(
        reverse("assistant:faq_entry", args=[entry.pk]),
        {"action": "approve", "version": version.pk},
    )
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED and entry.version == 1
    assert list(faq.published_entries()) == [entry]


# --- API -------------------------------------------------------------------------------------


def test_api_is_scoped_and_filters(entries: dict[str, FaqEntry], people: dict[str, Any]) -> None:
    url = "/api/v1/assistant/faq-entries/"
    mine = api_for(people["pwb_officer"]).get(url).json()
    assert [e["question"] for e in mine["results"]] == ["路燈不亮找誰修？"]
    epb = entries["epb"]
    assert api_for(people["pwb_officer"]).get(f"{url}{epb.pk}/").status_code == 404
    assert api_for(people["pwb_officer"]).get(f"{url}{epb.pk}/versions/").status_code == 404
    commission = api_for(people["rdec_case"])
    assert commission.get(url).json()["count"] == 2
    assert commission.get(url, {"status": "draft"}).json()["count"] == 1
    assert commission.get(url, {"q": "路燈"}).json()["count"] == 1
    assert commission.get(url, {"published_on": "2026-03-02"}).json()["count"] == 1
    bad_date = commission.get(url, {"published_on": "昨天"})
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in str(bad_date.json())
    pending = commission.get("/api/v1/assistant/faq-versions/", {"status": "submitted"}).json()
    assert [v["entry_id"] for v in pending["results"]] == [epb.pk]
    assert (
        api_for(people["pwb_officer"])
        .get("/api/v1/assistant/faq-versions/", {"status": "submitted"})
        .json()["count"]
        == 0
    )
    detail = commission.get(f"{url}{entries['pwb'].pk}/").json()
    assert detail["version"] == 1 and detail["answer_html"] == "請撥 1999 通報路燈故障。"


def test_api_submit_approve_reject_retire(
    entries: dict[str, FaqEntry], people: dict[str, Any]
) -> None:
    entry = entries["pwb"]
    url = f"/api/v1/assistant/faq-entries/{entry.pk}/versions/"
    editor = api_for(people["pwb_officer"])
    bad = editor.post(
        url,
        {
            "question": "",
            "answer": "[x](javascript:alert(1))",
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
        },
        format="json",
    )
    assert bad.status_code == 400
    body = bad.json()
    assert "question" in body  # blank, refused by the serializer (zh-Hant)
    assert "不可為空白" in str(body["question"])
    refused = editor.post(
        url,
        {
            "question": "路燈？",
            "answer": "[x](javascript:alert(1))",
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "http" in str(refused.json()["answer"]) and "不得早於" in str(refused.json()["valid_to"])
    assert (
        api_for(people["epb_officer"]).post(url, {"question": "q", "answer": "a"}).status_code
        == 404
    )
    assert api_for(people["viewer"]).post(url, {"question": "q", "answer": "a"}).status_code == 403
    made = editor.post(
        url,
        {
            "question": "路燈不亮找誰修？",
            "answer": "請上網報修 https://pwbmo.kcg.gov.tw",
            "alternatives": ["街燈壞了", ""],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    version_id = made.json()["id"]
    assert made.json()["alternatives"] == "街燈壞了" and made.json()["stale"] is False
    approve = f"/api/v1/assistant/faq-versions/{version_id}/approve/"
    assert editor.post(approve).status_code == 403
    commission = api_for(people["rdec_case"])
    approved = commission.post(approve)
    assert approved.status_code == 200 and approved.json()["version"] == 2
    assert '<a href="https://pwbmo.kcg.gov.tw"' in approved.json()["answer_html"]
    again = commission.post(approve)
    assert again.status_code == 400 and "已" in str(again.json())
    versions = commission.get(url).json()
    assert [v["number"] for v in versions] == [2, 1]
    second = editor.post(url, {"question": "路燈？", "answer": "甲"}, format="json").json()
    reject = f"/api/v1/assistant/faq-versions/{second['id']}/reject/"
    assert commission.post(reject, {"reason": ""}, format="json").status_code == 400
    rejected = commission.post(reject, {"reason": "太短"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    retire = f"/api/v1/assistant/faq-entries/{entry.pk}/retire/"
    assert api_for(people["epb_officer"]).post(retire).status_code == 404
    assert editor.post(retire).json()["status"] == "retired"
    republish = f"/api/v1/assistant/faq-entries/{entry.pk}/republish/"
    assert editor.post(republish).status_code == 403
    assert commission.post(republish).json()["status"] == "published"


def test_api_create_entry(people: dict[str, Any], agencies: dict[str, Any]) -> None:
    url = "/api/v1/assistant/faq-entries/"
    editor = api_for(people["epb_officer"])
    other = editor.post(
        url, {"agency": agencies["pwb"].code, "question": "q", "answer": "a"}, format="json"
    )
    assert other.status_code == 403
    made = editor.post(
        url,
        {"agency": agencies["epb"].code, "question": "資源回收？", "answer": "每週一至五。"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["status"] == "draft"


# --- Admin -------------------------------------------------------------------------------------


def test_admin_validates_synonym_lists(people: dict[str, Any]) -> None:
    admin = client_for(people["admin"])
    people["admin"].is_superuser = True
    people["admin"].save()
    url = reverse("admin:assistant_synonym_add")
    refused = admin.post(url, {"terms": "路燈,", "active": "on"})
    assert refused.status_code == 200 and not Synonym.objects.exists()
    single = admin.post(url, {"terms": "路燈", "active": "on"})
    assert "至少" in single.content.decode() and not Synonym.objects.exists()
    admin.post(url, {"terms": "路燈，街燈、路燈", "active": "on"})
    assert Synonym.objects.get().terms == "路燈,街燈"
    assert admin.get(reverse("admin:assistant_topic_changelist")).status_code == 200


# --- Demo ----------------------------------------------------------------------------------------


def test_demo_step_leaves_edits_in_every_state(
    people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    import random

    from yankao.assistant import demo_faq
    from yankao.core.demo import DemoContext

    for agency, officer, n in (("pwb", "pwb_officer", 3), ("epb", "epb_officer", 1)):
        for i in range(n):
            entry = faq.create_entry(
                agencies[agency],
                faq.FaqText(question=f"問題{agency}{i}", answer=f"答覆{i}"),
                people[officer],
            )
            faq.approve(entry.versions.get(), people["rdec_case"])
    context = DemoContext(scale=1, rng=random.Random(1), progress=lambda it, **kw: it)
    demo_faq.populate(context)
    versions = FaqVersion.objects.filter(note__endswith=demo_faq.MARK)
    assert versions.count() == 5
    assert versions.filter(status=VersionStatus.SUBMITTED).count() == 3
    assert versions.filter(status=VersionStatus.APPROVED).count() == 1
    assert versions.filter(status=VersionStatus.REJECTED).exclude(decision_note="").count() == 1
    assert FaqEntry.objects.filter(status=FaqStatus.DRAFT).count() == 1
    demo_faq.populate(context)  # idempotent
    assert FaqVersion.objects.filter(note__endswith=demo_faq.MARK).count() == 5
