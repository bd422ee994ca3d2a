"""The monthly report as an Excel workbook and as a Word report for the mayor.

Both are built from a `MonthlyReport` already computed for the user's scope, so a download shows
exactly what the page shows. One list of measures (`MEASURES`) drives the page's totals table,
the workbook and the Word tables, so the three never disagree on what a row means. Titles carry
the ROC month (民國113年3月) in every language, as the commission's reports do.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table
from yankao.workdays.roc import format_for_language, format_roc

from . import charts, sentences
from .stats import BreakdownRow, Figures, MonthlyReport

FORMATS = {"xlsx": XLSX, "docx": DOCX}
BARS_PER_PICTURE = 30  # a taller picture would not fit one Word page


@dataclass(frozen=True)
class Measure:
    label: str
    value: Callable[[Figures], Any]
    kind: str  # count | rate | days


def measures() -> list[Measure]:
    """The rows of the totals table, in the order the commission reads them."""
    return [
        Measure(_("Received"), lambda f: f.received, "count"),
        Measure(_("Closed"), lambda f: f.closed, "count"),
        Measure(_("Closed with a deadline"), lambda f: f.closed_with_deadline, "count"),
        Measure(_("Closed on time"), lambda f: f.closed_on_time, "count"),
        Measure(_("On-time rate"), lambda f: f.on_time_rate, "rate"),
        Measure(_("Average handling (working days)"), lambda f: f.average_working_days, "days"),
        Measure(_("Overdue"), lambda f: f.overdue, "count"),
        Measure(_("Open past the deadline at month end"), lambda f: f.open_overdue, "count"),
        Measure(_("Closed late"), lambda f: f.closed_late, "count"),
        Measure(_("Extensions requested"), lambda f: f.extensions_requested, "count"),
        Measure(_("Extensions approved"), lambda f: f.extensions_approved, "count"),
        Measure(_("Returns"), lambda f: f.returns, "count"),
        Measure(_("Satisfaction answers"), lambda f: f.survey_answered, "count"),
        Measure(_("Satisfied"), lambda f: f.survey_satisfied, "count"),
        Measure(_("Satisfaction rate"), lambda f: f.satisfaction_rate, "rate"),
    ]


def display(value: Any, kind: str) -> str:
    """How the page and the Word report write a value (the workbook keeps numbers)."""
    if value is None:
        return "—"
    if kind == "rate":
        return charts.percent(value)
    if kind == "days":
        return f"{value:.1f}"
    return f"{value:,}"


def totals_rows(report: MonthlyReport) -> list[tuple[str, str, str]]:
    """(measure, month, year to date) as text, for the page and Word."""
    return [
        (
            m.label,
            display(m.value(report.totals_month), m.kind),
            display(m.value(report.totals_ytd), m.kind),
        )
        for m in measures()
    ]


def call_centre_rows(report: MonthlyReport) -> list[tuple[str, Any, Any, str]]:
    """(label, month, year to date, kind); empty outside the whole-city report."""
    month, ytd = report.call_centre_month, report.call_centre_ytd
    if month is None or ytd is None:
        return []
    return [
        (_("Calls handled (1999 cases)"), month.calls, ytd.calls, "count"),
        (_("Consultations"), month.consultations, ytd.consultations, "count"),
        (_("Share of consultations"), month.consultation_share, ytd.consultation_share, "rate"),
        (_("Answered on the line"), month.answered_on_line, ytd.answered_on_line, "count"),
        (
            _("Immediate answer rate"),
            month.immediate_answer_rate,
            ytd.immediate_answer_rate,
            "rate",
        ),
    ]


def report_title(report: MonthlyReport) -> str:
    return _("%(month)s citizen case performance") % {
        "month": format_roc(report.period.first_day, "month")
    }


def _sentences(report: MonthlyReport) -> list[str]:
    return [
        sentences.month_sentence(report) + "。",
        sentences.year_to_date_sentence(report) + "。",
    ]


# --- XLSX ----------------------------------------------------------------------------------

_NUMBER_FORMATS = {"count": "#,##0", "rate": "0.0%", "days": "0.0"}


def _sheet_name(name: str) -> str:
    return "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"


def build_xlsx(report: MonthlyReport) -> bytes:
    """Sheets: totals (with the call centre), agencies, channels, case types, categories, months."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    title = report_title(report)
    workbook.properties.title = title
    bold = Font(bold=True)

    def new_sheet(name: str, header: Sequence[str], first: bool = False) -> Any:
        sheet = workbook.active if first else workbook.create_sheet()
        sheet.title = _sheet_name(name)
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        sheet.append(list(header))
        for cell in sheet[3]:
            cell.font = bold
        sheet.freeze_panes = "A4"
        sheet.column_dimensions["A"].width = 34
        return sheet

    def put(sheet: Any, values: Sequence[Any], kinds: Sequence[str]) -> None:
        sheet.append(list(values))
        for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
            if kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[kind]

    totals = new_sheet(_("Totals"), [_("Measure"), _("Month"), _("Year to date")], first=True)
    for m in measures():
        put(
            totals,
            [m.label, m.value(report.totals_month), m.value(report.totals_ytd)],
            ["", m.kind, m.kind],
        )
    if report.call_centre_month is not None:
        totals.append([])
        totals.append([_("Call centre (1999)")])
        totals[totals.max_row][0].font = bold
        for label, month, ytd, kind in call_centre_rows(report):
            put(totals, [label, month, ytd], ["", kind, kind])
    totals.append([])
    for sentence in _sentences(report):
        totals.append([sentence])
    totals.column_dimensions["B"].width = 14
    totals.column_dimensions["C"].width = 14

    ms = measures()
    header = [_("Rank"), _("Agency code"), _("Agency")]
    header += [f"{m.label} ({_('month')})" for m in ms]
    header += [f"{m.label} ({_('year to date')})" for m in ms]
    agencies = new_sheet(_("Agencies"), header)
    agencies.column_dimensions["C"].width = 30
    kinds = ["count", "", ""] + [m.kind for m in ms] * 2
    for row in report.ranking:
        put(
            agencies,
            [row.rank, row.agency.code, str(row.agency)]
            + [m.value(row.month) for m in ms]
            + [m.value(row.ytd) for m in ms],
            kinds,
        )
    agencies.append([])
    agencies.append(
        [_("Agencies with fewer than %(n)s closed cases are not ranked.") % {"n": report.min_cases}]
    )

    def breakdown(name: str, first_column: str, rows: list[BreakdownRow]) -> None:
        sheet = new_sheet(
            name,
            [
                first_column,
                _("Received"),
                _("Share"),
                _("Closed"),
                _("On-time rate"),
                f"{_('Received')} ({_('year to date')})",
                f"{_('Closed')} ({_('year to date')})",
                f"{_('On-time rate')} ({_('year to date')})",
            ],
        )
        for r in rows:
            put(
                sheet,
                [
                    r.label,
                    r.month.received,
                    r.share,
                    r.month.closed,
                    r.month.on_time_rate,
                    r.ytd.received,
                    r.ytd.closed,
                    r.ytd.on_time_rate,
                ],
                ["", "count", "rate", "count", "rate", "count", "count", "rate"],
            )

    breakdown(_("Channels"), _("Channel"), report.by_channel)
    breakdown(_("Case types"), _("Case type"), report.by_case_type)
    breakdown(_("Categories"), _("Category group"), report.by_category)

    months = new_sheet(_("Months"), [_("Month"), _("Received"), _("Closed")])
    for point in report.series:
        put(
            months,
            [format_for_language(point.month, "month"), point.received, point.closed],
            ["", "count", "count"],
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- DOCX ----------------------------------------------------------------------------------


def build_docx(report: MonthlyReport) -> bytes:
    """The Word report for the mayor: sentences, totals, agencies, then the charts."""
    document = new_document(report_title(report))
    for sentence in _sentences(report):
        document.add_paragraph(sentence)

    document.add_heading(_("Totals"), level=1)
    table(document, [_("Measure"), _("Month"), _("Year to date")], totals_rows(report))
    cc = call_centre_rows(report)
    if cc:
        document.add_heading(_("Call centre (1999)"), level=1)
        table(
            document,
            [_("Measure"), _("Month"), _("Year to date")],
            [(label, display(m, kind), display(y, kind)) for label, m, y, kind in cc],
        )

    document.add_heading(_("Agencies"), level=1)
    document.add_paragraph(
        _(
            "Ranked by the month's on-time rate, then by shorter handling; agencies with fewer "
            "than %(n)s closed cases with a deadline are listed but not ranked."
        )
        % {"n": report.min_cases}
    )
    table(
        document,
        [
            _("Rank"),
            _("Agency"),
            _("Received"),
            _("Closed"),
            _("On-time rate"),
            _("Average handling (working days)"),
            _("Overdue"),
            _("Satisfaction rate"),
        ],
        [
            (
                "—" if row.rank is None else str(row.rank),
                str(row.agency),
                display(row.month.received, "count"),
                display(row.month.closed, "count"),
                display(row.month.on_time_rate, "rate"),
                display(row.month.average_working_days, "days"),
                display(row.month.overdue, "count"),
                display(row.month.satisfaction_rate, "rate"),
            )
            for row in report.ranking
        ],
    )

    document.add_heading(_("Charts"), level=1)
    bars = charts.on_time_bars(report.agencies)
    for start in range(0, max(len(bars), 1), BARS_PER_PICTURE):
        picture(document, charts.on_time_chart(report, bars[start : start + BARS_PER_PICTURE]))
    picture(document, charts.monthly_chart(report))
    picture(document, charts.channel_chart(report))

    document.add_heading(_("Channels"), level=1)
    table(
        document,
        [_("Channel"), _("Received"), _("Share"), _("On-time rate")],
        [
            (
                r.label,
                display(r.month.received, "count"),
                display(r.share, "rate"),
                display(r.month.on_time_rate, "rate"),
            )
            for r in report.by_channel
        ],
    )
    document.add_heading(_("Categories"), level=1)
    table(
        document,
        [_("Category group"), _("Received"), _("Closed"), _("On-time rate")],
        [
            (
                r.label,
                display(r.month.received, "count"),
                display(r.month.closed, "count"),
                display(r.month.on_time_rate, "rate"),
            )
            for r in report.by_category
        ],
    )
    return save(document)


def build(report: MonthlyReport, fmt: str) -> tuple[bytes, str]:
    """(content, content type) of the download in `fmt` (xlsx or docx)."""
    if fmt == "xlsx":
        return build_xlsx(report), XLSX
    if fmt == "docx":
        return build_docx(report), DOCX
    raise ValueError(f"unknown format {fmt!r}")
