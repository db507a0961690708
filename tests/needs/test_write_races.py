"""The same form sent twice at once (a double click, a retrying browser, a second window) never gives a 500.

Each write checks for its row before inserting it, and a twin request can pass that check too. `twin_first`
plays the twin exactly: the twin's row is in the database (written through the app, first), but this
request's reads ran before it was committed, so they don't see it — until the database's unique constraint
refuses this request's write. What happens next is the app's own handling of a real IntegrityError.
"""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.urls import reverse

from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.models.relationships import PausePlan
from needs.models.sharing import LoveProfile
from needs.services.needs import catalogue_load
from tests.factories import make_need, make_relationship, quick_checkin_data

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def twin_first(table: str, reads: str = ""):
    """Until a write to `table` is refused by a constraint, SELECTs from it (those containing `reads`, if
    given) find no rows. Yields how many writes were refused, so a test proves the race really happened."""
    refused = []
    source = f'FROM "{table}"'

    def before_the_twin_committed(execute, sql, params, many, context):
        if not refused and sql.startswith("SELECT") and source in sql and reads in sql:
            where = sql.find(" WHERE ", sql.index(source))
            if where != -1:
                sql = f"{sql[:where]} WHERE 1=0 AND {sql[where + len(' WHERE ') :]}"
        try:
            return execute(sql, params, many, context)
        except IntegrityError:
            if sql.startswith((f'INSERT INTO "{table}"', f'UPDATE "{table}"')):
                refused.append(sql.split(" ", 3)[:3])
            raise

    with connection.execute_wrapper(before_the_twin_committed):
        yield refused


def need_form(name: str, words: str) -> dict:
    return {
        "name": name,
        "category": "emotional",
        "importance": "4",
        "met_looks_like": words,
        "what_helps": "A walk at dawn.",
    }


def test_a_need_sent_twice_at_once_gets_a_form_error_keeping_the_text(client, alice):
    client.force_login(alice)
    words = "Waking slowly, nobody asking anything of me yet."
    first = client.post(reverse("needs:need_create"), need_form("Quiet mornings", words))
    assert first.status_code == 302
    with twin_first("needs_need", reads=' AS "a" ') as refused:
        response = client.post(reverse("needs:need_create"), need_form("quiet Mornings", words + " Again."))
    assert refused, "the database refused the second need"
    assert response.status_code == 200
    html = response.content.decode()
    assert "it was added a moment ago" in html
    assert 'value="quiet Mornings"' in html
    assert "Waking slowly, nobody asking anything of me yet. Again.</textarea>" in html
    assert list(Need.objects.for_user(alice).values_list("name", flat=True)) == ["Quiet mornings"]


def test_a_rename_racing_another_window_gets_a_form_error_and_changes_nothing(client, alice):
    rest = make_need(alice, "Rest")
    calm = make_need(alice, "Calm")
    client.force_login(alice)
    # The other window renames "Calm" first.
    other = client.post(reverse("needs:need_edit", args=[calm.pk]), need_form("Stillness", "x"))
    assert other.status_code == 302
    with twin_first("needs_need", reads=' AS "a" ') as refused:
        response = client.post(
            reverse("needs:need_edit", args=[rest.pk]), need_form("stillness", "Lying down at noon.")
        )
    assert refused, "the database refused the rename"
    assert response.status_code == 200
    html = response.content.decode()
    assert "it was added a moment ago" in html
    assert "Lying down at noon.</textarea>" in html
    assert '<h1 class="h2">Edit “Rest”</h1>' in html  # the name it still has
    rest.refresh_from_db()
    assert rest.name == "Rest"
    assert rest.reveal("met_looks_like", owner=alice) != "Lying down at noon."


def test_a_check_in_sent_twice_at_once_keeps_one_row_with_the_last_score(client, alice):
    need = make_need(alice)
    client.force_login(alice)
    assert client.post(reverse("needs:checkin"), quick_checkin_data(need, 7)).status_code == 302
    with twin_first("needs_checkin") as refused:
        response = client.post(reverse("needs:checkin"), quick_checkin_data(need, 8))
    assert refused, "the database refused the second check-in"
    assert response.status_code == 302
    assert list(CheckIn.objects.for_user(alice).values_list("score", flat=True)) == [8]


def test_adopting_from_the_catalogue_twice_at_once_adopts_once(client, alice):
    catalogue_load()
    chosen = list(CatalogueNeed.objects.filter(is_active=True).order_by("name")[:2])
    data = {"catalogue_needs": [str(item.pk) for item in chosen]}
    client.force_login(alice)
    assert client.post(reverse("needs:catalogue"), data).status_code == 302
    with twin_first("needs_need") as refused:
        response = client.post(reverse("needs:catalogue"), data)
    assert refused, "the database refused the second adoption"
    assert response.status_code == 302
    assert sorted(Need.objects.for_user(alice).values_list("catalogue_need_id", flat=True)) == sorted(
        item.pk for item in chosen
    )


def test_the_love_profile_sent_twice_at_once_is_one_profile_with_the_last_words(client, alice):
    need = make_need(alice)
    client.force_login(alice)
    url = reverse("sharing:love_profile")
    assert client.post(url, {"text": "Tea brought to me.", "needs": [need.pk]}).status_code == 302
    with twin_first("needs_loveprofile") as refused:
        response = client.post(url, {"text": "Tea brought to me, unasked.", "needs": [need.pk]})
    assert refused, "the database refused the second profile"
    assert response.status_code == 302
    profile = LoveProfile.objects.for_user(alice).get()
    assert profile.reveal("text", owner=alice) == "Tea brought to me, unasked."
    assert list(profile.needs.all()) == [need]


def test_a_pause_plan_sent_twice_at_once_is_one_plan_with_the_last_words(client, alice):
    rel = make_relationship(alice)
    client.force_login(alice)
    url = reverse("needs:pause_plan", args=[rel.pk])
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        data = {"what_must_change": "We talk weekly.", "check_back_on": "2026-06-20"}
        assert client.post(url, data).status_code == 302
        with twin_first("needs_pauseplan") as refused:
            response = client.post(url, {**data, "what_must_change": "We talk every Sunday."})
    assert refused, "the database refused the second plan"
    assert response.status_code == 302
    plan = PausePlan.objects.for_user(alice).get()
    assert plan.reveal("what_must_change", owner=alice) == "We talk every Sunday."
