"""The quarterly report and annual statistics as charts, tables, Word and Excel.

The XLSX carries the per-project results table the national works council asks for; the DOCX
the summary with ROC dates and charts people can read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yankao.web.charts import (
    MUTED_BAR,
    PRIMARY,
    Bar,
    Chart,
    Series,
    grouped_columns,
    horizontal_bars,
)
from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table, text_workbook
from yankao.workdays.roc import format_roc

from . import rules
from .models import Grade, Party
from .statistics import TIER_ORDER, Statistics, tier_label


def grade_chart(stats: Statistics) -> Chart:
    return horizontal_bars(
        _("Inspections by grade"),
        _("How many inspections ended in each grade; the share is written after each bar."),
        [
            Bar(label, float(n), f"{n}（{share}%）", muted=g == Grade.C)
            for g, label, n, share in stats.grade_rows()
        ],
        tick_format=lambda v: f"{v:.0f}",
    )


def tier_chart(stats: Statistics) -> Chart:
    categories = [tier_label(t) for t in TIER_ORDER]
    series = [Series(_("Inspected"), PRIMARY, [float(stats.by_tier.get(t, 0)) for t in TIER_ORDER])]
    if stats.quota is not None:
        series.append(
            Series(
                _("Legal minimum"),
                MUTED_BAR,
                [float(stats.quota.per_tier.get(t, 0)) for t in TIER_ORDER],
            )
        )
    return grouped_columns(
        _("Inspections by amount tier against the legal minimum"),
        _(
            "For each amount tier, the inspections made and the minimum the rules require for the year."
        ),
        categories,
        series,
    )


def party_chart(stats: Statistics) -> Chart:
    return horizontal_bars(
        _("Defects by responsible party"),
        _("How many defects the inspections found for each party."),
        [
            Bar(
                str(Party(p).label),
                float(stats.defects_by_party[p]),
                f"{stats.defects_by_party[p]}",
            )
            for p in Party.values
        ],
        tick_format=lambda v: f"{v:.0f}",
    )


def code_chart(stats: Statistics) -> Chart:
    return horizontal_bars(
        _("Most frequent defects"),
        _("The defect codes found most often in the period, with their counts."),
        [
            Bar(f"{code} {text[:18]}", float(n), f"{n}")
            for code, text, n in stats.defects_by_code[:10]
        ],
        tick_format=lambda v: f"{v:.0f}",
    )


def charts(stats: Statistics) -> list[Chart]:
    found = [tier_chart(stats)]
    if stats.grades:
        found.append(grade_chart(stats))
    if stats.defects_total:
        found += [party_chart(stats), code_chart(stats)]
    return found


def headers() -> dict[str, list[str]]:
    return {
        "results": [
            _("tender number"),
            _("project name"),
            _("owning agency"),
            _("Amount tier"),
            _("inspection date"),
            _("final score"),
            _("grade"),
            _("Defects"),
            _("Deductions: agency"),
            _("Deductions: supervisor"),
            _("Deductions: contractor"),
            _("Defects still open"),
        ],
        "tiers": [_("Amount tier"), _("Eligible tenders"), _("Legal minimum"), _("Inspected")],
        "grades": [_("grade"), _("Inspections"), _("Share")],
        "codes": [_("defect code"), _("description"), _("Count")],
    }


def result_rows(stats: Statistics) -> list[list[Any]]:
    rows = []
    for r in stats.results:
        i = r.inspection
        rows.append(
            [
                i.project.tender_number,
                i.project.name,
                str(i.project.agency),
                tier_label(rules.tier_of(i.project.budget_amount)),
                format_roc(i.inspected_on, "short") if i.inspected_on else "",
                "" if i.score is None else i.score,
                i.get_grade_display() if i.grade else "",
                r.defects,
                r.deductions[Party.AGENCY],
                r.deductions[Party.SUPERVISOR],
                r.deductions[Party.CONTRACTOR],
                r.open_defects,
            ]
        )
    return rows


def tier_rows(stats: Statistics) -> list[list[Any]]:
    quota = stats.quota
    return [
        [
            tier_label(t),
            quota.eligible.get(t, 0) if quota else "—",
            quota.per_tier.get(t, 0) if quota else "—",
            stats.by_tier.get(t, 0),
        ]
        for t in TIER_ORDER
    ]


def grade_rows(stats: Statistics) -> list[list[Any]]:
    return [[label, n, f"{share}%"] for _g, label, n, share in stats.grade_rows()]


def code_rows(stats: Statistics) -> list[list[Any]]:
    return [[code, text, n] for code, text, n in stats.defects_by_code]


def build_docx(stats: Statistics) -> bytes:
    document = new_document(stats.title)
    for sentence in stats.sentences():
        document.add_paragraph(sentence)
    head = headers()
    document.add_heading(_("Inspections by amount tier"), level=1)
    table(document, head["tiers"], [[str(c) for c in row] for row in tier_rows(stats)])
    document.add_heading(_("Grades"), level=1)
    table(document, head["grades"], [[str(c) for c in row] for row in grade_rows(stats)])
    for chart in charts(stats):
        picture(document, chart)
    document.add_heading(_("Most frequent defects"), level=1)
    if stats.defects_by_code:
        table(document, head["codes"], [[str(c) for c in row] for row in code_rows(stats)])
    else:
        document.add_paragraph(_("No defects in the period."))
    document.add_heading(_("Results by project"), level=1)
    if stats.results:
        table(document, head["results"], [[str(c) for c in row] for row in result_rows(stats)])
    else:
        document.add_paragraph(_("No inspections in the period."))
    return save(document)


def build(stats: Statistics, fmt: str) -> tuple[bytes, str]:
    if fmt == "docx":
        return build_docx(stats), DOCX
    head = headers()
    sheets = [
        (_("Results by project"), head["results"], result_rows(stats)),
        (_("Amount tiers"), head["tiers"], tier_rows(stats)),
        (_("Grades"), head["grades"], grade_rows(stats)),
        (_("Defect codes"), head["codes"], code_rows(stats)),
    ]
    return text_workbook(stats.title, stats.sentences(), sheets), XLSX
