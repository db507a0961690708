"""The journal list's repeated markup, built in Python: the filter selects' options and one page of entries
grouped by month. A template loop costs a context lookup per variable per row; these give the same HTML,
every user text escaped (need names, titles and excerpts are the person’s own words)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from needs.need_page import url_maker


def options_html(choices: Iterable[tuple[str, str]], chosen: str) -> SafeString:
    """<option>s of a select, the one whose value is `chosen` selected (as the template compared them)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{conditional_escape(value)}"{" selected" if value == chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )


# The date filter's "l j F", "D j M Y" and "F Y", from the same translated names without parsing a format
# per call.
def _long_day(d) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month]}"


def _short_date(d) -> str:
    return f"{WEEKDAYS_ABBR[d.weekday()]} {d.day} {str(MONTHS_3[d.month]).title()} {d.year}"


def _month(d) -> str:
    return f"{MONTHS[d.month]} {d.year}"


def _needs_html(needs: list[tuple[str, str]]) -> str:
    return " · ".join(
        f'<span class="category-mark category-{conditional_escape(c)}">{conditional_escape(name)}</span>'
        for name, c in needs
    )


def _entry_html(entry, needs: list[tuple[str, str]], detail_url) -> str:
    """One entry's markup: every value escaped as format_html would (the marked texts of a search are already
    safe HTML and stay as they are)."""
    r = entry.reflection
    url = conditional_escape(detail_url(r.pk))
    title = conditional_escape(entry.title_html or _long_day(r.date))
    excerpt = (
        f'<p class="mb-1 small user-text">{conditional_escape(entry.excerpt_html)}</p>\n'
        if entry.excerpt_html
        else ""
    )
    linked = f'<p class="mb-0 small">{_needs_html(needs)}</p>\n' if needs else ""
    return (
        '<li class="card card-body mb-2 reflection-card">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
        f'<a class="fw-semibold" href="{url}">{title}</a>\n'
        f'<span class="small text-body-secondary">{conditional_escape(_short_date(r.date))}</span>\n'
        f"</div>\n{excerpt}{linked}</li>\n"
    )


def entries_html(entries, needs_of: dict[object, list[tuple[str, str]]]) -> SafeString:
    """One page of entries (newest first) in a section per month, each with its heading; `needs_of` gives
    each reflection's needs as (name, category)."""
    detail_url = url_maker("journal:reflection_detail")
    months = groupby(entries, key=lambda e: (e.reflection.date.year, e.reflection.date.month))
    sections = []
    for number, (_, group) in enumerate(months, start=1):
        group = list(group)
        rows = mark_safe(  # noqa: S308 - each entry's values are escaped by `_entry_html`
            "".join(_entry_html(e, needs_of.get(e.reflection.pk, []), detail_url) for e in group)
        )
        sections.append((number, number, _month(group[0].reflection.date), rows))
    return format_html_join(
        "",
        '<section aria-labelledby="month-{}">\n'
        '<h2 class="h5 mt-3 text-body-secondary" id="month-{}">{}</h2>\n'
        '<ul class="list-unstyled">\n{}</ul>\n</section>\n',
        sections,
    )
