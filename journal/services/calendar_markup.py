"""The month calendar's cells, built in Python: 42 cells through a template loop cost more than the rest of
the page. Same HTML as the template gave; the month's name and the list's address are escaped."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Fixed markup, no text in it.
_EMPTY = SafeString('<td class="empty"></td>')
_CHECK = SafeString('<span class="day-check">✓<span class="visually-hidden"> checked in</span></span>')


def _cell(day, month_name: str, list_url: str) -> SafeString:
    if day.date is None:
        return _EMPTY
    iso = day.date.isoformat()
    mark = (
        format_html(
            '<a class="day-mark" href="{}?date_from={}&amp;date_to={}">● {}'
            '<span class="visually-hidden"> reflection{} on {} {}</span></a>',
            list_url,
            iso,
            iso,
            day.reflections,
            "" if day.reflections == 1 else "s",
            day.date.day,
            month_name,
        )
        if day.reflections
        else ""
    )
    check = _CHECK if day.checked_in else ""
    return format_html(
        '<td class="{}{}">\n<span class="day-number">{}</span>\n{}\n{}\n</td>',
        "is-today" if day.is_today else "",
        " has-reflection" if day.reflections else "",
        day.date.day,
        mark,
        check,
    )


def weeks_html(weeks, *, month_name: str, list_url: str) -> SafeString:
    """The calendar's rows: a <tr> per week, a <td> per day (an empty one outside the month)."""
    return format_html_join(
        "\n",
        "<tr>\n{}\n</tr>",
        (
            (format_html_join("\n", "{}", ((_cell(day, month_name, list_url),) for day in week)),)
            for week in weeks
        ),
    )
