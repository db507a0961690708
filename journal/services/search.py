"""The journal list: filters, search through the person's index (journal.services.search_index), and the
entries one page shows (title and excerpt, the words found marked)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal.markdown import markdown_excerpt, markdown_to_text
from journal.models import Reflection
from journal.services.search_index import Query, found_spans
from needs.privacy.crypto import reveal_each
from needs.privacy.owned import Listed, OwnedSQL, one_of

EXCERPT = 220

SNIPPET_WIDTH = 90


@dataclass
class Entry:
    """One reflection as the journal list shows it. The excerpt is the text as a reader sees it, without its
    Markdown. With a search, both texts are escaped and the words found are marked; without, they are plain
    text for the template to escape."""

    reflection: Reflection
    title_html: str
    excerpt_html: str


def marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """Escape the text and wrap each span in <mark>."""
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, query: Query, width: int = SNIPPET_WIDTH) -> SafeString:
    """The part of the text around the first word found, escaped, with the words found in it marked."""
    first = next(found_spans(text, query), None)
    if first is None:
        return marked(text[: width * 2] + ("…" if len(text) > width * 2 else ""), [])
    start, end = max(0, first[0] - width), min(len(text), first[1] + width)
    while 0 < start < first[0] and text[start - 1].isalnum():  # begin at a word, not inside one
        start += 1
    spans = [(a - start, b - start) for a, b in found_spans(text, query, start, end)]
    return marked(
        ("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""),
        [(a + 1, b + 1) for a, b in spans] if start else spans,
    )


def search_matches(*, user, reflections, query: Query) -> list[Entry]:
    """Marked titles and snippets for one page of search results: only these reflections are decrypted."""
    return [
        Entry(
            r,
            marked(r.plain.title, list(found_spans(r.plain.title, query))),
            snippet(markdown_to_text(r.plain.body), query),
        )
        for r in reveal_each(reflections, owner=user)
    ]


def list_entries(*, user, reflections) -> list[Entry]:
    """Titles and the start of each text for one page of the journal list."""
    entries = []
    for r in reveal_each(reflections, owner=user):
        entries.append(Entry(r, r.plain.title, markdown_excerpt(r.plain.body, EXCERPT)))
    return entries


# (reflection id, name, category) of each need linked to the person's reflections among `ids`.
NEEDS_OF = {
    vendor: OwnedSQL(
        f"""
        SELECT l.reflection_id, n.name, n.category
          FROM journal_reflection_needs l
          JOIN needs_need n ON n.id = l.need_id
         WHERE n.owner_id = %(owner)s AND {among}
         ORDER BY n.importance DESC, n.name
        """,  # noqa: S608 - only the fixed fragments of `one_of` are written into it
        uuids=(0,),
    )
    for vendor, among in one_of("l.reflection_id", "ids", "uuid").items()
}


def needs_of(*, user, entries: list[Entry]) -> dict[object, list[tuple[str, str]]]:
    """(name, category) of the needs of each entry's reflection, in the needs' own order (most important
    first), read as values in one query rather than as a model per need."""
    if not entries:
        return {}
    found = defaultdict(list)
    ids = Listed(e.reflection.pk for e in entries)
    rows = NEEDS_OF[connection.vendor].rows(user, ids=ids)
    for reflection_id, name, category in rows:
        found[reflection_id].append((name, category))
    return found


def filter_reflections(
    queryset, *, need=None, category="", prompt=None, step="", date_from=None, date_to=None
):
    if need:
        queryset = queryset.filter(needs=need)
    if category:
        queryset = queryset.filter(needs__category=category)
    if prompt:
        queryset = queryset.filter(prompt=prompt)
    if step:
        queryset = queryset.filter(Q(prompt__step=step) | Q(personal_prompt__step=step))
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    # Only a filter through the many-to-many needs can repeat a reflection.
    return queryset.distinct() if need or category else queryset
