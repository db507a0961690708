"""`score_options`: the 0–10 choices of a check-in select, built once per process instead of once per need."""

from functools import cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

SCORES = range(11)  # the 0–10 scale of every check-in


@register.filter
@cache
def score_options(selected: int | None) -> SafeString:
    """<option>s for Skip and each score, the `selected` one marked; one of twelve strings, built once each."""
    return format_html(
        '<option value="">Skip</option>{}',
        format_html_join(
            "",
            '<option value="{}"{}>{} / 10</option>',
            ((value, " selected" if value == selected else "", value) for value in SCORES),
        ),
    )
