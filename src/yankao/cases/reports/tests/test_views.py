"""The report pages and downloads: login, scoping (rows, 404s, exports) and the files' content."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from yankao.audit.models import AuditAction, AuditEntry
from yankao.cases.models import Channel
from yankao.cases.reports.sentences import month_sentence
from yankao.cases.reports.stats import monthly_report

from .conftest import at

pytestmark = pytest.mark.django_db
MARCH = {"year": "2024", "month": "3"}


@pytest.fixture
def march(agencies, make_case, consultation) -> None:
    """Road: 12 closed in 4 working days (one late) + 1 open, not yet due; EPB: 3 closed on
    time; two consultations, one on the 1999 line."""
    for n in range(12):
        make_case(
            agencies["road"],
            received_at=at(2024, 3, 4),
            deadline_at=at(2024, 3, 7 if n == 0 else 12),
            closed_at=at(2024, 3, 8),
        )
    make_case(agencies["road"], received_at=at(2024, 3, 28))
    for _ in range(3):
        make_case(agencies["epb"], received_at=at(2024, 3, 5), closed_at=at(2024, 3, 6))
    consultation(at(2024, 3, 1), Channel.COUNTER)
    consultation(at(2024, 3, 2), Channel.HOTLINE)


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def agency_codes(response: Any) -> list[str]:
    return [row.agency.code for row in response.context["report"].agencies]


def test_login_required(march):
    response = Client().get(reverse("case_reports:monthly"), MARCH)
    assert response.status_code == 302 and "login" in response["Location"]
    download = Client().get(reverse("case_reports:download", args=["xlsx"]), MARCH)
    assert download.status_code == 302


@pytest.mark.parametrize("who", ["rdec_case", "operator", "viewer", "admin"])
def test_commission_and_viewers_see_every_agency(march, people, agencies, who):
    response = client_for(people[who]).get(reverse("case_reports:monthly"), MARCH)
    assert response.status_code == 200
    assert sorted(agency_codes(response)) == sorted([agencies["road"].code, agencies["epb"].code])
    report = response.context["report"]
    assert report.everything and report.totals_month.received == 18
    html = response.content.decode()
    assert html.count('class="bar"') >= 2 + 2  # two agencies, plus month and channel bars
    assert month_sentence(report) in html
    # Road (12 closed, 11 on time) is ranked; EPB has fewer than 10 closed cases.
    ranks = {r.agency.code: r.rank for r in report.agencies}
    assert ranks == {agencies["road"].code: 1, agencies["epb"].code: None}


def test_agency_user_sees_only_its_own_row(march, people, agencies):
    response = client_for(people["epb_officer"]).get(reverse("case_reports:monthly"), MARCH)
    assert response.status_code == 200
    assert agency_codes(response) == [agencies["epb"].code]
    report = response.context["report"]
    assert not report.everything
    assert (report.totals_month.received, report.totals_month.closed) == (3, 3)
    assert report.call_centre_month is None
    html = response.content.decode()
    assert agencies["road"].code not in html
    assert str(agencies["road"]) not in html
    assert "Call centre (1999)" not in html


def test_staff_without_a_case_role_see_only_their_own_agency(march, people, agencies):
    response = client_for(people["planner"]).get(reverse("case_reports:monthly"), MARCH)
    assert response.status_code == 200
    assert agency_codes(response) == [agencies["rdec"].code]
    assert response.context["report"].totals_month.received == 0


def test_supervisor_sees_its_agency_and_second_level_units(march, people, agencies):
    response = client_for(people["pwb_chief"]).get(reverse("case_reports:monthly"), MARCH)
    assert set(agency_codes(response)) == {agencies["pwb"].code, agencies["road"].code}
    assert response.context["report"].totals_month.received == 13


def test_agency_page_is_scoped(march, people, agencies):
    url = reverse("case_reports:agency", args=[agencies["road"].code])
    own = client_for(people["road_officer"]).get(url, MARCH)
    assert own.status_code == 200
    row = own.context["row"]
    assert (row.month.received, row.month.closed, row.month.closed_on_time) == (13, 12, 11)
    assert client_for(people["epb_officer"]).get(url, MARCH).status_code == 404
    assert client_for(people["rdec_case"]).get(url, MARCH).status_code == 200
    missing = reverse("case_reports:agency", args=["397999999Z"])
    assert client_for(people["rdec_case"]).get(missing, MARCH).status_code == 404


def test_month_picker_falls_back_on_bad_input(march, people):
    client = client_for(people["rdec_case"])
    response = client.get(reverse("case_reports:monthly"), {"year": "1800", "month": "3"})
    assert response.status_code == 200
    assert response.context["form"].errors
    period = response.context["period"]
    assert period.month == 3 and period.year != 1800
    default = client.get(reverse("case_reports:monthly"))
    assert default.status_code == 200


def test_xlsx_download(march, people, agencies):
    response = client_for(people["rdec_case"]).get(
        reverse("case_reports:download", args=["xlsx"]), MARCH
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="case-report-113-03.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Totals",
        "Agencies",
        "Channels",
        "Case types",
        "Categories",
        "Months",
    ]
    assert "民國113年3月" in workbook["Totals"]["A1"].value
    totals = {row[0]: row[1:3] for row in workbook["Totals"].iter_rows(min_row=4, values_only=True)}
    assert totals["Received"] == (18, 18)
    assert totals["On-time rate"] == (14 / 15, 14 / 15)
    assert totals["Calls handled (1999 cases)"] == (1, 1)
    agencies_sheet = list(workbook["Agencies"].iter_rows(min_row=4, values_only=True))
    by_code = {row[1]: row for row in agencies_sheet if row and row[1]}
    assert by_code[agencies["road"].code][:5] == (1, agencies["road"].code, "養護工程處", 13, 12)
    assert by_code[agencies["epb"].code][0] is None  # not ranked
    channels = {
        row[0]: row[1] for row in workbook["Channels"].iter_rows(min_row=4, values_only=True)
    }
    assert channels == {"1999 phone": 1, "Counter": 1, "Mayor's mailbox": 16}

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.target_type == "case_monthly_report"
    assert entry.actor == people["rdec_case"]
    assert entry.changes["filters"]["format"] == "xlsx"
    assert entry.changes["filters"]["scope"] == "city"


def test_exports_are_scoped_too(march, people, agencies):
    client = client_for(people["epb_officer"])
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("case_reports:download", args=["xlsx"]), MARCH).content)
    )
    codes = [
        row[1] for row in workbook["Agencies"].iter_rows(min_row=4, values_only=True) if row[1]
    ]
    assert codes == [agencies["epb"].code]
    document = Document(
        io.BytesIO(client.get(reverse("case_reports:download", args=["docx"]), MARCH).content)
    )
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert str(agencies["epb"]) in text and str(agencies["road"]) not in text
    scopes = [e.changes["filters"]["scope"] for e in AuditEntry.objects.filter(action="export")]
    assert scopes == [[agencies["epb"].code], [agencies["epb"].code]]


def test_docx_download(march, people, agencies):
    response = client_for(people["rdec_case"]).get(
        reverse("case_reports:download", args=["docx"]), MARCH
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "民國113年3月" in paragraphs[0]
    assert month_sentence(monthly_report(2024, 3)) + "。" in paragraphs
    agency_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Rank")
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in agency_table.rows[1:]}
    assert rows[str(agencies["road"])] == ["1", "養護工程處", "13", "12", "91.7%", "4.0", "1", "—"]
    assert rows[str(agencies["epb"])][0] == "—"
    assert len(document.inline_shapes) == 3  # on-time, months, channels
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_unknown_format_is_404(people):
    response = client_for(people["rdec_case"]).get(reverse("case_reports:download", args=["pdf"]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
