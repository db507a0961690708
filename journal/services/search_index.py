"""Search through a per-person index of keyed word fingerprints.

- A reflection's title and body are normalised (NFKC, case folded, accents dropped: "Café" reads "cafe"),
  split into words, and very common English words left out. Each word gives its beginnings of 3 to 24
  letters ("garden": gar, gard, garde, garden); a word of one or two letters gives itself.
- Each of those is stored as a `SearchTerm`: 64 bits of BLAKE2b keyed with the person's search key
  (`needs.privacy.crypto.search_key_for`), never the word. The same word gives different fingerprints for
  different people, so nobody's index can be compared with anyone else's.
- A search finds the reflections holding the fingerprint of every query word in one SQL query, in the
  person's own rows; only the reflections a page shows are decrypted, to mark what was found.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from journal.models import Reflection, SearchTerm
from needs.privacy.crypto import search_key_for, text_opener
from needs.privacy.owned import Listed, OwnedSQL, one_of
from needs.services.writes import rows_insert

SHORTEST_PREFIX = 3
LONGEST_PREFIX = 24
QUERY_WORDS = 8
BATCH = 2000

# Words so common that a search for them would find nearly everything; neither indexed nor searched for.
COMMON_WORDS = frozenset(
    """a an and are as at be been but by can did do does for from had has have he her him his i if in is it its
    me my no not of on or our she so than that the their them then there they this to too very was we were what
    when which who will with would you your""".split()
)

WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Compatibility forms unified, case folded and accents dropped: "Ｃafé" and "CAFE" both read "cafe"."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", "".join(c for c in folded if unicodedata.category(c) != "Mn"))


def _searchable(words: Iterable[str]) -> set[str]:
    """What the index holds for these normalised words: each word's beginnings, or the short word itself."""
    found = set()
    for word in words:
        if word in COMMON_WORDS:
            continue
        if len(word) < SHORTEST_PREFIX:
            found.add(word)
            continue
        for end in range(SHORTEST_PREFIX, min(len(word), LONGEST_PREFIX) + 1):
            found.add(word[:end])
    return found


def _fingerprinter(key: bytes):
    keyed = hashlib.blake2b(key=key, digest_size=8)

    def fingerprint(text: str) -> int:
        hashed = keyed.copy()
        hashed.update(text.encode("utf-8"))
        return int.from_bytes(hashed.digest(), "big", signed=True)

    return fingerprint


def terms_of(key: bytes, *texts: str) -> set[int]:
    """The fingerprints one reflection's texts give under a person's search key."""
    words = set()
    for text in texts:
        words.update(WORD.findall(normalise(text)))
    fingerprint = _fingerprinter(key)
    return {fingerprint(text) for text in _searchable(words)}


# --- Writing -------------------------------------------------------------------------------------------


def _insert(rows: list[SearchTerm]) -> None:
    SearchTerm.objects.bulk_create(rows, batch_size=BATCH)


def index_write(*, reflection: Reflection, user, title: str, body: str) -> None:
    """Make the reflection's fingerprints those of this title and body (on every save of its texts)."""
    if reflection.owner_id != user.pk:
        raise PermissionError("only the owner's words go into their index")
    terms = terms_of(search_key_for(user), title, body)
    with transaction.atomic():
        mine = SearchTerm.objects.filter(reflection=reflection)  # the owner's, checked above
        stored = set(mine.values_list("term", flat=True))
        gone = list(stored - terms)
        for start in range(0, len(gone), BATCH):
            mine.filter(term__in=gone[start : start + BATCH]).delete()
        _insert([SearchTerm(owner=user, reflection=reflection, term=term) for term in terms - stored])


def index_add(*, user, texts: Iterable[tuple[object, str, str]]) -> None:
    """Index new reflections of one person written in bulk, from their (id, title, body) texts at hand."""
    key = search_key_for(user)
    rows = ((user.pk, pk, term) for pk, title, body in texts for term in terms_of(key, title, body))
    rows_insert(SearchTerm, ("owner_id", "reflection_id", "term"), rows)


def fingerprints(user, rows: Iterable[tuple]) -> Iterator[tuple[object, int]]:
    """(reflection id, fingerprint) for rows of (id, sealed title, sealed body) of one person's reflections."""
    key = search_key_for(user)
    label = Reflection._meta.label_lower
    open_title = text_opener(user, label=label, field="title")
    open_body = text_opener(user, label=label, field="body")
    for pk, title, body in rows:
        for term in terms_of(key, open_title(pk, title), open_body(pk, body)):
            yield pk, term


def index_rebuild(*, user) -> int:
    """Index all of one person's reflections (the trash too) from scratch. Returns how many were indexed.

    For rows written without `reflection_save`: the benchmark's history, a migration, a repair.
    """
    reflections = Reflection.objects.for_user(user).values_list("pk", "title", "body").order_by("pk")
    indexed, after = 0, None
    with transaction.atomic():
        SearchTerm.objects.for_user(user).delete()
        while True:
            # Read a chunk whole before writing it: the connection can't read and COPY at once.
            chunk = list((reflections.filter(pk__gt=after) if after else reflections)[:500])
            if not chunk:
                return indexed
            rows = [(user.pk, pk, term) for pk, term in fingerprints(user, chunk)]
            rows_insert(SearchTerm, ("owner_id", "reflection_id", "term"), rows)
            indexed, after = indexed + len(chunk), chunk[-1][0]


# --- Searching -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A search as the index reads it: normalised words to find (each a beginning when 3+ letters long,
    at most LONGEST_PREFIX letters) and the common words left out."""

    words: tuple[str, ...]
    common: tuple[str, ...]

    @property
    def refusal(self) -> str:
        """Why there is nothing to search for, or "" when there is."""
        if self.words:
            return ""
        if self.common:
            quoted = " and ".join(f"“{word}”" for word in self.common[:3])
            verb = "is" if len(self.common) == 1 else "are"
            return f"{quoted} {verb} too common to search for; add another word."
        return "Search finds words and numbers; add one."


def query_parse(text: str) -> Query:
    words, common = [], []
    for word in WORD.findall(normalise(text)):
        if word in COMMON_WORDS:
            if word not in common:
                common.append(word)
        elif word[:LONGEST_PREFIX] not in words:
            words.append(word[:LONGEST_PREFIX])
    return Query(tuple(words[:QUERY_WORDS]), tuple(common))


def _wanted(user, query: Query) -> set[int]:
    fingerprint = _fingerprinter(search_key_for(user))
    return {fingerprint(word) for word in query.words}


def _holding_every_word(terms: QuerySet, user, query: Query) -> QuerySet:
    wanted = _wanted(user, query)
    rows = terms.filter(term__in=wanted).values("reflection_id")
    if len(wanted) == 1:
        return rows
    # A reflection holds each fingerprint once (unique), so counting its rows counts the distinct terms found.
    return rows.annotate(found=Count("*")).filter(found=len(wanted)).values("reflection_id")


def matching_ids(*, user, query: Query) -> QuerySet:
    """The ids of the person's reflections that hold every query word, as a subquery (one SQL statement)."""
    return _holding_every_word(SearchTerm.objects.for_user(user), user, query)


# Above this many matches, reading the person's reflections newest first and checking each costs less than
# reading every match to sort them: a page then reads about as many rows as it shows.
WALK_FROM = 500


def matching(reflections: QuerySet, *, user, query: Query, count: int | None = None) -> QuerySet:
    """`reflections` (the person's own) narrowed to those that hold every query word.

    A search that finds many (`count`, from `matching_count`) checks each reflection's fingerprints as the
    reflections are read newest first (the unique (reflection, term) index), and stops at the page's end: a
    common word costs about what a page shows, however long the history. A rarer one starts from its
    fingerprints (the (owner, term, reflection) index): it costs what it finds."""
    if count is None or count <= WALK_FROM:
        return reflections.filter(pk__in=matching_ids(user=user, query=query))
    # One EXISTS per word, by reflection alone (the outer rows are the person's, and naming the owner would
    # read the table). The planner then walks the (owner, date) index newest first and stops at the page's
    # end; a count compared in a subquery instead hid how common the word is, and every reflection was read
    # and sorted (20 ms instead of 0.6 ms for a word in 3,650 reflections).
    return reflections.filter(
        *(
            Exists(SearchTerm.objects.filter(reflection_id=OuterRef("pk"), term=term))
            for term in sorted(_wanted(user, query))
        )
    )


# How many of the person's live reflections hold a fingerprint among `terms` (one word), or all `words` of them:
# counted in the (owner, term, reflection) index, leaving out the few in the trash.
_NOT_TRASHED = """
    t.reflection_id NOT IN (SELECT id FROM journal_reflection WHERE owner_id = %(owner)s AND deleted_at IS NOT NULL)
"""
COUNT_ONE_WORD = {
    vendor: OwnedSQL(
        f"SELECT COUNT(*) FROM journal_searchterm t WHERE t.owner_id = %(owner)s AND {among} AND {_NOT_TRASHED}"  # noqa: S608
    )
    for vendor, among in one_of("t.term", "terms", "bigint").items()
}
COUNT_EVERY_WORD = {
    vendor: OwnedSQL(
        f"""
        SELECT COUNT(*) FROM (
            SELECT t.reflection_id FROM journal_searchterm t
             WHERE t.owner_id = %(owner)s AND {among} AND {_NOT_TRASHED}
             GROUP BY t.reflection_id
            HAVING COUNT(*) = %(words)s
        ) found
        """  # noqa: S608 - only the fixed fragments above are written into it
    )
    for vendor, among in one_of("t.term", "terms", "bigint").items()
}


def matching_count(*, user, query: Query) -> int:
    """How many of the person's live reflections hold every query word, counted in the index (one SQL
    statement that leaves out the few in the trash), so the reflections themselves are not read."""
    wanted = _wanted(user, query)
    terms = Listed(sorted(wanted))
    if len(wanted) == 1:
        return COUNT_ONE_WORD[connection.vendor].rows(user, terms=terms)[0][0]
    # A reflection holds each fingerprint once (unique), so counting its rows counts the distinct terms found.
    return COUNT_EVERY_WORD[connection.vendor].rows(user, terms=terms, words=len(wanted))[0][0]


# Words as written, with any combining accents that follow their letters (text typed in decomposed form).
WRITTEN_WORD = re.compile(r"\w[\w\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f]*")


@functools.lru_cache(maxsize=64)
def _ascii_finder(words: tuple[str, ...]) -> re.Pattern | None:
    """For ASCII text, where words are runs of \\w and normalising is lower(): one pattern that finds, at a
    word's start, the longest query word it begins with (a short one only as the whole word)."""
    alternatives = [
        re.escape(word) + ("" if len(word) >= SHORTEST_PREFIX else r"(?!\w)")
        for word in sorted(words, key=len, reverse=True)
        if word.isascii()  # a word with other letters never matches ASCII text
    ]
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def found_spans(text: str, query: Query, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Where the query's words occur in text[start:end], as written: a whole short word, or the written
    beginning of a longer word that starts with a query word."""
    end = len(text) if end is None else end
    part = text[start:end]
    if part.isascii():
        # The same spans as the loop below, found by one regular expression instead of a word at a time.
        finder = _ascii_finder(query.words)
        if finder is not None:
            for match in finder.finditer(part):
                yield start + match.start(), start + match.end()
        return
    yield from _spans_word_by_word(text, query, start, end)


def _spans_word_by_word(text: str, query: Query, start: int, end: int) -> Iterator[tuple[int, int]]:
    for match in WRITTEN_WORD.finditer(text, start, end):
        written = match.group(0)
        word = normalise(written)
        longest = 0
        for wanted in query.words:
            if len(wanted) < SHORTEST_PREFIX:
                if word == wanted:
                    longest = len(written)
            elif word.startswith(wanted):
                cut = next(k for k in range(1, len(written) + 1) if normalise(written[:k]).startswith(wanted))
                while cut < len(written) and unicodedata.category(written[cut]) == "Mn":
                    cut += 1  # an accent belongs with its letter
                longest = max(longest, cut)
        if longest:
            yield match.start(), match.start() + longest
