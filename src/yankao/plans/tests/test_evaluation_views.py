"""Year-end evaluation pages: scoping on every page and download, the score form with its
inline preview, refusals in Chinese, publication, results and their DOCX/XLSX."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from yankao.audit.models import AuditEntry
from yankao.plans import evaluations
from yankao.plans.models import Evaluation, EvaluationRound, EvaluationStatus
from yankao.plans.tests.evaluation_helpers import (
    evaluation_of,
    item_scores,
    open_round,
    score_through,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(user)
    return client


@pytest.fixture
def year_round(plan: Any, people: dict[str, Any], agencies: dict[str, Any]) -> EvaluationRound:
    return open_round(people, agencies)


@pytest.fixture
def published(year_round: EvaluationRound, plan: Any, people: dict[str, Any]) -> EvaluationRound:
    """PWB's plan 甲等 (85), EPB's plan 丙等 (60, sent for penalty)."""
    score_through(
        evaluation_of(year_round, plan.code), people["pwb_officer"], people["planner"], 85
    )
    score_through(
        evaluation_of(year_round, "115-EPB-001"), people["epb_officer"], people["planner"], 60
    )
    return evaluations.publish(year_round, people["planner"])


def score_url(year_round: EvaluationRound, code: str) -> str:
    return reverse("plans:evaluation", args=[year_round.year, code])


def form_data(stage: str, revision: int, value: Any = 80, **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "revision": revision, **item_scores(value), **extra}


def test_controller_opens_a_round_in_the_browser_and_bad_years_are_refused(plan, people):
    planner = client_for(people["planner"])
    page = planner.get(reverse("plans:evaluations"))
    assert page.status_code == 200 and "開辦年度考評" in page.content.decode()
    refused = planner.post(reverse("plans:evaluations"), {"year": "2020"})
    assert refused.status_code == 400 and "沒有列管計畫" in refused.content.decode()
    opened = planner.post(reverse("plans:evaluations"), {"year": "2026"})
    assert opened.status_code == 302 and opened["Location"].endswith("/evaluations/2026/")
    round_page = planner.get(opened["Location"]).content.decode()
    assert "民國115年度年終考評" in round_page and plan.code in round_page
    assert "計畫執行進度" in round_page
    assert (
        client_for(people["pwb_officer"])
        .post(reverse("plans:evaluations"), {"year": "2026"})
        .status_code
        == 403
    )


def test_every_page_and_download_is_scoped_to_the_agency(published, plan, people):
    pwb = client_for(people["pwb_officer"])
    round_page = pwb.get(reverse("plans:evaluation_round", args=[2026])).content.decode()
    assert plan.code in round_page and "115-EPB-001" not in round_page
    assert pwb.get(score_url(published, plan.code)).status_code == 200
    assert pwb.get(score_url(published, "115-EPB-001")).status_code == 404
    assert pwb.post(score_url(published, "115-EPB-001"), {}).status_code == 404
    results = pwb.get(reverse("plans:evaluation_results", args=[2026])).content.decode()
    assert "甲等：1案，佔100.00%" in results and "115-EPB-001" not in results
    assert "丙等：" not in results  # EPB's 丙等 is not PWB's to see
    xlsx = pwb.get(reverse("plans:evaluation_download", args=[2026, "xlsx"]))
    cells = [
        str(c.value)
        for sheet in load_workbook(io.BytesIO(xlsx.content))
        for row in sheet.iter_rows()
        for c in row
    ]
    assert plan.code in cells and "115-EPB-001" not in cells
    docx = pwb.get(reverse("plans:evaluation_download", args=[2026, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "環保局" not in text and "空品改善計畫" not in text
    planner_results = client_for(people["planner"]).get(
        reverse("plans:evaluation_results", args=[2026])
    )
    assert "115-EPB-001" in planner_results.content.decode()
    outsider = client_for(people["operator"])  # a 1999 operator: the commission's own plans only
    for name in ("plans:evaluation_round", "plans:evaluation_results"):
        page = outsider.get(reverse(name, args=[2026])).content.decode()
        assert plan.code not in page and "115-EPB-001" not in page


def test_agency_sees_results_only_after_publication(year_round, people):
    pwb = client_for(people["pwb_officer"])
    page = pwb.get(reverse("plans:evaluation_results", args=[2026])).content.decode()
    assert "公布後" in page and "report-sentence" not in page
    assert pwb.get(reverse("plans:evaluation_download", args=[2026, "docx"])).status_code == 404
    planner = client_for(people["planner"])
    provisional = planner.get(reverse("plans:evaluation_results", args=[2026])).content.decode()
    assert "暫定" in provisional


def test_agency_self_assesses_with_inline_preview_and_chinese_refusals(year_round, plan, people):
    pwb = client_for(people["pwb_officer"])
    url = score_url(year_round, plan.code)
    page = pwb.get(url)
    assert page.status_code == 200 and "機關自評" in page.content.decode()
    preview = pwb.post(
        url,
        form_data("self_assessment", 1, 90, progress="100", check="1"),
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200
    assert "93.00" in preview.content.decode() and "優等" in preview.content.decode()
    bad = pwb.post(url, form_data("self_assessment", 1, 80, quality="120"))
    assert bad.status_code == 400 and "0至100" in bad.content.decode()
    assert Evaluation.objects.get(pk=evaluation_of(year_round, plan.code).pk).revision == 1
    done = pwb.post(url, form_data("self_assessment", 1, 80, comment="如期完成"))
    assert done.status_code == 302
    evaluation = evaluation_of(year_round, plan.code)
    assert evaluation.status == EvaluationStatus.PRELIMINARY and evaluation.self_score == 80
    stale = pwb.post(url, form_data("self_assessment", 1, 70))
    assert stale.status_code == 409 and "重新載入" in stale.content.decode()
    not_theirs = pwb.post(url, form_data("committee", 2, 70))
    assert not_theirs.status_code == 403
    assert evaluation_of(year_round, plan.code).steps.count() == 1


def test_controller_scores_then_publishes_and_scores_freeze(year_round, plan, people):
    planner = client_for(people["planner"])
    refused = planner.post(reverse("plans:evaluation_publish", args=[2026]), follow=True)
    assert "尚有2案" in refused.content.decode()
    for code, agency_user in ((plan.code, "pwb_officer"), ("115-EPB-001", "epb_officer")):
        evaluations.score(
            evaluation_of(year_round, code),
            people[agency_user],
            "self_assessment",
            item_scores(90),
        )
        url = score_url(year_round, code)
        revision = evaluation_of(year_round, code).revision
        assert planner.post(url, form_data("preliminary", revision, 88)).status_code == 302
        assert planner.post(url, form_data("committee", revision + 1, 91)).status_code == 302
    page = planner.get(reverse("plans:evaluation_round", args=[2026])).content.decode()
    assert "公布考評結果" in page
    done = planner.post(reverse("plans:evaluation_publish", args=[2026]))
    assert done.status_code == 302 and done["Location"].endswith("/results/")
    results = planner.get(done["Location"]).content.decode()
    assert "優等：2案，佔100.00%" in results and "送請敘獎2案、懲處0案" in results
    late = planner.post(score_url(year_round, plan.code), form_data("committee", 4, 50))
    assert late.status_code == 400 and "凍結" in late.content.decode()
    assert evaluation_of(year_round, plan.code).final_score == 91


def test_rubric_page_checks_the_weights(year_round, people):
    planner = client_for(people["planner"])
    url = reverse("plans:evaluation_rubric", args=[2026])
    assert planner.get(url).status_code == 200
    data = {
        "item-TOTAL_FORMS": "3",
        "item-INITIAL_FORMS": "0",
        "item-0-code": "progress",
        "item-0-name": "執行進度",
        "item-0-weight": "60",
        "item-1-code": "quality",
        "item-1-name": "執行品質",
        "item-1-weight": "30",
        "revision": "1",
        "band_excellent": "90",
        "band_a": "80",
        "band_b": "70",
    }
    bad = planner.post(url, data)
    assert bad.status_code == 400 and "配分合計為90" in bad.content.decode()
    good = planner.post(url, {**data, "item-1-weight": "40"})
    assert good.status_code == 302
    assert evaluations.weights(EvaluationRound.objects.get()) == {"progress": 60, "quality": 40}
    assert client_for(people["pwb_officer"]).get(url).status_code == 403


def test_downloads_hold_the_sentence_chart_and_lists(published, people):
    planner = client_for(people["planner"])
    docx = planner.get(reverse("plans:evaluation_download", args=[2026, "docx"]))
    assert docx.status_code == 200
    assert docx["Content-Disposition"].endswith('plan-evaluation-115.docx"')
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "民國115年度列管計畫年終考評共評定2案" in text
    assert "甲等：1案，佔50.00%；丙等：1案，佔50.00%。" in text
    assert len(document.inline_shapes) == 2  # distribution and per-agency charts
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "懲處" in tables and "115-EPB-001" in tables
    xlsx = planner.get(reverse("plans:evaluation_download", args=[2026, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    first = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row]
    assert any("甲等：1案，佔50.00%" in v for v in first)
    sanctions = [str(c.value) for row in book.worksheets[-1].iter_rows() for c in row]
    assert "懲處" in sanctions and "115-EPB-001" in sanctions
    assert AuditEntry.objects.filter(action="export").count() == 2
    assert planner.get(reverse("plans:evaluation_download", args=[2026, "pdf"])).status_code == 404


def test_navigation_shows_the_evaluation_to_those_who_use_it(year_round, people):
    assert "年終考評" in client_for(people["pwb_officer"]).get("/").content.decode()
    assert "年終考評" not in client_for(people["operator"]).get("/").content.decode()


def test_home_pages_list_the_evaluations_waiting_for_each_side(year_round, plan, people):
    pwb_home = client_for(people["pwb_officer"]).get(reverse("home")).content.decode()
    assert "待您辦理的年終考評" in pwb_home and plan.code in pwb_home
    road_home = client_for(people["road_officer"]).get(reverse("home")).content.decode()
    assert "待您辦理的年終考評" not in road_home  # no plan of its own in the round
    epb_home = client_for(people["epb_officer"]).get(reverse("home")).content.decode()
    assert plan.code not in epb_home
    planner_home = client_for(people["planner"]).get(reverse("home")).content.decode()
    assert "待您辦理的年終考評" not in planner_home  # nothing is self-assessed yet
