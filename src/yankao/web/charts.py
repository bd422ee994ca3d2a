"""Charts people can read (shared by every report of the platform), drawn on the server: inline SVG for the page, PNG for Word.

A chart is laid out once as plain shapes (rectangles, lines, text); `to_svg` and `to_png` only
paint them, so the page and the Word report always show the same chart. No JavaScript, no CDN,
no SVG-to-PNG converter: the PNG is painted with Pillow. Every chart carries a title and a
description for screen readers, each bar a tooltip with its value, and the pages put a data
table next to it; values are written next to the bars, so colour is never the only carrier.
"""

from __future__ import annotations

import glob
import io
import logging
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

TEXT = "#1f2328"
MUTED_TEXT = "#505a64"
AXIS = "#7a8590"
GRID = "#e3e7eb"
PRIMARY = "#0b5394"  # 7.3:1 on white
SECOND = "#b35900"  # orange: tells apart from blue also with red-green colour blindness
MUTED_BAR = "#6b7785"  # grey, still 4.6:1 on white

FONT_SIZE = 12.0
SMALL = 11.0


# --- Shapes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    tooltip: str = ""
    bar: bool = False  # a data bar (legend swatches are not)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    fill: str = TEXT
    bold: bool = False


Shape = Rect | Line | Text


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    title: str
    description: str
    shapes: tuple[Shape, ...]

    @property
    def bar_count(self) -> int:
        return sum(1 for s in self.shapes if isinstance(s, Rect) and s.bar)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # written after the bar, e.g. "96.3% (120 cases)"
    muted: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float]


def text_width(text: str, size: float) -> float:
    """Estimated width: CJK characters are one em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _fit(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about `ticks` gridlines."""
    raw = max(maximum, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude


def _legend(entries: Sequence[tuple[str, str]], x: float, y: float) -> list[Shape]:
    shapes: list[Shape] = []
    for label, colour in entries:
        shapes.append(Rect(x, y - 10, 12, 12, colour))
        shapes.append(Text(x + 18, y, label, SMALL))
        x += 18 + text_width(label, SMALL) + 24
    return shapes


# --- Layouts -------------------------------------------------------------------------------


def horizontal_bars(
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    maximum: float | None = None,
    tick_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    legend: Sequence[tuple[str, str]] = (),
    width: float = 760,
) -> Chart:
    """One labelled bar per item, values written at the bar's end; suits long agency names."""
    row, bar_height, top = 24.0, 16.0, 8.0
    label_width = min(max((text_width(b.label, FONT_SIZE) for b in bars), default=0) + 12, 230)
    value_width = max((text_width(b.display, SMALL) for b in bars), default=0) + 12
    left = label_width
    plot = max(width - left - value_width - 8, 120)
    top_value = maximum if maximum is not None else max((b.value for b in bars), default=0)
    top_value = top_value or 1
    step = nice_step(top_value)
    if maximum is None:
        top_value = math.ceil(top_value / step) * step
    bottom = top + row * len(bars)
    shapes: list[Shape] = []
    tick = 0.0
    while tick <= top_value + 1e-9:
        x = left + plot * tick / top_value
        shapes.append(Line(x, top, x, bottom))
        shapes.append(Text(x, bottom + 16, tick_format(tick), SMALL, "middle", MUTED_TEXT))
        tick += step
    for i, bar in enumerate(bars):
        y = top + i * row + (row - bar_height) / 2
        length = plot * max(bar.value, 0) / top_value
        colour = MUTED_BAR if bar.muted else PRIMARY
        shapes.append(
            Text(left - 8, y + bar_height - 3, _fit(bar.label, FONT_SIZE, left - 12), anchor="end")
        )
        shapes.append(
            Rect(left, y, max(length, 1), bar_height, colour, f"{bar.label}: {bar.display}", True)
        )
        shapes.append(Text(left + length + 6, y + bar_height - 3, bar.display, SMALL))
    shapes.append(Line(left, top, left, bottom, AXIS))
    height = bottom + 24
    if legend:
        shapes.extend(_legend(legend, left, height + 8))
        height += 24
    return Chart(width, height, title, description, tuple(shapes))


def grouped_columns(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = 760,
    height: float = 300,
) -> Chart:
    """Columns side by side per category (e.g. received and closed per month), with a legend."""
    maximum = max((v for s in series for v in s.values), default=0) or 1
    step = max(1.0, nice_step(maximum))  # counts: never a gridline between two whole numbers
    top_value = math.ceil(maximum / step) * step
    left = text_width(f"{top_value:,.0f}", SMALL) + 14
    top, bottom = 32.0, height - 28
    plot_width, plot_height = width - left - 8, bottom - top
    shapes: list[Shape] = list(_legend([(s.name, s.colour) for s in series], left, 16))
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = bottom - plot_height * tick / top_value
        shapes.append(Line(left, y, width - 8, y))
        shapes.append(Text(left - 6, y + 4, f"{tick:,.0f}", SMALL, "end", MUTED_TEXT))
        tick += step
    slot = plot_width / max(len(categories), 1)
    column = min(slot * 0.8 / max(len(series), 1), 28)
    for i, name in enumerate(categories):
        start = left + i * slot + (slot - column * len(series)) / 2
        for j, item in enumerate(series):
            value = item.values[i]
            h = plot_height * value / top_value
            shapes.append(
                Rect(
                    start + j * column,
                    bottom - h,
                    column - 1,
                    max(h, 0.5),
                    item.colour,
                    f"{name} · {item.name}: {value:,.0f}",
                    True,
                )
            )
        shapes.append(Text(left + (i + 0.5) * slot, bottom + 16, name, SMALL, "middle"))
    shapes.append(Line(left, bottom, width - 8, bottom, AXIS))
    return Chart(width, height, title, description, tuple(shapes))


@dataclass(frozen=True)
class StackedRow:
    label: str
    segments: Sequence[tuple[float, str, str]]  # (value, colour, tooltip)
    display: str  # written after the bar


def stacked_bars(
    title: str,
    description: str,
    rows: Sequence[StackedRow],
    *,
    legend: Sequence[tuple[str, str]] = (),
    width: float = 760,
) -> Chart:
    """One bar per item split into parts (e.g. plans ahead / on schedule / behind per agency)."""
    row, bar_height, top = 24.0, 16.0, 8.0
    label_width = min(max((text_width(r.label, FONT_SIZE) for r in rows), default=0) + 12, 230)
    value_width = max((text_width(r.display, SMALL) for r in rows), default=0) + 12
    left = label_width
    plot = max(width - left - value_width - 8, 120)
    top_value = max((sum(v for v, _c, _t in r.segments) for r in rows), default=0) or 1
    step = max(1.0, nice_step(top_value))
    top_value = math.ceil(top_value / step) * step
    bottom = top + row * len(rows)
    shapes: list[Shape] = []
    tick = 0.0
    while tick <= top_value + 1e-9:
        x = left + plot * tick / top_value
        shapes.append(Line(x, top, x, bottom))
        shapes.append(Text(x, bottom + 16, f"{tick:,.0f}", SMALL, "middle", MUTED_TEXT))
        tick += step
    for i, item in enumerate(rows):
        y = top + i * row + (row - bar_height) / 2
        shapes.append(
            Text(left - 8, y + bar_height - 3, _fit(item.label, FONT_SIZE, left - 12), anchor="end")
        )
        x = left
        for value, colour, tooltip in item.segments:
            length = plot * max(value, 0) / top_value
            if length > 0:
                shapes.append(Rect(x, y, length, bar_height, colour, tooltip, True))
            x += length
        shapes.append(Text(x + 6, y + bar_height - 3, item.display, SMALL))
    shapes.append(Line(left, top, left, bottom, AXIS))
    height = bottom + 24
    if legend:
        shapes.extend(_legend(legend, left, height + 8))
        height += 24
    return Chart(width, height, title, description, tuple(shapes))


def line_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    maximum: float | None = None,
    tick_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    width: float = 760,
    height: float = 300,
) -> Chart:
    """Lines over months (e.g. planned and actual progress: the S-curve); gaps where a value is None."""
    values = [v for s in series for v in s.values if v is not None]
    top_value = maximum if maximum is not None else (max(values, default=0) or 1)
    step = nice_step(top_value)
    if maximum is None:
        top_value = math.ceil(top_value / step) * step
    left = max(text_width(tick_format(top_value), SMALL) + 14, 40)
    top, bottom = 32.0, height - 28
    plot_width, plot_height = width - left - 16, bottom - top
    shapes: list[Shape] = list(_legend([(s.name, s.colour) for s in series], left, 16))
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = bottom - plot_height * tick / top_value
        shapes.append(Line(left, y, width - 16, y))
        shapes.append(Text(left - 6, y + 4, tick_format(tick), SMALL, "end", MUTED_TEXT))
        tick += step
    slot = plot_width / max(len(categories), 1)
    for i, name in enumerate(categories):
        shapes.append(Text(left + (i + 0.5) * slot, bottom + 16, name, SMALL, "middle"))
    for item in series:
        previous: tuple[float, float] | None = None
        for i, value in enumerate(item.values):
            if value is None:
                previous = None
                continue
            point = (left + (i + 0.5) * slot, bottom - plot_height * value / top_value)
            if previous is not None:
                shapes.append(Line(*previous, *point, stroke=item.colour, width=2.5))
            shapes.append(
                Rect(
                    point[0] - 3.5,
                    point[1] - 3.5,
                    7,
                    7,
                    item.colour,
                    f"{categories[i]} · {item.name}: {tick_format(value)}",
                    True,
                )
            )
            previous = point
    shapes.append(Line(left, bottom, width - 16, bottom, AXIS))
    return Chart(width, height, title, description, tuple(shapes))


# --- Painting ------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def to_svg(chart: Chart, chart_id: str) -> SafeString:
    """Inline SVG (role=img, named by its <title> and <desc>); every text is escaped."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {_number(chart.width)} {_number(chart.height)}" '
        f'width="{_number(chart.width)}" height="{_number(chart.height)}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        'style="max-width:100%;height:auto">',
        f'<title id="{escape(title_id)}">{escape(chart.title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(chart.description)}</desc>',
    ]
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            attrs = (
                f'x="{_number(shape.x)}" y="{_number(shape.y)}" width="{_number(shape.width)}" '
                f'height="{_number(shape.height)}" fill="{shape.fill}"'
            )
            css = ' class="bar"' if shape.bar else ""
            tip = f"<title>{escape(shape.tooltip)}</title>" if shape.tooltip else ""
            parts.append(f"<rect{css} {attrs}>{tip}</rect>" if tip else f"<rect{css} {attrs}/>")
        elif isinstance(shape, Line):
            parts.append(
                f'<line x1="{_number(shape.x1)}" y1="{_number(shape.y1)}" '
                f'x2="{_number(shape.x2)}" y2="{_number(shape.y2)}" stroke="{shape.stroke}" '
                f'stroke-width="{_number(shape.width)}"/>'
            )
        else:
            weight = ' font-weight="700"' if shape.bold else ""
            parts.append(
                f'<text x="{_number(shape.x)}" y="{_number(shape.y)}" '
                f'font-size="{_number(shape.size)}" text-anchor="{shape.anchor}" '
                f'fill="{shape.fill}"{weight}>{escape(shape.text)}</text>'
            )
    parts.append("</svg>")
    # Every value above is escaped or a number.
    return mark_safe("".join(parts))


FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-{weight}.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msjh{bold_suffix}.ttc",
)


def _font_paths(bold: bool) -> list[str]:
    """Configured font first, then the usual CJK fonts of Debian, Fedora, macOS and Windows."""
    configured = getattr(settings, "YANKAO_REPORT_FONT", "")
    paths = [configured] if configured else []
    weight, suffix = ("Bold", "bd") if bold else ("Regular", "")
    paths += [p.format(weight=weight, bold_suffix=suffix) for p in FONT_FILES]
    paths += sorted(glob.glob("/usr/share/fonts/**/*CJK*", recursive=True))
    return paths


@cache
def _font(size: int, bold: bool) -> Any:
    """A font with Traditional Chinese glyphs (the TC face of a collection when there is one)."""
    from PIL import ImageFont

    for path in _font_paths(bold):
        if not path or not Path(path).is_file():
            continue
        try:
            fallback = ImageFont.truetype(path, size, index=0)
        except OSError:
            continue
        for index in range(1, 10):
            try:
                face = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if " TC" in face.getname()[0] or "JhengHei" in face.getname()[0]:
                return face
        return fallback
    logger.warning("No CJK font found for report charts; set YANKAO_REPORT_FONT to a .ttf/.ttc")
    return ImageFont.load_default(size)


_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def to_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The same chart painted with Pillow (for Word, which does not take SVG everywhere)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (round(chart.width * scale), round(chart.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            x0, y0 = shape.x * scale, shape.y * scale
            x1 = max(x0, (shape.x + shape.width) * scale - 1)
            y1 = max(y0, (shape.y + shape.height) * scale - 1)
            draw.rectangle((x0, y0, x1, y1), fill=shape.fill)
        elif isinstance(shape, Line):
            draw.line(
                (shape.x1 * scale, shape.y1 * scale, shape.x2 * scale, shape.y2 * scale),
                fill=shape.stroke,
                width=max(1, round(shape.width * scale)),
            )
        else:
            draw.text(
                (shape.x * scale, shape.y * scale),
                shape.text,
                font=_font(round(shape.size * scale), shape.bold),
                fill=shape.fill,
                anchor=_ANCHORS[shape.anchor],
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def month_label(month: int) -> str:
    chinese = (get_language() or "zh-hant").lower().startswith("zh")
    return f"{month}月" if chinese else str(capfirst(MONTHS_3[month]))


# --- Heat map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedRect(Rect):
    """A rectangle that is also a link (a drill-down); `to_linked_svg` wraps it in <a>."""

    href: str = ""


@dataclass(frozen=True)
class LinkedText(Text):
    href: str = ""


# A sequential single-hue scale (orange, apart from blue in red-green colour blindness); the
# text on the darkest step is white, on the others dark: each pair keeps at least 4.5:1.
HEAT_BOUNDS = (0.0, 0.1, 0.25, 0.5, 1.0)
HEAT_COLOURS = ("#fdf3e7", "#f8d9b4", "#f0b274", "#d9822f", "#8a4400")
HEAT_NONE = "#e9ecef"


@dataclass(frozen=True)
class HeatCell:
    value: float | None  # 0-1; None: nothing to measure (drawn grey, with "—" unless text)
    text: str = ""  # written in the cell, so the colour is never the only carrier
    tooltip: str = ""
    href: str = ""
    note: str = ""  # a second, smaller line (e.g. "3 missing")


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: Sequence[HeatCell]
    href: str = ""


def heat_colour(
    value: float | None,
    bounds: Sequence[float] = HEAT_BOUNDS,
    colours: Sequence[str] = HEAT_COLOURS,
) -> tuple[str, str]:
    """Fill and text colour of a value: the first step whose upper bound holds it."""
    if value is None:
        return HEAT_NONE, TEXT
    for i, bound in enumerate(bounds):
        if value <= bound + 1e-12:
            return colours[i], "#ffffff" if i == len(colours) - 1 else TEXT
    return colours[-1], "#ffffff"


def heat_legend(
    bounds: Sequence[float] = HEAT_BOUNDS,
    colours: Sequence[str] = HEAT_COLOURS,
    value_format: Callable[[float], str] = lambda v: f"{v * 100:.0f}%",
    none_label: str = "—",
) -> list[tuple[str, str]]:
    """(label, colour) per step, then the no-value colour: for the chart and the page."""
    labels = [
        value_format(b) if i == 0 and b == 0 else f"≤ {value_format(b)}"
        for i, b in enumerate(bounds)
    ]
    return [*zip(labels, colours, strict=True), (none_label, HEAT_NONE)]


def heat_map(
    title: str,
    description: str,
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    *,
    column_links: Sequence[str] = (),
    legend: Sequence[tuple[str, str]] | None = None,
    bounds: Sequence[float] = HEAT_BOUNDS,
    colours: Sequence[str] = HEAT_COLOURS,
    width: float = 760,
) -> Chart:
    """Rows × columns of coloured cells (e.g. agencies × months, share of plans behind).

    Every cell is a data rectangle with its tooltip and its figure written in it; row labels,
    column labels and cells may link to a drill-down (drawn as <a> by `to_linked_svg`).
    """
    label_width = min(max((text_width(r.label, FONT_SIZE) for r in rows), default=0) + 12, 200)
    left, top, header = label_width, 8.0, 22.0
    cell_width = max((width - left - 8) / max(len(columns), 1), 24)
    with_notes = any(c.note for r in rows for c in r.cells)
    row_height = 32.0 if with_notes else 24.0
    shapes: list[Shape] = []
    for j, name in enumerate(columns):
        x = left + (j + 0.5) * cell_width
        href = column_links[j] if j < len(column_links) else ""
        if href:
            shapes.append(LinkedText(x, top + 14, name, SMALL, "middle", href=href))
        else:
            shapes.append(Text(x, top + 14, name, SMALL, "middle"))
    body = top + header
    for i, row in enumerate(rows):
        y = body + i * row_height
        label = _fit(row.label, FONT_SIZE, left - 12)
        baseline = y + row_height / 2 + 4
        if row.href:
            shapes.append(LinkedText(left - 8, baseline, label, anchor="end", href=row.href))
        else:
            shapes.append(Text(left - 8, baseline, label, anchor="end"))
        for j, cell in enumerate(row.cells[: len(columns)]):
            x = left + j * cell_width
            fill, ink = heat_colour(cell.value, bounds, colours)
            tip = cell.tooltip or f"{row.label} · {columns[j]}: {cell.text or '—'}"
            box = (x + 1, y + 1, cell_width - 2, row_height - 2, fill, tip, True)
            shapes.append(LinkedRect(*box, href=cell.href) if cell.href else Rect(*box))
            middle = x + cell_width / 2
            written = cell.text or ("—" if cell.value is None else "")
            lines = [(written, SMALL), (cell.note, 10.0)] if cell.note else [(written, SMALL)]
            first = y + (13.0 if cell.note else row_height / 2 + 4)
            for k, (words, size) in enumerate(lines):
                if not words:
                    continue
                shown = _fit(words, size, cell_width - 4)
                at = first + k * 13.0
                shapes.append(
                    LinkedText(middle, at, shown, size, "middle", ink, href=cell.href)
                    if cell.href
                    else Text(middle, at, shown, size, "middle", ink)
                )
    height = body + row_height * len(rows) + 12
    entries = heat_legend(bounds, colours) if legend is None else legend
    if entries:
        shapes.extend(_legend(entries, left, height + 8))
        height += 24
    return Chart(width, height, title, description, tuple(shapes))


def _painted(shapes: Sequence[Shape]) -> str:
    """The SVG elements `to_svg` paints for these shapes (one painter for every chart)."""
    svg = str(to_svg(Chart(0, 0, "", "", tuple(shapes)), "_"))
    return svg[svg.index("</desc>") + len("</desc>") : -len("</svg>")]


def to_linked_svg(chart: Chart, chart_id: str) -> SafeString:
    """`to_svg`, with each run of shapes sharing a link wrapped in one <a> (one tab stop).

    The link is named by its rectangle's tooltip (or its text), so a screen reader hears the
    figure and where it leads; the PNG for Word paints the same shapes without links.
    """
    head = str(
        to_svg(Chart(chart.width, chart.height, chart.title, chart.description, ()), chart_id)
    )
    parts = [head[: -len("</svg>")]]
    run: list[Shape] = []
    href = ""

    def flush() -> None:
        if not run:
            return
        if not href:
            parts.append(_painted(run))
        else:
            name = next((s.tooltip for s in run if isinstance(s, Rect) and s.tooltip), "") or (
                " ".join(s.text for s in run if isinstance(s, Text))
            )
            parts.append(
                f'<a href="{escape(href)}" aria-label="{escape(name)}">{_painted(run)}</a>'
            )
        run.clear()

    for shape in chart.shapes:
        link = getattr(shape, "href", "")
        if link != href:
            flush()
            href = link
        run.append(shape)
    flush()
    parts.append("</svg>")
    # Every value is escaped by `to_svg` or above.
    return mark_safe("".join(parts))
