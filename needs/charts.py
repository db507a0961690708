"""Geometry for server-rendered SVG charts. Templates draw; this module only computes coordinates.

Every chart in a template also carries a <title>, a one-sentence summary and a data table.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

MAX_SCORE = 10


def _y(score: float, top: float, height: float) -> float:
    return round(top + height - (score / MAX_SCORE) * height, 1)


@dataclass
class Sparkline:
    points: str
    last_x: float
    last_y: float
    width: int
    height: int


def sparkline(weekly: list[tuple[dt.date, float]], *, weeks_back: list[dt.date], width=120, height=32):
    """A small line over fixed week slots (`weeks_back`, oldest first); weeks without data are skipped."""
    if not weekly:
        return None
    by_week = dict(weekly)
    step = width / max(len(weeks_back) - 1, 1)
    coords = [
        (round(i * step, 1), _y(by_week[week], 2, height - 4))
        for i, week in enumerate(weeks_back)
        if week in by_week
    ]
    if not coords:
        return None
    return Sparkline(" ".join(f"{x},{y}" for x, y in coords), coords[-1][0], coords[-1][1], width, height)


@dataclass
class Wedge:
    category: str
    label: str
    now_path: str | None
    earlier_path: str | None
    outline_path: str
    label_x: float
    label_y: float
    now: float | None
    earlier: float | None


def _wedge(cx: float, cy: float, radius: float, start: float, end: float) -> str:
    x0, y0 = cx + radius * math.cos(start), cy + radius * math.sin(start)
    x1, y1 = cx + radius * math.cos(end), cy + radius * math.sin(end)
    return f"M{cx},{cy} L{x0:.1f},{y0:.1f} A{radius:.1f},{radius:.1f} 0 0,1 {x1:.1f},{y1:.1f} Z"


def wheel(slices, *, size=320) -> list[Wedge]:
    """Four quarter wedges; each wedge's radius is proportional to the category's average score."""
    cx = cy = size / 2
    full = size / 2 - 40
    wedges = []
    for index, item in enumerate(slices):
        start = -math.pi / 2 + index * math.pi / 2 + 0.03
        end = start + math.pi / 2 - 0.06
        middle = (start + end) / 2
        wedges.append(
            Wedge(
                item.category,
                item.label,
                _wedge(cx, cy, full * item.now / MAX_SCORE, start, end) if item.now else None,
                _wedge(cx, cy, full * item.earlier / MAX_SCORE, start, end) if item.earlier else None,
                _wedge(cx, cy, full, start, end),
                round(cx + (full + 22) * math.cos(middle), 1),
                round(cy + (full + 22) * math.sin(middle), 1),
                item.now,
                item.earlier,
            )
        )
    return wedges


@dataclass
class Series:
    key: str
    label: str
    points: str
    dots: list[tuple[float, float, str, float]]


@dataclass
class LineChart:
    """Weekly lines on one time axis (x by date, y 0–10). A one-line chart also answers `points` and `dots`."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]

    @property
    def points(self) -> str:
        return self.series[0].points

    @property
    def dots(self) -> list[tuple[float, float, str, float]]:
        return self.series[0].dots


def multi_line_chart(series: list[tuple[str, str, list[tuple[dt.date, float]]]], *, width=720, height=280):
    """Several weekly lines on one time axis: [(key, label, [(week, value 0–10)])]; None without data."""
    days = sorted({day for _, _, points in series for day, _ in points})
    if not days:
        return None
    left, top, right, bottom = 36, 12, 12, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        if first == last:
            return round(left + plot_w / 2, 1)
        return round(left + (day - first).days / span * plot_w, 1)

    built = []
    for key, label, points in series:
        dots = [(x(day), _y(value, top, plot_h), day.isoformat(), value) for day, value in points]
        built.append(Series(key, label, " ".join(f"{dx},{dy}" for dx, dy, _, _ in dots), dots))
    count = min(len(days), 6)
    x_ticks = []
    for i in range(count):
        day = days[round(i * (len(days) - 1) / max(count - 1, 1))]
        x_ticks.append((x(day), day.strftime("%-d %b %Y") if span > 200 else day.strftime("%-d %b")))
    y_ticks = [(_y(v, top, plot_h), v) for v in (0, 2, 4, 6, 8, 10)]
    return LineChart(width, height, left, top, plot_w, plot_h, built, y_ticks, x_ticks)


def line_chart(weekly: list[tuple[dt.date, float]], *, width=640, height=260) -> LineChart | None:
    """One weekly line (a need's or a relationship's scores)."""
    return multi_line_chart([("score", "Weekly average", weekly)], width=width, height=height)


# The time ranges charts offer: key -> (label, days back; None for all time). Pages offer some of them.
RANGES = {"30d": ("30 days", 30), "90d": ("90 days", 90), "1y": ("1 year", 365), "all": ("All time", None)}
DEFAULT_RANGE = "90d"


def chosen_range(key: str | None, *, offered=tuple(RANGES)) -> tuple[str, str, int | None]:
    """The range a `?range=` value asks for, or the default when it names none of the `offered` ones."""
    if key not in offered:
        key = DEFAULT_RANGE
    label, days = RANGES[key]
    return key, label, days


def offered_ranges(offered=tuple(RANGES)) -> dict[str, tuple[str, int | None]]:
    """The range links a page shows, in their fixed order."""
    return {key: RANGES[key] for key in RANGES if key in offered}


@dataclass
class HeatCell:
    x: int
    y: int
    date: dt.date
    level: int  # 0 none, 1–4 average score bands
    average: float | None
    reflections: int


def heatmap(
    days: list[tuple[dt.date, float | None, int]], *, cell=13, gap=3
) -> tuple[list[HeatCell], int, int]:
    """A year of days in week columns (Monday at the top). Level bands: <3, <5, <7, ≥7."""
    if not days:
        return [], 0, 0
    start = days[0][0] - dt.timedelta(days=days[0][0].weekday())
    cells = []
    for day, average, reflections in days:
        column = (day - start).days // 7
        level = 0 if average is None else 1 if average < 3 else 2 if average < 5 else 3 if average < 7 else 4
        cells.append(
            HeatCell(column * (cell + gap), day.weekday() * (cell + gap), day, level, average, reflections)
        )
    columns = (days[-1][0] - start).days // 7 + 1
    return cells, columns * (cell + gap), 7 * (cell + gap)
