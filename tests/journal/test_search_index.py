"""Search through the per-person index of keyed word fingerprints (journal.services.search_index)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.models import Reflection, SearchTerm
from journal.services.reflections import (
    reflection_destroy,
    reflection_restore,
    reflection_save,
    reflection_trash,
)
from journal.services.search_index import index_rebuild, index_write, terms_of
from needs.privacy.crypto import search_key_for
from tests.factories import make_reflection

pytestmark = pytest.mark.django_db
LIST = reverse("journal:reflection_list")
NEW_MASTER = b"n" * 32


def found(client, query: str) -> list[str]:
    """The titles a search shows, as plain text."""
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return [e.reflection.reveal("title", owner=e.reflection.owner) for e in response.context["entries"]]


def test_whole_words_and_beginnings_of_three_letters_or_more_are_found(client, alice):
    make_reflection(alice, title="Planting", body="We planted tomatoes in the Garden today. ok.")
    make_reflection(alice, title="Other", body="Nothing like it.")
    client.force_login(alice)
    assert found(client, "garden") == ["Planting"]
    assert found(client, "GARD") == ["Planting"]
    assert found(client, "gar tomato") == ["Planting"]  # every word must be there
    assert found(client, "ok") == ["Planting"]  # a two-letter word, whole
    assert found(client, "ga") == []  # two letters find only a whole two-letter word
    assert found(client, "arden") == []  # the middle of a word is not a beginning
    assert found(client, "gardening") == []
    assert found(client, "garden potatoes") == []
    html = client.get(LIST, {"q": "gard"}).content.decode()
    assert "<mark>Gard</mark>en" in html


def test_accents_and_case_are_ignored_both_ways(client, alice):
    make_reflection(alice, title="Morning", body="Un café au lait, then a long Straße.")
    make_reflection(alice, title="Decomposed", body="Another cafe\u0301 later.")
    client.force_login(alice)
    assert sorted(found(client, "cafe")) == ["Decomposed", "Morning"]
    assert sorted(found(client, "CAFÉ")) == ["Decomposed", "Morning"]
    assert found(client, "strasse") == ["Morning"]
    html = client.get(LIST, {"q": "cafe"}).content.decode()
    assert "<mark>café</mark>" in html and "<mark>cafe\u0301</mark>" in html


def test_an_edited_reflection_is_found_by_its_new_words_only(client, alice):
    data = {"date": dt.date(2026, 6, 1), "title": "Walk", "body": "By the harbour."}
    reflection = reflection_save(user=alice, reflection=Reflection(owner=alice), data=data)
    client.force_login(alice)
    assert found(client, "harbour") == ["Walk"]
    edited = {**data, "body": "By the lighthouse."}
    reflection_save(user=alice, reflection=reflection, data=edited, base_version=reflection.version)
    assert found(client, "harbour") == []
    assert found(client, "lighthouse") == ["Walk"]
    stored = set(SearchTerm.objects.filter(reflection=reflection).values_list("term", flat=True))
    assert stored == terms_of(search_key_for(alice), "Walk", "By the lighthouse.")


def test_a_trashed_reflection_is_not_found_until_restored_and_is_gone_when_destroyed(client, alice):
    reflection = make_reflection(alice, title="Lantern", body="A lantern by the door.")
    make_reflection(alice, title="Another", body="Another lantern.", date=dt.date(2025, 1, 1))
    client.force_login(alice)
    reflection_trash(reflection=reflection)
    assert found(client, "lantern") == ["Another"]
    response = client.get(LIST, {"q": "lantern door"})
    assert (
        response.context["page"].paginator.count == 0 and "0 reflections contain" in response.content.decode()
    )
    assert client.get(LIST, {"q": "lantern"}).context["page"].paginator.count == 1
    reflection_restore(reflection=reflection)
    assert found(client, "lantern") == ["Lantern", "Another"]
    assert client.get(LIST, {"q": "lantern"}).context["page"].paginator.count == 2
    reflection_trash(reflection=reflection)
    reflection_destroy(reflection=reflection)
    assert not SearchTerm.objects.filter(reflection_id=reflection.pk).exists()


def test_another_persons_words_never_match_and_their_fingerprints_differ(client, alice, bob):
    make_reflection(bob, title="Bob's garden", body="garden")
    make_reflection(alice, title="Alice's day", body="A quiet day.")
    client.force_login(alice)
    assert found(client, "garden") == []
    assert found(client, "day") == ["Alice's day"]
    mine = set(SearchTerm.objects.filter(owner=alice).values_list("term", flat=True))
    theirs = set(SearchTerm.objects.filter(owner=bob).values_list("term", flat=True))
    assert terms_of(search_key_for(alice), "garden") != terms_of(search_key_for(bob), "garden")
    assert not mine & theirs
    with pytest.raises(PermissionError):
        index_write(reflection=Reflection.objects.get(owner=bob), user=alice, title="", body="garden")


def test_search_keeps_working_after_rotate_keys(client, alice, settings):
    make_reflection(alice, title="Rotated", body="Still findable after rotation.")
    old_keys = list(settings.ATTUNE_MASTER_KEYS)
    settings.ATTUNE_MASTER_KEYS = [NEW_MASTER, *old_keys]
    call_command("rotate_keys")
    settings.ATTUNE_MASTER_KEYS = [NEW_MASTER]  # only the new key opens anything now
    client.force_login(alice)
    assert found(client, "findable rotation") == ["Rotated"]


def test_a_search_for_common_words_only_says_so_and_still_shows_the_journal(client, alice):
    make_reflection(alice, title="There", body="The and the.")
    client.force_login(alice)
    response = client.get(LIST, {"q": "the"})
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "“the” is too common to search for; add another word." in html
    assert 'aria-invalid="true"' in html
    assert len(response.context["entries"]) == 1  # the journal, not an empty page
    response = client.get(LIST, {"q": "🌿"})
    assert "Search finds words and numbers; add one." in response.content.decode()
    assert found(client, "the there") == ["There"]  # a common word next to another is left out


def _history(owner, days: int, *, start: int = 0, word: str = "garden") -> None:
    rows = []
    for back in range(start, start + days):
        reflection = Reflection(owner=owner, date=dt.date(2026, 6, 1) - dt.timedelta(days=back))
        reflection.seal("title", f"Day {back}", owner=owner)
        reflection.seal("body", f"The {word} after rain, day {back}. " * 30, owner=owner)
        rows.append(reflection)
    Reflection.objects.bulk_create(rows)


def test_the_search_page_asks_the_same_queries_for_5_and_60_results(client, alice):
    _history(alice, 5)
    _history(alice, 40, start=100, word="meadow")
    index_rebuild(user=alice)
    client.force_login(alice)
    client.get(LIST, {"q": "garden"})
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST, {"q": "garden rain"})
    assert response.context["page"].paginator.count == 5
    _history(alice, 55, start=5)
    _history(alice, 400, start=200, word="meadow")
    index_rebuild(user=alice)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"q": "garden rain"})
    assert response.context["page"].paginator.count == 60 and len(response.context["entries"]) == 20
    assert len(many) == len(few), [q["sql"][:120] for q in many]


def test_the_migration_and_the_command_index_reflections_written_without_the_index(alice, bob):
    _history(alice, 3)
    _history(bob, 2, word="meadow")
    make_reflection(alice, title="Indexed", body="Already indexed lantern.")
    before = set(SearchTerm.objects.values_list("reflection_id", "term"))
    migration = importlib.import_module("journal.migrations.0006_search_index")
    SearchTerm.objects.all().delete()
    migration.index_every_reflection(apps, None)
    indexed = set(SearchTerm.objects.values_list("reflection_id", "term"))
    assert {reflection for reflection, _ in indexed} == set(Reflection.objects.values_list("pk", flat=True))
    assert before <= indexed
    SearchTerm.objects.all().delete()
    call_command("rebuild_search_index")
    assert set(SearchTerm.objects.values_list("reflection_id", "term")) == indexed
    call_command("rebuild_search_index")  # idempotent
    assert set(SearchTerm.objects.values_list("reflection_id", "term")) == indexed
    garden = terms_of(search_key_for(alice), "garden")
    assert SearchTerm.objects.filter(owner=alice, term__in=garden).count() == 3 * len(garden)


@pytest.mark.parametrize("walk_from", [0, 10_000])
def test_a_common_word_and_a_rare_one_give_the_same_pages_newest_first(
    client, alice, bob, monkeypatch, walk_from
):
    # Past WALK_FROM matches the reflections are read newest first and each is checked; below, the matches are
    # read from the index: the same pages either way.
    from journal.services import search_index

    monkeypatch.setattr(search_index, "WALK_FROM", walk_from)
    _history(alice, 30)
    _history(alice, 10, start=50, word="meadow")
    _history(bob, 30)
    index_rebuild(user=alice)
    index_rebuild(user=bob)
    gone = Reflection.objects.get(owner=alice, date=dt.date(2026, 6, 1) - dt.timedelta(days=1))
    reflection_trash(reflection=gone)
    client.force_login(alice)
    first = client.get(LIST, {"q": "garden"})
    assert first.context["page"].paginator.count == 29
    titles = [e.reflection.reveal("title", owner=alice) for e in first.context["entries"]]
    assert titles == ["Day 0"] + [f"Day {n}" for n in range(2, 21)]
    second = client.get(LIST, {"q": "garden", "page": 2})
    assert [e.reflection.reveal("title", owner=alice) for e in second.context["entries"]] == [
        f"Day {n}" for n in range(21, 30)
    ]
    assert found(client, "garden meadow") == []  # every word must be there
    assert found(client, "meadow rain")[:2] == ["Day 50", "Day 51"]


_ascii_words = st.text(alphabet="abgGArdDeEn_1 ", min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["garden", "Gardening", "gar", "GA", "ga", "a_b", "ab", "de", "1a"]) | _ascii_words
    )
    .map(" ".join)
    .map(lambda t: t.replace("  ", ".")),
    query=st.text(alphabet="abgGArdDeEn_1 ", min_size=1, max_size=20),
    cut=st.tuples(st.integers(0, 30), st.integers(0, 60)),
)
def test_spans_in_ascii_text_are_those_found_word_by_word(text, query, cut):
    """ASCII text takes a single regular expression; it finds exactly what the word-by-word reading finds."""
    from journal.services.search_index import _spans_word_by_word, found_spans, query_parse

    parsed = query_parse(query)
    start, end = min(cut[0], len(text)), min(cut[0] + cut[1], len(text))
    assert list(found_spans(text, parsed, start, end)) == list(_spans_word_by_word(text, parsed, start, end))
    assert list(found_spans(text, parsed)) == list(_spans_word_by_word(text, parsed, 0, len(text)))
