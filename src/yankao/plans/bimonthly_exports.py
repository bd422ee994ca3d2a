"""The bimonthly progress report's tables and its Word and Excel files."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table, text_workbook
from yankao.workdays.roc import format_roc

from . import charts, exports
from .bimonthly import Bimonthly


def headers() -> dict[str, list[str]]:
    return {
        "agency": [
            _("Agency"),
            _("Plans"),
            _("Behind now"),
            _("Behind at the end of the previous period"),
            _("Change in behind plans"),
        ],
        "newly": [
            _("Code"),
            _("Plan"),
            _("Agency"),
            _("Lag (points)"),
            _("Lag cause"),
            _("Remedy"),
        ],
        "recovered": [_("Code"), _("Plan"), _("Agency")],
        "follow_ups": [_("decision"), _("plan"), _("owner agency"), _("due date"), _("status")],
    }


def agency_rows(report: Bimonthly) -> list[list[str]]:
    return [
        [
            str(c.agency),
            f"{c.total:,}",
            f"{c.behind_now:,}",
            f"{c.behind_before:,}",
            f"{c.change:+d}" if c.change else "0",
        ]
        for c in report.agency_changes()
    ]


def newly_rows(report: Bimonthly) -> list[list[str]]:
    return [
        [
            b.plan.code,
            b.plan.name,
            str(b.plan.agency),
            f"{b.report.lag}",
            b.cause_label,
            b.report.remedy,
        ]
        for b in report.newly_behind
    ]


def recovered_rows(report: Bimonthly) -> list[list[str]]:
    return [[p.code, p.name, str(p.agency)] for p in report.recovered]


def follow_up_rows(report: Bimonthly) -> list[list[str]]:
    return [
        [
            f.decision,
            f.plan.code if f.plan else "—",
            str(f.agency),
            format_roc(f.due_date, "date"),
            f.get_status_display(),
        ]
        for f in report.follow_ups
    ]


def build_docx(report: Bimonthly) -> bytes:
    document = new_document(report.title())
    for sentence in report.sentences():
        document.add_paragraph(sentence)
    head = headers()
    document.add_heading(_("Behind plans by agency"), level=1)
    table(document, head["agency"], agency_rows(report))
    picture(document, charts.status_by_agency(report.current))
    picture(document, charts.trend(report.current))
    document.add_heading(_("Plans that fell behind in the period"), level=1)
    if report.newly_behind:
        table(document, head["newly"], newly_rows(report))
    else:
        document.add_paragraph(_("None."))
    document.add_heading(_("Plans that caught up in the period"), level=1)
    if report.recovered:
        table(document, head["recovered"], recovered_rows(report))
    else:
        document.add_paragraph(_("None."))
    document.add_heading(_("Behind plans, their causes and remedies"), level=1)
    if report.current.behind:
        table(document, exports.headers()["behind"], exports.behind_rows(report.current))
    else:
        document.add_paragraph(_("No plan is behind this month."))
    document.add_heading(_("Supervision meeting decisions still followed"), level=1)
    if report.follow_ups:
        table(document, head["follow_ups"], follow_up_rows(report))
    else:
        document.add_paragraph(_("None."))
    return save(document)


def build(report: Bimonthly, fmt: str) -> tuple[bytes, str]:
    if fmt == "docx":
        return build_docx(report), DOCX
    head = headers()
    sheets = [
        (_("Agencies"), head["agency"], agency_rows(report)),
        (_("Fell behind"), head["newly"], newly_rows(report)),
        (_("Caught up"), head["recovered"], recovered_rows(report)),
        (_("Behind plans"), exports.headers()["behind"], exports.behind_rows(report.current)),
        (_("Follow-up items"), head["follow_ups"], follow_up_rows(report)),
    ]
    return text_workbook(report.title(), report.sentences(), sheets), XLSX
