"""The year-end evaluation's results: charts (page and Word), the Word report for the mayor and
the workbook for the commission's staff (every plan's scores and the reward/penalty list)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from yankao.web.charts import (
    MUTED_BAR,
    PRIMARY,
    SECOND,
    Bar,
    Chart,
    StackedRow,
    horizontal_bars,
    stacked_bars,
)
from yankao.web.documents import DOCX, XLSX, new_document, picture, save, table, text_workbook

from .evaluations import Results, grade_label

FORMATS = {"xlsx": XLSX, "docx": DOCX}
GRADE_COLOURS = ["#1b7f3b", PRIMARY, MUTED_BAR, SECOND]  # best to worst; all ≥4.5:1 on white


def _colour(results: Results, grade: str) -> str:
    order = [g for g, _low in results.round.grade_bands]
    return GRADE_COLOURS[min(order.index(grade), len(GRADE_COLOURS) - 1)]


def legend(results: Results) -> list[tuple[str, str]]:
    return [(grade_label(g), _colour(results, g)) for g, _low in results.round.grade_bands]


def distribution_chart(results: Results) -> Chart:
    return horizontal_bars(
        _("Plans by grade, %(year)s") % {"year": results.year_label},
        _("How many plans got each grade, with their share of all plans graded."),
        [
            Bar(line.label, float(line.count), f"{line.count}（{line.share}%）")
            for line in results.distribution
        ],
        # Counts: at least 5 on the axis so that no gridline falls between two whole numbers.
        maximum=max([5, *(line.count for line in results.distribution)]),
    )


def agency_chart(results: Results) -> Chart:
    rows = []
    for line in results.agencies:
        segments = [
            (
                float(line.counts[g.grade]),
                _colour(results, g.grade),
                f"{line.agency} · {g.label}: {line.counts[g.grade]}",
            )
            for g in results.distribution
        ]
        average = "—" if line.average is None else str(line.average)
        rows.append(StackedRow(str(line.agency), segments, _("average %(avg)s") % {"avg": average}))
    return stacked_bars(
        _("Grades by agency, %(year)s") % {"year": results.year_label},
        _("For each agency, its plans split by grade, and their average final score."),
        rows,
        legend=legend(results),
    )


def title(results: Results) -> str:
    return _("%(year)s year-end evaluation of controlled plans") % {"year": results.year_label}


def headers(results: Results) -> dict[str, list[str]]:
    return {
        "distribution": [_("Grade"), _("Plans"), _("Share")],
        "agency": [_("Agency"), _("Plans")]
        + [line.label for line in results.distribution]
        + [_("Average final score")],
        "plans": [
            _("Code"),
            _("Plan"),
            _("Agency"),
            _("Self-assessment"),
            _("Preliminary score"),
            _("Committee score"),
            _("Grade"),
        ],
        "sanctions": [
            _("Reward or penalty"),
            _("Code"),
            _("Plan"),
            _("Agency"),
            _("Final score"),
            _("Grade"),
        ],
    }


def _score(value: Any) -> str:
    return "—" if value is None else str(value)


def distribution_rows(results: Results) -> list[list[str]]:
    rows = [[line.label, f"{line.count:,}", f"{line.share}%"] for line in results.distribution]
    rows.append([_("Total"), f"{results.graded:,}", "100.00%" if results.graded else "0.00%"])
    return rows


def agency_rows(results: Results) -> list[list[str]]:
    return [
        [str(line.agency), f"{line.total:,}"]
        + [f"{line.counts[g.grade]:,}" for g in results.distribution]
        + [_score(line.average)]
        for line in results.agencies
    ]


def plan_rows(results: Results) -> list[list[str]]:
    return [
        [
            e.plan.code,
            e.plan.name,
            str(e.plan.agency),
            _score(e.self_score),
            _score(e.preliminary_score),
            _score(e.final_score),
            grade_label(e.grade),
        ]
        for e in results.evaluations
    ]


def sanction_rows(results: Results) -> list[list[str]]:
    return [
        [
            s.outcome_label,
            s.evaluation.plan.code,
            s.evaluation.plan.name,
            str(s.evaluation.plan.agency),
            _score(s.evaluation.final_score),
            grade_label(s.evaluation.grade),
        ]
        for s in results.sanctions
    ]


def build_docx(results: Results) -> bytes:
    document = new_document(title(results))
    if not results.round.is_published:
        document.add_paragraph(_("Provisional: the evaluation is not published yet."))
    for sentence in results.sentences():
        document.add_paragraph(sentence)
    head = headers(results)
    document.add_heading(_("Plans by grade"), level=1)
    table(document, head["distribution"], distribution_rows(results))
    picture(document, distribution_chart(results))
    document.add_heading(_("By agency"), level=1)
    table(document, head["agency"], agency_rows(results))
    if results.agencies:
        picture(document, agency_chart(results))
    document.add_heading(_("Sent for reward or penalty"), level=1)
    if results.sanctions:
        table(document, head["sanctions"], sanction_rows(results))
    else:
        document.add_paragraph(_("No plan is sent for reward or penalty."))
    return save(document)


def build_xlsx(results: Results) -> bytes:
    head = headers(results)
    sheets = [
        (_("Grades"), head["distribution"], distribution_rows(results)),
        (_("Agencies"), head["agency"], agency_rows(results)),
        (_("Plans"), head["plans"], plan_rows(results)),
        (_("Reward and penalty"), head["sanctions"], sanction_rows(results)),
    ]
    return text_workbook(title(results), results.sentences(), sheets)


def build(results: Results, fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return build_xlsx(results), XLSX
    if fmt == "docx":
        return build_docx(results), DOCX
    raise ValueError(f"unknown format {fmt!r}")
