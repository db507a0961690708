"""The weekly review's repeated markup (the needs that moved, the day-by-day feelings table), built in Python:
a template loop over forty needs and seven days of numbers costs more than the rest of the page. Every value goes
through format_html, so need names (the person's own text) are escaped; numbers print unlocalised."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Constant markup, no value inside.
MISSING = mark_safe('<span class="text-body-secondary">–</span>')
NONE = mark_safe('<p class="small">None</p>')


@register.filter
def moved_items(entries) -> SafeString:
    """<li>s of needs that rose or fell: name, the week before's average → this week's."""
    return format_html_join(
        "",
        '<li><span class="category-mark category-{}">{}</span>: {} → {}</li>',
        ((e["category"], e["name"], e["before"], e["this"]) for e in entries),
    )


@register.filter
def held_items(entries) -> SafeString:
    """<li>s of needs that held steady: name and this week's average."""
    return format_html_join(
        "",
        '<li><span class="category-mark category-{}">{}</span>: {}</li>',
        ((e["category"], e["name"], e["this"]) for e in entries),
    )


def _score(value: float | None):
    # floatformat rounds halves up (6.25 → 6.3), as the page always did; "u": unlocalised.
    return MISSING if value is None else floatformat(value, "1u")


@register.filter
def feeling_rows(days) -> SafeString:
    """<tr>s of the feelings table: the day as a row header, then needs met, anxiety and self-confidence."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (date_format(day.date, "l j M"), _score(day.needs), _score(day.anxiety), _score(day.confidence))
            for day in days
        ),
    )


@register.simple_tag
def moved_list(entries, held: bool = False) -> SafeString:
    """The list of one column of "How your needs moved", or "None" when it is empty."""
    if not entries:
        return NONE
    return format_html(
        '<ul class="list-unstyled">{}</ul>', held_items(entries) if held else moved_items(entries)
    )
