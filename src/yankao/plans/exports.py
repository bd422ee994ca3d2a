"""The monthly analysis report as Word (for the mayor) and Excel (for the commission's staff)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table, text_workbook
from yankao.workdays.roc import format_roc

from . import charts
from .analysis import STATUS_ORDER, Analysis, status_label

FORMATS = {"xlsx": XLSX, "docx": DOCX}


def title(analysis: Analysis) -> str:
    return _("%(month)s analysis of controlled plans") % {
        "month": format_roc(analysis.month, "month")
    }


def _rate(value: Any) -> str:
    return "—" if value is None else f"{value}%"


def status_rows(analysis: Analysis) -> list[list[str]]:
    return [
        [label, f"{count:,}", f"{share}%"] for _s, label, count, share in analysis.overall.rows()
    ]


def agency_rows(analysis: Analysis) -> list[list[str]]:
    rows = []
    for line in analysis.agencies:
        f = line.figures
        rows.append(
            [str(line.agency), f"{f.total:,}"]
            + [f"{f.counts[s]:,}（{f.share(s)}%）" for s in STATUS_ORDER]
            + [_rate(f.execution_rate)]
        )
    return rows


def behind_rows(analysis: Analysis) -> list[list[str]]:
    return [
        [
            b.plan.code,
            b.plan.name,
            str(b.plan.agency),
            f"{b.report.planned_progress}%",
            f"{b.report.actual_progress}%",
            f"{b.report.lag}",
            b.cause_label,
            b.report.remedy,
            format_roc(b.report.remedy_due, "date") if b.report.remedy_due else "—",
        ]
        for b in analysis.behind
    ]


def headers() -> dict[str, list[str]]:
    return {
        "status": [_("Status"), _("Plans"), _("Share")],
        "agency": [_("Agency"), _("Plans")]
        + [status_label(s) for s in STATUS_ORDER]
        + [_("Budget execution rate")],
        "behind": [
            _("Code"),
            _("Plan"),
            _("Agency"),
            _("Planned"),
            _("Actual"),
            _("Lag (points)"),
            _("Lag cause"),
            _("Remedy"),
            _("Remedy target date"),
        ],
    }


def build_docx(analysis: Analysis) -> bytes:
    document = new_document(title(analysis))
    for sentence in analysis.sentences():
        document.add_paragraph(sentence)
    head = headers()
    document.add_heading(_("Plans by status"), level=1)
    table(document, head["status"], status_rows(analysis))
    document.add_heading(_("By agency"), level=1)
    table(document, head["agency"], agency_rows(analysis))
    picture(document, charts.status_by_agency(analysis))
    picture(document, charts.trend(analysis))
    document.add_heading(_("Behind plans, their causes and remedies"), level=1)
    if analysis.behind:
        table(document, head["behind"], behind_rows(analysis))
    else:
        document.add_paragraph(_("No plan is behind this month."))
    return save(document)


def build_xlsx(analysis: Analysis) -> bytes:
    head = headers()
    sheets = [
        (_("Status"), head["status"], status_rows(analysis)),
        (_("Agencies"), head["agency"], agency_rows(analysis)),
        (_("Behind plans"), head["behind"], behind_rows(analysis)),
    ]
    return text_workbook(title(analysis), analysis.sentences(), sheets)


def build(analysis: Analysis, fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return build_xlsx(analysis), XLSX
    if fmt == "docx":
        return build_docx(analysis), DOCX
    raise ValueError(f"unknown format {fmt!r}")
