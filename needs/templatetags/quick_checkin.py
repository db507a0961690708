"""`quick_checkin_rows`: the dashboard's quick check-in rows (a need, its label and a 0–10 select each), built in
Python because a template loop over forty needs costs more than the rest of the page."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from needs.models.needs import Category
from needs.templatetags.scores import score_options

register = template.Library()

CATEGORY_LABELS = dict(Category.choices)

# The need's id keeps the formset's `rating-N-need`, the label is tied to its select by `quick-N`. Only the need's
# name is the person's own text, and it is escaped; the rest are numbers, ids and the catalogue's own words.
ROW = (
    '<li class="d-flex flex-wrap align-items-center justify-content-between gap-2 py-1 border-bottom">'
    '<input type="hidden" name="rating-{0}-need" value="{1}">'
    '<label for="quick-{0}"><span class="category-mark category-{2}">'
    '<span class="visually-hidden">{3}: </span></span>{4}</label>'
    '<select class="form-select form-select-sm quick-score" id="quick-{0}" name="rating-{0}-score">{5}</select>'
    "</li>"
)


@register.filter
def quick_checkin_rows(rows) -> SafeString:
    """One <li> per row (`row.need`, `row.score`: today's score or None), numbered from 0 in order."""
    return mark_safe(  # noqa: S308 - every value is escaped or a number, an id or a fixed word
        "\n".join(
            ROW.format(
                index,
                row.need.pk,
                escape(row.need.category),
                escape(CATEGORY_LABELS.get(row.need.category, row.need.category)),
                escape(row.need.name),
                score_options(row.score),
            )
            for index, row in enumerate(rows)
        )
    )
