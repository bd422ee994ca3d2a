"""Server-drawn charts: one bar per agency, text alternatives, escaping, and the PNG twin."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation
from PIL import Image

from yankao.agencies.factories import AgencyFactory
from yankao.cases.reports import charts
from yankao.cases.reports.stats import monthly_report

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("maximum", "step"), [(100, 20), (7, 2), (1234, 250), (0, 2e-10), (45_000, 10_000)]
)
def test_nice_steps(maximum: float, step: float) -> None:
    assert charts.nice_step(maximum) == pytest.approx(step)


def test_on_time_chart_has_one_bar_per_agency_with_closed_cases(agencies, make_case):
    closed = [agencies["road"], agencies["epb"], agencies["fengshan"]]
    for i, agency in enumerate(closed):
        for n in range(i + 1):
            make_case(agency, received_at=at(2024, 3, 4), closed_at=at(2024, 3, 5 + n))
    make_case(agencies["pwb"], received_at=at(2024, 3, 4))  # nothing closed: no rate, no bar

    with translation.override("en"):
        report = monthly_report(2024, 3, min_cases=2)
        chart = charts.on_time_chart(report)
        svg = str(charts.to_svg(chart, "chart-on-time"))

    assert chart.bar_count == 3
    assert len(re.findall(r'<rect class="bar"', svg)) == 3
    assert svg.count("<title") == 1 + 3  # the chart's own title and one per bar
    assert '<title id="chart-on-time-title">On-time closing rate by agency' in svg
    assert '<desc id="chart-on-time-desc">' in svg
    assert 'aria-labelledby="chart-on-time-title chart-on-time-desc"' in svg
    for agency in closed:
        assert f"<title>{agency}: 100.0%" in svg
    # Road has one closed case, below the minimum of 2: grey and not ranked.
    grey = re.findall(r'<rect class="bar"[^>]*fill="([^"]+)"><title>([^<]+)</title>', svg)
    assert {label.split(":")[0]: fill for fill, label in grey} == {
        str(agencies["road"]): charts.MUTED_BAR,
        str(agencies["epb"]): charts.PRIMARY,
        str(agencies["fengshan"]): charts.PRIMARY,
    }


def test_seventy_agencies_seventy_bars(make_case):
    for n in range(70):
        agency = AgencyFactory(code=f"YK{n:06d}", name_zh=f"機關{n}")
        make_case(agency, received_at=at(2024, 3, 4), closed_at=at(2024, 3, 6 + n % 10))
    report = monthly_report(2024, 3)
    svg = str(charts.to_svg(charts.on_time_chart(report), "c"))
    assert svg.count('class="bar"') == 70


def test_text_is_escaped(agencies, make_case):
    agency = AgencyFactory(code="YK9999", name_zh='<script>alert("x")</script>')
    make_case(agency, received_at=at(2024, 3, 4), closed_at=at(2024, 3, 5))
    svg = str(charts.to_svg(charts.on_time_chart(monthly_report(2024, 3)), "c"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_months_chart_has_two_columns_per_month_and_a_png_twin(agencies, make_case):
    for month in (1, 2, 3):
        make_case(agencies["road"], received_at=at(2024, month, 4), closed_at=at(2024, month, 5))
    report = monthly_report(2024, 3)
    chart = charts.monthly_chart(report)
    assert chart.bar_count == 6
    tips = [s.tooltip for s in chart.shapes if isinstance(s, charts.Rect) and s.bar]
    assert all(tip.endswith(": 1") for tip in tips)
    image = Image.open(io.BytesIO(charts.to_png(chart, scale=2)))
    assert image.format == "PNG"
    assert image.size == (round(chart.width * 2), round(chart.height * 2))


def test_channel_chart_lists_shares(agencies, make_case, consultation):
    consultation(at(2024, 3, 1))
    make_case(agencies["road"], received_at=at(2024, 3, 2))
    make_case(agencies["road"], received_at=at(2024, 3, 3))
    make_case(agencies["road"], received_at=at(2024, 3, 4))
    chart = charts.channel_chart(monthly_report(2024, 3))
    bars = [s for s in chart.shapes if isinstance(s, charts.Rect) and s.bar]
    assert len(bars) == 2
    assert "75.0%" in bars[0].tooltip and "25.0%" in bars[1].tooltip  # largest first


@pytest.mark.parametrize("top", [1, 2, 3, 7])
def test_small_counts_get_whole_number_gridlines_only(top: int) -> None:
    chart = charts.grouped_columns(
        "t", "d", ["1月", "2月"], [charts.Series("已收件", charts.PRIMARY, [0, top])]
    )
    labels = [
        s.text
        for s in chart.shapes
        if isinstance(s, charts.Text) and s.anchor == "end" and s.text.replace(",", "").isdigit()
    ]
    assert len(labels) == len(set(labels))  # no "1, 1, 1, 0, 0" axis
    assert labels[0] == "0" and int(labels[-1]) >= top
