"""The journal list: filters, search over the decrypted texts (no index of anyone's words), and the
entries one page shows (title and excerpt, the search words highlighted)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal.models import Reflection
from needs.privacy.crypto import reveal_each, text_opener

EXCERPT = 220


@dataclass
class Entry:
    """One reflection as the journal list shows it. With a search, both texts are escaped and the words
    found are marked; without, they are plain text for the template to escape."""

    reflection: Reflection
    title_html: str
    excerpt_html: str


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """Escape the text and wrap each match in <mark>."""
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, pattern: re.Pattern, width: int = 90) -> str:
    m = pattern.search(text)
    if not m:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search_ids(*, user, queryset, query: str) -> list:
    """Ids of the person's reflections whose title or body holds every word (case-insensitive), in the
    queryset's order.

    The texts are decrypted here, in the app, one by one: no index of anyone's words exists anywhere.
    """
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    label = Reflection._meta.label_lower
    open_title = text_opener(user, label=label, field="title")
    open_body = text_opener(user, label=label, field="body")
    found = []
    for pk, title, body in queryset.values_list("pk", "title", "body"):
        haystack = f"{open_title(pk, title)}\n{open_body(pk, body)}"
        if all(p.search(haystack) for p in patterns):
            found.append(pk)
    return found


def search_matches(*, user, reflections, query: str) -> list[Entry]:
    """Highlighted titles and snippets for one page of search results."""
    words = [w for w in query.split() if w][:8]
    any_word = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return [
        Entry(r, highlight(r.plain.title, any_word), highlight(snippet(r.plain.body, any_word), any_word))
        for r in reveal_each(reflections, owner=user)
    ]


def list_entries(*, user, reflections) -> list[Entry]:
    """Titles and the start of each text for one page of the journal list."""
    return [
        Entry(r, r.plain.title, r.plain.body[:EXCERPT] + ("…" if len(r.plain.body) > EXCERPT else ""))
        for r in reveal_each(reflections, owner=user)
    ]


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
    return queryset.distinct()
