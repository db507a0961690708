"""The journal's sections on needs pages: the reflections linked to a need, and stepping-back prompts for a
strained relationship."""

import datetime as dt

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from journal.models import NeedLinkDay, Prompt, Reflection, Step
from needs.need_page import day_names, url_maker
from needs.privacy.crypto import text_opener

LINKED_SHOWN = 10

# The newest live reflections about a need and how many there are, in SQL: the ORM took longer to build this
# join than the database took to run it. It reads only the person's rows (owner_id). The count comes from the
# kept per-day link counts: counting the links themselves (a window over the join) read every reflection of
# the history however few the page shows.
_LINKED_SQL = """
SELECT r.id, r.date, r.title,
  (SELECT SUM(d.count) FROM {link_days} d WHERE d.owner_id = %s AND d.need_id = %s)
FROM {reflection} r JOIN {links} l ON l.reflection_id = r.id
WHERE r.owner_id = %s AND r.deleted_at IS NULL AND l.need_id = %s
ORDER BY r.date DESC, r.created_at DESC
LIMIT {shown}
"""


def linked_reflections(request, need):
    """The newest reflections about a need, and how many there are, in one query; only their titles are read
    and opened."""
    sql = _LINKED_SQL.format(
        reflection=Reflection._meta.db_table,
        links=Reflection.needs.through._meta.db_table,
        link_days=NeedLinkDay._meta.db_table,
        shown=LINKED_SHOWN,
    )
    key = Reflection._meta.pk
    need_id = need._meta.pk.get_db_prep_value(need.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [request.user.pk, need_id, request.user.pk, need_id])
        rows = [
            (key.to_python(pk), day if isinstance(day, dt.date) else dt.date.fromisoformat(day), title, total)
            for pk, day, title, total in cursor.fetchall()
        ]
    return "journal/_need_reflections.html", {
        "need": need,
        "linked_reflections": linked_items(rows, owner=request.user),
        "linked_shown": len(rows),
        "linked_total": rows[0][3] if rows else 0,
    }


def linked_items(rows: list[tuple], *, owner):
    """The <li>s of the linked reflections from (id, date, sealed title, …) rows: each titled, else dated."""
    open_title = text_opener(owner, label=Reflection._meta.label_lower, field="title")
    detail_url = url_maker("journal:reflection_detail")
    names = day_names()
    items = []
    for pk, day, sealed, *_ in rows:
        title = open_title(pk, sealed) or names.full(day)
        items.append(
            f'<li class="py-1"><a href="{escape(detail_url(pk))}">{escape(title)}</a> '
            f'<span class="small text-body-secondary">{escape(names.short(day))}</span></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value escaped


def stepping_back_prompts(request, relationship, strained):
    categories = {need.category for need in strained}
    prompts = list(
        Prompt.objects.filter(is_active=True, step=Step.STEPPING_BACK, category__in=[*categories, ""])[:3]
    )
    if not prompts:
        return None
    return "journal/_stepping_back_prompts.html", {"prompts": prompts}
