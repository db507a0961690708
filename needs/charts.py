"""Geometry for server-rendered SVG charts, and the periods long histories are drawn in.

Templates draw each chart's frame. The marks a chart repeats hundreds of times (a line's dots, a year of heat
cells) come from here as ready markup: a template loop over them costs more than the rest of the page. Every
number in that markup is printed unlocalised, as SVG needs. Every chart in a template also carries a <title>, a
one-sentence summary and a data table.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import statistics
from dataclasses import dataclass
from functools import cached_property

from django.utils import dates, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

MAX_SCORE = 10


def markup_rows(separator: str, template: str, rows) -> SafeString:
    """`format_html_join` for markup repeated hundreds of times (a year of days, a chart's dots, table rows):
    numbers and safe strings go in as they are, every other value escaped; a third of the time."""
    return mark_safe(  # noqa: S308 - every value escaped or already safe
        separator.join(template.format(*map(_escaped, row)) for row in rows)
    )


def number_text(value) -> str:
    """A number as it is printed unlocalised; anything else escaped."""
    if type(value) in (int, float):
        return str(value)
    return html.escape(str(value))


def _escaped(value):
    if isinstance(value, (int, float, SafeString)):
        return value
    return html.escape(str(value))


MAX_DOTS = 60  # a line with more points than this draws no dots: they would touch; the table has the numbers


def _y(score: float, top: float, height: float) -> float:
    return round(top + height - (score / MAX_SCORE) * height, 1)


class DateNames:
    """Day and month names in the active language, looked up once per chart instead of once per date."""

    # Looking the names up costs 31 translations; a page asks for them once per chart, so they are kept per
    # language (they only change with the translation files, which load once per process).
    _by_language: dict[str | None, tuple[list[str], list[str], list[str]]] = {}

    def __init__(self):
        language = translation.get_language()
        found = self._by_language.get(language)
        if found is None:
            found = self._by_language[language] = (
                [str(dates.WEEKDAYS_ABBR[index]) for index in range(7)],
                [""] + [str(dates.MONTHS[index]) for index in range(1, 13)],
                [""] + [str(dates.MONTHS_3[index]).title() for index in range(1, 13)],
            )
        self.days, self.months, self.months_3 = found

    def short(self, day: dt.date) -> str:
        """As the `date` filter's "j M Y": 1 Jun 2026."""
        return f"{day.day} {self.months_3[day.month]} {day.year}"

    def with_weekday(self, day: dt.date) -> str:
        """As the `date` filter's "D j M Y": Mon 1 Jun 2026."""
        return f"{self.days[day.weekday()]} {self.short(day)}"


# --- Periods: a chart over years shows months (or quarters, or years), not hundreds of weeks ---------------


@dataclass(frozen=True)
class Period:
    unit: str  # "week": "3 weeks", "latest week", "week by week"
    adjective: str  # "Weekly average score"
    column: str  # the heading of a data table's first column
    months: int  # 0 for weeks
    max_span: float  # the longest stretch of days drawn in this period

    def start(self, day: dt.date) -> dt.date:
        if not self.months:
            return day - dt.timedelta(days=day.weekday())
        return dt.date(day.year, (day.month - 1) // self.months * self.months + 1, 1)

    def name(self, start: dt.date, names: DateNames) -> str:
        """A table row's or a dot's name: 1 Jun 2026 (week of), June 2026, Apr–Jun 2026, 2026."""
        if not self.months:
            return names.short(start)
        if self.months == 1:
            return f"{names.months[start.month]} {start.year}"
        if self.months == 3:
            return f"{names.months_3[start.month]}–{names.months_3[start.month + 2]} {start.year}"
        return str(start.year)


# Each period reaches to about 60 points (MAX_DOTS): a line that long still draws its dots, each naming its
# period and value, and stays readable at 720 px; a decade of months (120 points) reads as noise, a decade of
# quarters as a shape. Fewer points also make each page lighter to build, send and draw.
WEEK = Period("week", "Weekly", "Week of", 0, 400)
MONTH = Period("month", "Monthly", "Month", 1, 5 * 366)
QUARTER = Period("quarter", "Quarterly", "Quarter", 3, 15 * 366)
YEAR = Period("year", "Yearly", "Year", 12, math.inf)
PERIODS = (WEEK, MONTH, QUARTER, YEAR)


def period_for(days: list[dt.date]) -> Period:
    """The finest period that keeps a chart over `days` to about 60 points or fewer."""
    if not days:
        return WEEK
    span = (max(days) - min(days)).days
    return next(period for period in PERIODS if span <= period.max_span)


# --- Small lines, the wheel -----------------------------------------------------------------------------


@dataclass
class Sparkline:
    points: str
    last_x: float
    last_y: float
    width: int
    height: int


def sparkline(weekly: list[tuple[dt.date, float]], *, weeks_back: list[dt.date], width=120, height=32):
    """A small line over fixed slots (`weeks_back`, oldest first); slots without data are skipped. With more
    slots than half the width in pixels, neighbouring slots share one point, their mean."""
    return SparklineSlots(weeks_back, width=width, height=height).draw(weekly)


class SparklineSlots:
    """The slots many sparklines share (a page of needs over the same weeks), indexed once, so drawing each
    line only walks its own points."""

    def __init__(self, weeks_back: list[dt.date], *, width=120, height=32):
        self.width, self.height = width, height
        self.index = {week: i for i, week in enumerate(weeks_back)}
        self.step = width / max(len(weeks_back) - 1, 1)
        # At most one point per 2 px: neighbouring slots share one point, their mean.
        self.group = max(math.ceil(len(weeks_back) / (width / 2)), 1)
        self._xs: dict[float, str] = {}
        self._ys: dict[float, str] = {}

    def draw(self, weekly: list[tuple[dt.date, float]]) -> Sparkline | None:
        """`weekly` oldest first; points outside the slots are left out."""
        index = self.index
        found = [(index[week], value) for week, value in weekly if week in index]
        if not found:
            return None
        previous = -1
        for i, _ in found:
            if i <= previous:  # out of order or repeated: the last value of a slot counts, in slot order
                found = sorted(dict(found).items())
                break
            previous = i
        step, group, top, plot = self.step, self.group, 2, self.height - 4
        if group > 1:
            buckets: dict[int, tuple[list, list]] = {}  # slots and values, in slot order
            for i, value in found:
                bucket = buckets.get(i // group)
                if bucket is None:
                    buckets[i // group] = ([i], [value])
                else:
                    bucket[0].append(i)
                    bucket[1].append(value)
            found = [
                (sum(slots) / len(slots), sum(values) / len(slots)) for slots, values in buckets.values()
            ]
        # Scores repeat (one decimal place), and so do slots across a page of needs: each coordinate's text
        # is worked out once. `:.1f` prints what str(round(n, 1)) does.
        xs, ys = self._xs, self._ys
        points = []
        for i, value in found:
            x = xs.get(i)
            if x is None:
                x = xs[i] = f"{i * step:.1f}"
            y = ys.get(value)
            if y is None:
                y = ys[value] = f"{top + plot - (value / MAX_SCORE) * plot:.1f}"
            points.append(f"{x},{y}")
        i, value = found[-1]
        return Sparkline(" ".join(points), round(i * step, 1), _y(value, top, plot), self.width, self.height)


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


# --- Lines over time -----------------------------------------------------------------------------------


@dataclass
class Series:
    key: str
    label: str
    values: list[tuple[dt.date, float]]  # (first day of a period, value), oldest first
    coords: list[tuple[float, float]]
    period: Period
    said: dict[dt.date, str] | None = None  # escaped period names, shared by a chart's lines

    @cached_property
    def points(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.coords)

    @cached_property
    def dots(self) -> list[tuple[float, float, str, float]]:
        """(x, y, ISO date, value) per point; none past MAX_DOTS points."""
        if len(self.values) > MAX_DOTS:
            return []
        return [
            (x, y, day.isoformat(), value)
            for (x, y), (day, value) in zip(self.coords, self.values, strict=True)
        ]

    @cached_property
    def marks(self) -> SafeString:
        """The dots, each with its tooltip (Physical, week of 2026-06-01: 6.5), as the insights charts draw them."""
        if len(self.values) > MAX_DOTS:
            return SafeString("")
        # The key and label are escaped once, not once per dot; a period's name once per chart (`said` is
        # shared by its lines).
        key, label = html.escape(str(self.key)), html.escape(str(self.label))
        said = self.said if self.said is not None else {}
        names = None
        marks = []
        for (x, y), (day, value) in zip(self.coords, self.values, strict=True):
            name = said.get(day)
            if name is None:
                if self.period is WEEK:
                    name = f"week of {day}"
                else:
                    names = names or DateNames()
                    name = html.escape(self.period.name(day, names))
                said[day] = name
            marks.append(
                f'<circle class="series-dot series-fill-{key}" cx="{x}" cy="{y}" r="2.5"><title>{label}, {name}: '
                f"{number_text(value)}</title></circle>"
            )
        return mark_safe("".join(marks))  # noqa: S308 - every text escaped here, the rest numbers

    @cached_property
    def table_rows(self) -> SafeString:
        """The <tr>s of the data table under a one-line chart: the period, then its value."""
        names = DateNames()
        return markup_rows(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            ((self.period.name(day, names), v) for day, v in self.values),
        )


@dataclass
class LineChart:
    """Lines on one time axis (x by date, y 0–10). A one-line chart also answers `points` and `dots`."""

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


def multi_line_chart(
    series: list[tuple[str, str, list[tuple[dt.date, float]]]],
    *,
    width=720,
    height=280,
    period: Period = WEEK,
):
    """Several lines on one time axis: [(key, label, [(first day of a `period`, value 0–10)])]; None without
    data."""
    days = sorted({day for _, _, points in series for day, _ in points})
    if not days:
        return None
    left, top, right, bottom = 36, 12, 12, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    names = DateNames()

    def x(day: dt.date) -> float:
        if first == last:
            return round(left + plot_w / 2, 1)
        return round(left + (day - first).days / span * plot_w, 1)

    said: dict[dt.date, str] = {}
    xs = {day: x(day) for day in days}  # the lines share their periods: each x once
    built = [
        Series(key, label, points, [(xs[day], _y(value, top, plot_h)) for day, value in points], period, said)
        for key, label, points in series
    ]
    count = min(len(days), 6)
    x_ticks = []
    for i in range(count):
        day = days[round(i * (len(days) - 1) / max(count - 1, 1))]
        if period is not WEEK:
            tick = period.name(day, names)
        else:
            tick = names.short(day) if span > 200 else f"{day.day} {names.months_3[day.month]}"
        x_ticks.append((x(day), tick))
    y_ticks = [(_y(v, top, plot_h), v) for v in (0, 2, 4, 6, 8, 10)]
    return LineChart(width, height, left, top, plot_w, plot_h, built, y_ticks, x_ticks)


def line_chart_markup(chart: LineChart, *, chart_id: str, title: str, summary: str) -> SafeString:
    """A multi-line chart as the insights page draws it: its one-sentence summary, the SVG (with its <title>,
    grid, axis labels, lines and dots) and the legend, built in one pass instead of a template loop."""
    grid = markup_rows(
        "",
        '<line class="chart-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}" />'
        '<text class="chart-label" x="{3}" y="{2}" text-anchor="end" dominant-baseline="middle">{4}</text>',
        ((chart.left, chart.width - 12, y, chart.left - 8, value) for y, value in chart.y_ticks),
    )
    labels = markup_rows(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x, chart.height - 8, label) for x, label in chart.x_ticks),
    )
    lines = markup_rows(
        "",
        '<polyline class="chart-line series-{}" points="{}" />{}',
        ((s.key, s.points, s.marks) for s in chart.series),
    )
    legend = markup_rows(
        "",
        '<li class="list-inline-item"><span class="legend-swatch series-legend-{}" aria-hidden="true"></span>{}</li>',
        ((s.key, s.label) for s in chart.series),
    )
    return format_html(
        '<p id="{0}-summary">{1}</p>\n'
        '<svg class="chart" viewBox="0 0 {2} {3}" role="img" aria-labelledby="{0}-title"'
        ' aria-describedby="{0}-summary">\n<title id="{0}-title">{4}</title>\n{5}\n{6}\n{7}\n</svg>\n'
        '<ul class="chart-legend list-inline small">{8}</ul>',
        chart_id,
        summary,
        chart.width,
        chart.height,
        title,
        grid,
        labels,
        lines,
        legend,
    )


def line_chart(weekly: list[tuple[dt.date, float]], *, width=640, height=260) -> LineChart | None:
    """One weekly line (a need's or a relationship's scores)."""
    return multi_line_chart([("score", "Weekly average", weekly)], width=width, height=height)


# --- One line per need (a relationship's page) ----------------------------------------------------------

# Each line has its own dash pattern and mark shape as well as its colour, so no line is told apart by colour
# alone; the legend draws the same pattern and shape next to each name.
LINE_SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down")
MAX_LINES = len(LINE_SHAPES)


def _shape(shape: str, x: float, y: float) -> str:
    """An SVG path of a 7–8 px mark centred on (x, y)."""
    if shape == "square":
        return f"M{x - 3:.1f},{y - 3:.1f}h6v6h-6Z"
    if shape == "triangle":
        return f"M{x:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 3:.1f}L{x - 4:.1f},{y + 3:.1f}Z"
    if shape == "diamond":
        return f"M{x:.1f},{y - 4:.1f}L{x + 4:.1f},{y:.1f}L{x:.1f},{y + 4:.1f}L{x - 4:.1f},{y:.1f}Z"
    if shape == "triangle-down":
        return f"M{x:.1f},{y + 4:.1f}L{x + 4:.1f},{y - 3:.1f}L{x - 4:.1f},{y - 3:.1f}Z"
    return f"M{x - 3.5:.1f},{y:.1f}a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0Z"


@dataclass
class NeedLine:
    series: Series
    index: int  # 0–4: its colour, dash pattern and mark shape

    @property
    def shape(self) -> str:
        return LINE_SHAPES[self.index]

    @cached_property
    def marks(self) -> SafeString:
        """A mark per point, each with its name (Rest, week of 2026-06-01: 6.5); none past MAX_DOTS points."""
        s = self.series
        names = DateNames()
        said = (f"week of {d}" if s.period is WEEK else s.period.name(d, names) for d, _ in s.values)
        return markup_rows(
            "",
            '<path class="need-mark need-fill-{}" d="{}"><title>{}, {}: {}</title></path>',
            (
                (self.index, _shape(self.shape, x, y), s.label, name, value)
                for (x, y, _, value), name in zip(s.dots, said, strict=False)
            ),
        )

    @cached_property
    def swatch(self) -> SafeString:
        """The legend's sample: a short stretch of the line with its mark."""
        return format_html(
            '<line class="chart-line need-line-{}" x1="1" x2="31" y1="8" y2="8" />'
            '<path class="need-mark need-fill-{}" d="{}" />',
            self.index,
            self.index,
            _shape(self.shape, 16, 8),
        )


@dataclass
class NeedLinesChart:
    """One line per need on one time axis (x by date, y 0–10), with x labels that stay inside the frame."""

    width: int
    height: int
    left: int
    top: int
    right: int
    plot_width: int
    plot_height: int
    lines: list[NeedLine]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str, str]]  # x, label, text-anchor

    @property
    def series(self) -> list[Series]:
        return [line.series for line in self.lines]


def need_lines_chart(
    series: list[tuple[str, list[tuple[dt.date, float]]]], *, period: Period = WEEK, width=560, height=260
) -> NeedLinesChart | None:
    """Up to MAX_LINES lines, one per need: [(label, [(first day of a `period`, value 0–10)])], oldest first;
    None without data. The first and last x labels are anchored at their ends so neither is cut off."""
    series = series[:MAX_LINES]
    days = sorted({day for _, points in series for day, _ in points})
    if not days:
        return None
    left, top, right, bottom = 40, 14, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    names = DateNames()

    def x(day: dt.date) -> float:
        if first == last:
            return round(left + plot_w / 2, 1)
        return round(left + (day - first).days / span * plot_w, 1)

    def said(day: dt.date) -> str:
        if period is not WEEK:
            return period.name(day, names)
        return names.short(day) if span > 200 else f"{day.day} {names.months_3[day.month]}"

    lines = [
        NeedLine(
            Series(f"need-{i}", label, points, [(x(d), _y(v, top, plot_h)) for d, v in points], period), i
        )
        for i, (label, points) in enumerate(series)
    ]
    # Long labels (with a year) get three places on the axis, short ones four.
    count = min(len(days), 3 if len(said(first)) > 7 else 4)
    picked = sorted({round(i * (len(days) - 1) / max(count - 1, 1)) for i in range(count)})
    x_ticks = []
    for position, index in enumerate(picked):
        anchor = "middle"
        if len(picked) > 1:
            anchor = "start" if position == 0 else "end" if position == len(picked) - 1 else "middle"
        x_ticks.append((x(days[index]), said(days[index]), anchor))
    y_ticks = [(_y(v, top, plot_h), v) for v in (0, 2, 4, 6, 8, 10)]
    return NeedLinesChart(width, height, left, top, right, plot_w, plot_h, lines, y_ticks, x_ticks)


def period_values(points: list[tuple[dt.date, int]], period: Period) -> list[tuple[dt.date, float]]:
    """[(date, score)] → [(first day of each `period`, average score)], oldest first."""
    found: dict[dt.date, list[int]] = {}
    for day, score in points:
        found.setdefault(period.start(day), []).append(score)
    return [(start, round(statistics.mean(scores), 1)) for start, scores in sorted(found.items())]


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


# --- A year of days -------------------------------------------------------------------------------------

HEAT_CELL = 13


@dataclass
class HeatCell:
    x: int
    y: int
    date: dt.date
    level: int  # 0 none, 1–4 average score bands
    average: float | None
    reflections: int


def heatmap(
    days: list[tuple[dt.date, float | None, int]], *, cell=HEAT_CELL, gap=3
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


def heatmap_marks(cells: list[HeatCell]) -> SafeString:
    """Each day's square with its name (Mon 1 Jun 2026: average 6.5, 1 reflection), and a dot on days with a
    reflection."""
    names = DateNames()
    # The day and month names are the only text (translations): escaped once here, not once per day.
    days = [html.escape(name) for name in names.days]
    months = [html.escape(name) for name in names.months_3]
    size = HEAT_CELL
    out = []
    for c in cells:
        day, average, reflections = c.date, c.average, c.reflections
        said = "no check-in" if average is None else f"average {average}"
        dot = ""
        if reflections:
            said = f"{said}, {reflections} reflection{'' if reflections == 1 else 's'}"
            dot = f'<circle class="heat-dot" cx="{c.x + 6}" cy="{c.y + 6}" r="2" />'
        out.append(
            f'<rect class="heat heat-{c.level}" x="{c.x}" y="{c.y}" width="{size}" height="{size}" rx="2">'
            f"<title>{days[day.weekday()]} {day.day} {months[day.month]} {day.year}: {said}</title></rect>{dot}"
        )
    return mark_safe("".join(out))  # noqa: S308 - names escaped above, everything else numbers
