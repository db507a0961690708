"""The relationships overview's rows as markup: a <tbody> per person, a row per need.

Built here rather than in template loops, which cost more than the rest of the page. Nicknames and need names are
the person's own words: every one is escaped.
"""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from needs.need_page import day_names, url_maker
from needs.services.relationships import FALLING, FIRST, RISING, STEADY, NeedCell, PersonRow


def overview_markup(rows: list[PersonRow], *, today: dt.date) -> SafeString:
    """A <tbody class="rel-person"> per person: their name, kind, strained needs and pause plan, then each need's
    latest rating and its direction in words (or how to rate them when nothing is rated yet)."""
    detail_url = url_maker("needs:relationship_detail")
    names = day_names()
    parts = []
    for row in rows:
        rel = row.relationship
        url = escape(detail_url(rel.pk))
        nickname = escape(rel.plain.nickname)
        parts.append(
            '<tbody class="rel-person"><tr class="rel-person-row"><th scope="rowgroup" colspan="3">'
            '<div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2">'
            f'<a class="rel-person-name" href="{url}">{nickname}</a> '
            f'<span class="small fw-normal">{escape(rel.get_kind_display())}</span></div>'
        )
        if row.strained:
            parts.append(
                '<p class="small fw-normal mb-0 mt-1 strained-note">Some important needs have stayed low with this '
                f"person for a month: {', '.join(escape(need.name) for need in row.strained)}. "
                "It may be worth a gentle look.</p>"
            )
        check_back_on = _check_back_on(rel)
        if check_back_on:
            parts.append(
                '<p class="small fw-normal mb-0 mt-1">Pause plan: check back on '
                f"{escape(names.short(check_back_on))}</p>"
            )
        parts.append("</th></tr>")
        if row.cells:
            parts.extend(_cell_row(cell, today, names) for cell in row.cells)
        else:
            parts.append(
                '<tr><td colspan="3" class="text-body-secondary">No ratings yet. '
                f'<a href="{url}">Rate how your needs are met with {nickname}</a>.</td></tr>'
            )
        parts.append("</tbody>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped or a number


def _check_back_on(rel) -> dt.date | None:
    """The pause plan's date, or None without a plan (the one-to-one is read with the relationship; a missing one
    raises an AttributeError)."""
    plan = getattr(rel, "pause_plan", None)
    return plan.check_back_on if plan else None


def _cell_row(cell: NeedCell, today: dt.date, names) -> str:
    if cell.latest is not None:
        on = cell.latest_on
        said = f"{on.day} {names.months_3[on.month]}" if on.year == today.year else names.short(on)
        latest = (
            f'<strong class="rel-score">{int(cell.latest)}</strong> '
            f'<span class="small text-body-secondary text-nowrap">on {escape(said)}</span>'
        )
    else:
        latest = '<span class="text-body-secondary">Not rated yet</span>'
    moved = cell.direction
    return (
        f'<tr><th scope="row" class="fw-normal">{escape(cell.need.name)}</th>\n'
        f'<td class="rel-latest">{latest}</td>\n'
        f'<td class="rel-direction rel-{escape(moved or "none")}">{_direction_words(moved, cell.previous)}</td></tr>'
    )


def _direction_words(moved: str | None, previous: int | None) -> str:
    if moved == RISING:
        return f'<span aria-hidden="true">↑</span> Rising, from {int(previous)}'
    if moved == FALLING:
        return f'<span aria-hidden="true">↓</span> Falling, from {int(previous)}'
    if moved == STEADY:
        return f'<span aria-hidden="true">→</span> Steady at {int(previous)}'
    if moved == FIRST:
        return "First rating"
    return '<span class="visually-hidden">Nothing yet</span>'
