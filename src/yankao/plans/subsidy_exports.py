"""Tables, chart and documents of the subsidy-projects view, shared by the page and downloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from yankao.web.charts import Bar, Chart, horizontal_bars
from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table, text_workbook
from yankao.workdays.roc import format_roc

from . import rules
from .subsidies import SubsidyFigures, SubsidyView


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def title(view: SubsidyView) -> str:
    return _("%(month)s central-subsidy projects") % {"month": format_roc(view.month, "month")}


def headers() -> dict[str, list[str]]:
    return {
        "agency": [
            _("Agency"),
            _("Projects"),
            _("Due for award"),
            _("Awarded"),
            _("Award rate"),
            _("Planned spending to date"),
            _("Actual spending"),
            _("Budget achievement rate"),
        ],
        "overdue": [_("Code"), _("Plan"), _("Agency"), _("Planned award date")],
        "low": [
            _("Code"),
            _("Plan"),
            _("Agency"),
            _("Planned spending to date"),
            _("Actual spending"),
            _("Budget achievement rate"),
            _("Shortfall"),
        ],
    }


def _figures(f: SubsidyFigures) -> list[str]:
    return [
        f"{f.projects:,}",
        f"{f.award_due:,}",
        f"{f.awarded:,}",
        _rate(f.award_rate),
        f"{f.planned_spending:,.0f}",
        f"{f.actual_spending:,.0f}",
        _rate(f.achievement_rate),
    ]


def agency_rows(view: SubsidyView) -> list[list[str]]:
    rows = [[str(a.agency), *_figures(a.figures)] for a in view.agencies]
    return [*rows, [_("Total"), *_figures(view.overall)]]


def overdue_rows(view: SubsidyView) -> list[list[str]]:
    return [
        [
            p.plan.code,
            p.plan.name,
            str(p.plan.agency),
            format_roc(p.award_planned, "date") if p.award_planned else "—",
        ]
        for p in view.award_overdue
    ]


def low_rows(view: SubsidyView) -> list[list[str]]:
    return [
        [
            p.plan.code,
            p.plan.name,
            str(p.plan.agency),
            f"{p.report.planned_spending or 0:,.0f}",
            f"{p.report.actual_spending:,.0f}",
            _rate(p.report.execution_rate),
            f"{p.shortfall:,.0f}",
        ]
        for p in view.low_achievement
        if p.report is not None
    ]


def achievement_chart(view: SubsidyView) -> Chart:
    """Budget achievement rate per agency; agencies under the warning threshold in grey."""
    threshold = rules.spending_warning_percent()
    bars = [
        Bar(
            str(a.agency),
            float(a.figures.achievement_rate or 0),
            _rate(a.figures.achievement_rate),
            muted=rules.spending_warning(a.figures.achievement_rate, threshold),
        )
        for a in view.agencies
    ]
    top = max([100.0, *(b.value for b in bars)])
    return horizontal_bars(
        _("Budget achievement rate by agency"),
        _("Actual spending as a share of planned spending to date; grey: below %(t)s%%.")
        % {"t": threshold},
        bars,
        maximum=top,
        tick_format=lambda v: f"{v:.0f}%",
    )


def build_docx(view: SubsidyView) -> bytes:
    document = new_document(title(view))
    for sentence in view.sentences():
        document.add_paragraph(sentence)
    head = headers()
    document.add_heading(_("By agency"), level=1)
    table(document, head["agency"], agency_rows(view))
    if view.agencies:
        picture(document, achievement_chart(view))
    document.add_heading(_("Awards overdue"), level=1)
    if view.award_overdue:
        table(document, head["overdue"], overdue_rows(view))
    else:
        document.add_paragraph(_("Every project due for award has been awarded."))
    document.add_heading(_("Projects holding the achievement rate down"), level=1)
    if view.low_achievement:
        table(document, head["low"], low_rows(view))
    else:
        document.add_paragraph(_("No project is below the threshold."))
    return save(document)


def build_xlsx(view: SubsidyView) -> bytes:
    head = headers()
    sheets = [
        (_("Agencies"), head["agency"], agency_rows(view)),
        (_("Awards overdue"), head["overdue"], overdue_rows(view)),
        (_("Low achievement"), head["low"], low_rows(view)),
    ]
    return text_workbook(title(view), view.sentences(), sheets)


def build(view: SubsidyView, fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return build_xlsx(view), XLSX
    return build_docx(view), DOCX
