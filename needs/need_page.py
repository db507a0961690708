"""Markup a need's page repeats: its recent check-ins and its chart's dots.

Built here rather than in template loops, which cost more than the rest of the page. Every user text (a note) is
escaped; numbers are printed unlocalised, as the chart's SVG needs.
"""

from __future__ import annotations

import uuid

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import dates, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from needs import charts
from needs.models.needs import CheckIn
from needs.privacy.crypto import text_opener

_PLACEHOLDER = str(uuid.UUID(int=0))
_DAY_NAMES: dict[str | None, DayNames] = {}


def url_maker(name: str):
    """A function of a row id giving the URL `name` reverses to for it: one reverse for a whole list."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return lambda pk: f"{head}{pk}{tail}"


def day_names() -> DayNames:
    """The day and month names of the active language, looked up once per language and process."""
    language = translation.get_language()
    names = _DAY_NAMES.get(language)
    if names is None:
        names = _DAY_NAMES[language] = DayNames()
    return names


class DayNames:
    """The `date` filter's formats used on a need's page, with names looked up once."""

    def __init__(self):
        self.days_abbr = [str(dates.WEEKDAYS_ABBR[index]) for index in range(7)]
        self.days = [str(dates.WEEKDAYS[index]) for index in range(7)]
        self.months = [""] + [str(dates.MONTHS[index]) for index in range(1, 13)]
        self.months_3 = [""] + [str(dates.MONTHS_3[index]).title() for index in range(1, 13)]

    def short(self, day) -> str:  # "j M Y": 1 Jun 2026
        return f"{day.day} {self.months_3[day.month]} {day.year}"

    def long(self, day) -> str:  # "j F Y": 1 June 2026
        return f"{day.day} {self.months[day.month]} {day.year}"

    def with_weekday(self, day) -> str:  # "D j M Y": Mon 1 Jun 2026
        return f"{self.days_abbr[day.weekday()]} {self.short(day)}"

    def full(self, day) -> str:  # "l j F Y": Monday 1 June 2026
        return f"{self.days[day.weekday()]} {self.long(day)}"


def recent_checkins_markup(rows: list[tuple], *, owner) -> SafeString:
    """The <li>s of a need's recent check-ins from (id, date, score, sealed note) rows; only these notes are
    opened."""
    open_note = text_opener(owner, label=CheckIn._meta.label_lower, field="note")
    edit_url = url_maker("needs:checkin_edit")
    names = day_names()
    items = []
    for pk, day, score, sealed in rows:
        note = open_note(pk, sealed)
        noted = (
            f'<span class="user-text flex-grow-1">{linebreaksbr(note, autoescape=True)}</span>'
            if note
            else ""
        )
        items.append(
            '<li class="border-bottom py-2 d-flex flex-wrap gap-3 align-items-baseline">'
            f'<span class="fw-semibold">{escape(names.with_weekday(day))}</span> '
            f"<span>{int(score)} out of 10</span> {noted} "
            f'<a href="{escape(edit_url(pk))}">Edit<span class="visually-hidden"> the check-in of '
            f"{escape(names.long(day))}</span></a></li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped or a number


def chart_dots_markup(chart: charts.LineChart, category: str) -> SafeString:
    """The one-line chart's dots, each with its tooltip (Week of 2026-06-01: 6.5); none past charts.MAX_DOTS."""
    return charts.markup_rows(
        "",
        '<circle class="category-fill-{}" cx="{}" cy="{}" r="3.5"><title>Week of {}: {}</title></circle>',
        ((category, x, y, day, value) for x, y, day, value in chart.dots),
    )


def chart_axes_markup(chart: charts.LineChart) -> SafeString:
    """The one-line chart's grid lines with their score labels, then its date labels."""
    grid = charts.markup_rows(
        "\n",
        '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}" />\n'
        '<text class="chart-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        ((chart.left, chart.width - 12, y, y, chart.left - 8, y, value) for y, value in chart.y_ticks),
    )
    dates_below = charts.markup_rows(
        "\n",
        '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x, chart.height - 8, label) for x, label in chart.x_ticks),
    )
    return mark_safe(f"{grid}\n{dates_below}")  # noqa: S308 - both built escaped


def range_links(ranges: dict, current: str) -> SafeString:
    """The chart's period links, the current one marked."""
    return charts.markup_rows(
        "\n",
        '<a class="btn btn-sm {}" href="?range={}"{}>{}</a>',
        (
            (
                "btn-primary" if key == current else "btn-outline-primary",
                key,
                mark_safe(' aria-current="true"') if key == current else "",  # noqa: S308 - a constant
                label,
            )
            for key, (label, _) in ranges.items()
        ),
    )


def chart_summary(weekly: list, checkin_count: int, range_label: str) -> SafeString:
    """The chart's one-sentence summary, numbers unlocalised like the chart's own."""
    names = day_names()
    (first_week, first_value), (last_week, last_value) = weekly[0], weekly[-1]
    weeks = len(weekly)
    return format_html(
        "Weekly averages over {}: {} week{} with {} check-in{}, from {} in the week of {} to {} in the week of {}.",
        range_label.lower(),
        str(weeks),
        "" if weeks == 1 else "s",
        str(checkin_count),
        "" if checkin_count == 1 else "s",
        str(first_value),
        names.short(first_week),
        str(last_value),
        names.short(last_week),
    )
