"""Where the open dispatch cases are: points for the map page and the GeoJSON API.

No map tiles (the platform runs on a closed network): the page draws the cases on a
longitude/latitude grid, with each district's name at the middle of its cases, and a table.
Urgency is told by shape and colour both (overdue triangle, due-soon square, on-time circle).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from .models import END_STATUSES, Case, CaseType

WIDTH = 720.0
MARGIN = 36.0
LEFT = 70.0  # room for the latitude labels
URGENCY_STYLE = {
    "overdue": ("#b3261e", "triangle"),
    "due_soon": ("#b35900", "square"),
    "on_time": ("#0b5394", "circle"),
}


@dataclass(frozen=True)
class MapPoint:
    number: str
    subject: str
    category: str
    district: str
    latitude: float
    longitude: float
    deadline_at: dt.datetime | None
    urgency: str

    def time_left_text(self, now: dt.datetime) -> str:
        if self.deadline_at is None:
            return "—"
        if self.deadline_at < now:
            return _("Overdue by %(t)s") % {"t": timesince(self.deadline_at, now)}
        return timeuntil(self.deadline_at, now)


@dataclass(frozen=True)
class DistrictRow:
    district: str
    total: int
    overdue: int
    due_soon: int
    located: int


def urgency_of(deadline_at: dt.datetime | None, now: dt.datetime) -> str:
    if deadline_at is not None and deadline_at < now:
        return "overdue"
    soon = dt.timedelta(hours=settings.YANKAO_CASE_MAP_DUE_SOON_HOURS)
    if deadline_at is not None and deadline_at < now + soon:
        return "due_soon"
    return "on_time"


def open_cases(visible: QuerySet[Case], *, all_types: bool = False) -> QuerySet[Case]:
    """Open dispatch cases (or every open case) among those the user may see."""
    queryset = visible.exclude(status__in=END_STATUSES)
    if not all_types:
        queryset = queryset.filter(case_type=CaseType.DISPATCH)
    return queryset


def map_points(
    visible: QuerySet[Case], *, all_types: bool = False, now: dt.datetime | None = None
) -> tuple[list[MapPoint], int]:
    """The most urgent located cases (at most the configured limit) and how many were left out."""
    now = now or timezone.now()
    located = open_cases(visible, all_types=all_types).filter(latitude__isnull=False)
    limit = settings.YANKAO_CASE_MAP_LIMIT
    rows = list(
        located.order_by("deadline_at", "id").values_list(
            "number",
            "subject",
            "category__name_zh",
            "district",
            "latitude",
            "longitude",
            "deadline_at",
        )[: limit + 1]
    )
    left_out = max(0, located.count() - limit) if len(rows) > limit else 0
    points = [
        MapPoint(
            number=number,
            subject=subject,
            category=category or "",
            district=district,
            latitude=float(lat),
            longitude=float(lon),
            deadline_at=deadline,
            urgency=urgency_of(deadline, now),
        )
        for number, subject, category, district, lat, lon, deadline in rows[:limit]
    ]
    return points, left_out


def district_rows(
    visible: QuerySet[Case], *, all_types: bool = False, now: dt.datetime | None = None
) -> list[DistrictRow]:
    """Per district: open cases, overdue, due soon and how many have coordinates."""
    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.YANKAO_CASE_MAP_DUE_SOON_HOURS)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rows = open_cases(visible, all_types=all_types).values_list(
        "district", "deadline_at", "latitude"
    )
    for district, deadline, latitude in rows.iterator(chunk_size=5000):
        row = counts[district or ""]
        row[0] += 1
        if deadline is not None and deadline < now:
            row[1] += 1
        elif deadline is not None and deadline < soon:
            row[2] += 1
        if latitude is not None:
            row[3] += 1
    return sorted(
        (DistrictRow(d, *values) for d, values in counts.items()),
        key=lambda r: (-r.overdue, -r.total, r.district),
    )


def geojson(points: list[MapPoint], now: dt.datetime) -> dict[str, Any]:
    """RFC 7946: coordinates are [longitude, latitude]."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
                "properties": {
                    "number": p.number,
                    "subject": p.subject,
                    "category": p.category,
                    "district": p.district,
                    "deadline_at": p.deadline_at.isoformat() if p.deadline_at else None,
                    "urgency": p.urgency,
                },
            }
            for p in points
        ],
    }


# --- Drawing -------------------------------------------------------------------------------


def _extent(points: list[MapPoint]) -> tuple[float, float, float, float]:
    """South, west, north, east: the cases' extent with a margin, or the city's bounds."""
    if not points:
        south, west, north, east = settings.YANKAO_CITY_BOUNDS
        return south, west, north, east
    lats = [p.latitude for p in points]
    lons = [p.longitude for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    span = max(north - south, east - west, 0.02)
    pad = span * 0.08
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    half_lat = max(north - south, 0.02) / 2 + pad
    half_lon = max(east - west, 0.02) / 2 + pad
    return mid_lat - half_lat, mid_lon - half_lon, mid_lat + half_lat, mid_lon + half_lon


def _step(span: float) -> float:
    for step in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5):
        if span / step <= 8:
            return step
    return 1.0


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 7:.1f} {x - 6.5:.1f},{y + 5:.1f} {x + 6.5:.1f},'
            f'{y + 5:.1f}" fill="{colour}" stroke="#fff" stroke-width="1"/>'
        )
    if kind == "square":
        return (
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#fff" stroke-width="1"/>'
    )


def to_svg(points: list[MapPoint], now: dt.datetime, url_for: Any) -> SafeString:
    """The map as inline SVG; every marker links to its case and names it in a tooltip."""
    south, west, north, east = _extent(points)
    x_scale = math.cos(math.radians((south + north) / 2))
    inner = WIDTH - LEFT - MARGIN
    scale = inner / ((east - west) * x_scale)
    height = (north - south) * scale + 2 * MARGIN

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return LEFT + (lon - west) * x_scale * scale, MARGIN + (north - lat) * scale

    title = _("Open cases on the map")
    description = _("%(n)s cases; the table below lists them by district.") % {"n": len(points)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="case-map" role="img" '
        f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" aria-labelledby="map-title map-desc">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH:.0f}" height="{height:.0f}" fill="#f6f8fa"/>',
    ]
    step = _step(max(north - south, east - west))
    lon = math.ceil(west / step) * step
    while lon < east:
        x, _y = xy(south, lon)
        parts.append(
            f'<line x1="{x:.1f}" y1="{MARGIN}" x2="{x:.1f}" y2="{height - MARGIN:.1f}" stroke="#dde2e7"/>'
            f'<text x="{x:.1f}" y="{height - MARGIN + 14:.1f}" font-size="10" fill="#505a64" '
            f'text-anchor="middle">{lon:.3f}°E</text>'
        )
        lon += step
    lat = math.ceil(south / step) * step
    while lat < north:
        _x, y = xy(lat, west)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN:.1f}" y2="{y:.1f}" stroke="#dde2e7"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="10" fill="#505a64" '
            f'text-anchor="end">{lat:.3f}°N</text>'
        )
        lat += step
    by_district: dict[str, list[MapPoint]] = defaultdict(list)
    for point in points:
        by_district[point.district].append(point)
    for district, members in sorted(by_district.items()):
        if not district:
            continue
        x, y = xy(
            sum(p.latitude for p in members) / len(members),
            sum(p.longitude for p in members) / len(members),
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y - 10:.1f}" font-size="12" fill="#1f2328" text-anchor="middle" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(district)}（{len(members)}）</text>'
        )
    # Overdue markers last, so they are on top.
    order = {"on_time": 0, "due_soon": 1, "overdue": 2}
    for point in sorted(points, key=lambda p: order[p.urgency]):
        colour, kind = URGENCY_STYLE[point.urgency]
        x, y = xy(point.latitude, point.longitude)
        tooltip = f"{point.number} {point.category} {point.subject} — {point.time_left_text(now)}"
        parts.append(
            f'<a href="{escape(url_for(point.number))}" class="map-point map-point--{point.urgency}">'
            f"<title>{escape(tooltip)}</title>{_marker(kind, x, y, colour)}</a>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
