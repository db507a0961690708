"""The sealed page cache: served again only while nothing changed, readable by nobody but its owner."""

import base64
import datetime as dt
import io
import os
import pickle
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import Prompt, PromptShown, Reflection
from needs import pagecache
from needs.models.accounts import Profile
from tests.conftest import IN_CI, PASSWORD, make_person
from tests.factories import (
    make_checkin,
    make_need,
    make_reflection,
    quick_checkin_data,
    sign_in_with_second_factor,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 10)
CACHED_PAGES = [
    "/",
    "/insights/?range=90d",
    "/insights/week/?week=2026-06-08",
    "/journal/",
    "/journal/?q=harbour",
]


@pytest.fixture(autouse=True)
def _at_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def journal(alice):
    rest = make_need(alice, "Harbour walks", "physical")
    make_checkin(alice, rest, TODAY, 3, note="Tired legs")
    make_reflection(alice, title="Sunflower secret", body="By the harbour at dawn, quietly.", date=TODAY)
    Prompt.objects.create(slug="q", text="What would help today?", step="honesty")
    return rest


def cache_state(response) -> str | None:
    return response.get("X-Attune-Page-Cache")


def stored_rows() -> list[tuple[str, bytes]]:
    """Every (key, stored value) of the pages cache table, as the database holds them."""
    table = connection.ops.quote_name(caches["pages"]._table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 - the table's own name
        rows = cursor.fetchall()
    return [(key, pickle.loads(base64.b64decode(value))) for key, value in rows]  # noqa: S301 - our table


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_repeat_view_is_the_same_page_from_the_cache(client, alice, journal, url):
    client.force_login(alice)
    first = client.get(url)
    second = client.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    token = re.compile(rb'(name="csrfmiddlewaretoken" value="|name="csrf-token" content=")[^"]+')
    assert token.sub(b"", first.content) == token.sub(b"", second.content)
    assert pagecache.PLACEHOLDER.encode() not in first.content + second.content


@pytest.mark.parametrize(
    ("url", "budget"), [("/", 6), ("/insights/?range=all", 6), ("/journal/?q=harbour", 6)]
)
def test_a_cached_page_costs_a_handful_of_queries(
    client, alice, journal, url, budget, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get(url)
    # Session, person, profile (zone, day end, generation), data key, shared generation, the page.
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert cache_state(response) == "hit"


def test_nothing_readable_is_stored_not_even_in_keys(client, alice, journal):
    client.force_login(alice)
    for url in CACHED_PAGES + ["/journal/?q=sunflower"]:
        client.get(url)
    rows = [(key, value) for key, value in stored_rows() if key.startswith(":1:attune:page:")]
    assert len(rows) == len(CACHED_PAGES) + 1
    for key, value in rows:
        assert isinstance(value, bytes)
        for word in (b"Sunflower", b"sunflower", b"harbour", b"Harbour", b"Tired legs", b"<html"):
            assert word not in value
            assert word.decode() not in key


def test_any_write_by_the_person_forgets_their_pages(client, alice, journal):
    client.force_login(alice)
    client.get("/")
    assert cache_state(client.get("/")) == "hit"
    response = client.post(reverse("needs:checkin"), quick_checkin_data(journal, 9))
    assert response.status_code == 302
    with_message = client.get("/")  # "Saved" is waiting: built afresh, not stored
    assert (
        cache_state(with_message) is None and '<option value="9" selected>' in with_message.content.decode()
    )
    after = client.get("/")
    assert cache_state(after) == "miss" and '<option value="9" selected>' in after.content.decode()


def test_a_failed_write_forgets_too_and_nothing_is_lost(client, alice, journal):
    client.force_login(alice)
    client.get("/insights/")
    client.post(reverse("journal:reflection_create"), {"body": "", "date": "not a date"})
    assert cache_state(client.get("/insights/")) == "miss"


def test_another_persons_writes_and_pages_stay_theirs(client, alice, bob, journal):
    client.force_login(alice)
    client.get("/journal/")
    other = Client()
    other.force_login(bob)
    bobs = other.get("/journal/")
    assert cache_state(bobs) == "miss" and "Sunflower secret" not in bobs.content.decode()
    bobs_need = make_need(bob, "Bob's rest")
    other.post(reverse("needs:checkin"), quick_checkin_data(bobs_need, 5))
    mine = client.get("/journal/")
    assert cache_state(mine) == "hit" and "Sunflower secret" in mine.content.decode()


def test_a_stored_page_only_opens_for_its_owner_under_its_key(client, alice, bob, journal):
    """A value copied to another key (or another person's) fails to open and the page is built afresh."""
    make_reflection(bob, title="Bob's own words", date=TODAY)
    client.force_login(alice)
    client.get("/journal/")
    other = Client()
    other.force_login(bob)
    other.get("/journal/")
    pages = caches["pages"]
    keys = [key.removeprefix(":1:") for key, _ in stored_rows() if key.startswith(":1:attune:page:")]
    assert len(keys) == 2
    first, second = (pages.get(key) for key in keys)
    pages.set(keys[0], second)
    pages.set(keys[1], first)
    assert cache_state(client.get("/journal/")) == "miss"
    bobs = other.get("/journal/")
    assert cache_state(bobs) == "miss"
    assert "Bob&#x27;s own words" in bobs.content.decode() and "Sunflower" not in bobs.content.decode()


def test_a_new_day_builds_a_new_page(client, alice, journal):
    client.force_login(alice)
    client.get("/")
    assert cache_state(client.get("/")) == "hit"
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        response = client.get("/")
    assert cache_state(response) == "miss"
    assert response.context["today"] == TODAY + dt.timedelta(days=1)


def test_the_day_turns_at_the_persons_own_day_end(client, alice, journal):
    Profile.objects.update_or_create(owner=alice, defaults={"day_ends_at": dt.time(4, 0)})
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 6, 11, 2, 0, tzinfo=dt.UTC), tick=False):
        client.get("/")
        assert cache_state(client.get("/")) == "hit"  # 02:00 still belongs to 10 June
    with time_machine.travel(dt.datetime(2026, 6, 11, 4, 1, tzinfo=dt.UTC), tick=False):
        response = client.get("/")
    assert cache_state(response) == "miss" and response.context["today"] == dt.date(2026, 6, 11)


def test_a_cached_page_carries_a_working_csrf_token_for_each_session(alice, journal):
    first = Client(enforce_csrf_checks=True)
    first.force_login(alice)
    first.get("/")
    second = Client(enforce_csrf_checks=True)
    second.login(username="alice", password=PASSWORD)
    page = second.get("/")
    assert cache_state(page) == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = second.post(
        reverse("needs:checkin"), {**quick_checkin_data(journal, 8), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_waiting_messages_are_shown_never_served_stale_nor_stored(client, alice, journal):
    client.force_login(alice)
    client.get("/journal/")
    # Messages wait in the session (MESSAGE_STORAGE), as a write would leave one.
    session = client.session
    session[SessionStorage.session_key] = MessageEncoder().encode(
        [Message(constants.SUCCESS, "Saved, thank you.")]
    )
    session.save()
    response = client.get("/journal/")
    assert cache_state(response) is None and "Saved, thank you." in response.content.decode()
    again = client.get("/journal/")
    assert cache_state(again) == "hit" and "Saved, thank you." not in again.content.decode()


def test_staff_changing_a_prompt_forgets_everyones_pages(
    client, alice, journal, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.get("/")
    assert cache_state(client.get("/")) == "hit"
    shown = PromptShown.objects.get(owner=alice, date=TODAY).prompt
    shown.text = "What would be kind to yourself right now?"
    with django_capture_on_commit_callbacks(execute=True):
        shown.save()
    response = client.get("/")
    assert (
        cache_state(response) == "miss"
        and "What would be kind to yourself right now?" in response.content.decode()
    )


def test_a_new_release_builds_new_pages(client, alice, journal, monkeypatch):
    client.force_login(alice)
    client.get("/insights/")
    monkeypatch.setattr(pagecache, "release", lambda: "a-later-release")
    assert cache_state(client.get("/insights/")) == "miss"


def test_htmx_requests_get_their_own_entries(client, alice, journal):
    client.force_login(alice)
    client.get("/journal/")
    assert cache_state(client.get("/journal/", headers={"HX-Request": "true"})) == "miss"


def test_emptying_the_trash_forgets_the_owners_pages_and_only_theirs(client, alice, bob, journal):
    carol = make_person("carol@example.com")
    for owner in (alice, bob):
        old = make_reflection(owner, title="Gone", date=TODAY, trashed=True)
        Reflection.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    clients = {}
    for person in (alice, bob, carol):
        clients[person] = Client()
        clients[person].force_login(person)
        clients[person].get("/journal/")
    call_command("purge_trash", stdout=io.StringIO())
    assert cache_state(clients[alice].get("/journal/")) == "miss"
    assert cache_state(clients[bob].get("/journal/")) == "miss"
    assert cache_state(clients[carol].get("/journal/")) == "hit"


def test_switched_off_every_view_builds_the_page(client, alice, journal, settings):
    settings.ATTUNE_PAGE_CACHE = False
    client.force_login(alice)
    client.get("/")
    response = client.get("/")
    assert cache_state(response) is None and response.context["today"] == TODAY
    assert not any(key.startswith(":1:attune:page:") for key, _ in stored_rows())


def test_anonymous_visitors_are_never_cached(client):
    make_person("carol@example.com")
    assert cache_state(client.get("/")) is None
    assert not any(key.startswith(":1:attune:page:") for key, _ in stored_rows())


def test_staff_retiring_prompts_in_bulk_forgets_everyones_pages(client, alice, journal):
    staff = Client()
    sign_in_with_second_factor(
        staff, get_user_model().objects.create_superuser("curator", "c@example.com", "pw-curator-1")
    )
    client.force_login(alice)
    client.get("/")
    assert cache_state(client.get("/")) == "hit"
    staff.post(
        reverse("admin:journal_prompt_changelist"),
        {"action": "deactivate", "_selected_action": list(Prompt.objects.values_list("pk", flat=True))},
    )
    assert not Prompt.objects.filter(is_active=True).exists()
    assert cache_state(client.get("/")) == "miss"


def test_staff_editing_an_account_forgets_its_pages(
    client, alice, journal, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.get("/journal/")
    alice.email = "alice.new@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        alice.save()
    page = client.get("/journal/")
    assert cache_state(page) == "miss" and "alice.new@example.com" in page.content.decode()


def page_keys() -> list[str]:
    return [key for key, _ in stored_rows() if key.startswith(":1:attune:page:")]


def test_a_write_deletes_the_persons_kept_pages_and_expired_ones_but_no_one_elses(
    client, alice, bob, journal
):
    client.force_login(alice)
    for url in CACHED_PAGES:
        client.get(url)
    other = Client()
    other.force_login(bob)
    other.get("/journal/")
    assert len(page_keys()) == len(CACHED_PAGES) + 1
    client.post(reverse("needs:checkin"), quick_checkin_data(journal, 6))
    remaining = page_keys()
    assert len(remaining) == 1 and remaining[0].startswith(f":1:attune:page:{bob.pk}:")
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        client.post(reverse("needs:checkin"), quick_checkin_data(journal, 7))
    assert page_keys() == []  # Bob's page outlived its 15 minutes


def test_the_daily_clean_up_deletes_expired_pages(client, alice, journal):
    client.force_login(alice)
    client.get("/insights/")
    call_command("purge_trash", stdout=io.StringIO())
    assert len(page_keys()) == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        call_command("purge_trash", stdout=io.StringIO())
    assert page_keys() == []


@pytest.mark.parametrize("url", ["/insights/?utm=1", "/?range=90d", "/journal/?q=harbour&x=1"])
def test_addresses_with_parameters_the_page_does_not_read_are_built_but_never_stored(
    client, alice, journal, url
):
    client.force_login(alice)
    assert client.get(url).status_code == 200
    assert cache_state(client.get(url)) is None
    assert page_keys() == []


# --- With Redis as the pages cache (production's other backend) -------------------------------------


@pytest.fixture
def redis_pages(settings):
    """The pages cache on a real Redis server (`.ci/run` starts one and sets ATTUNE_TEST_REDIS_URL)."""
    url = os.environ.get("ATTUNE_TEST_REDIS_URL", "")
    if not url:
        message = "ATTUNE_TEST_REDIS_URL is not set: no Redis server to test the page cache on."
        if IN_CI:
            pytest.fail(message + " Under CI a missing Redis fails the run.", pytrace=False)
        pytest.skip(message)
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"pages-test-{os.getpid()}",
            "TIMEOUT": 900,
        },
    }
    pages = caches["pages"]
    assert isinstance(pages, RedisCache)
    yield pages._cache.get_client(write=True), f"pages-test-{os.getpid()}"
    pages.clear()


def test_with_redis_pages_are_sealed_served_again_and_deleted_on_a_write(
    client, alice, bob, journal, redis_pages
):
    redis, prefix = redis_pages
    client.force_login(alice)
    for url in ("/", "/journal/?q=sunflower"):
        assert cache_state(client.get(url)) == "miss"
        assert cache_state(client.get(url)) == "hit"
    other = Client()
    other.force_login(bob)
    other.get("/journal/")
    keys = sorted(key.decode() for key in redis.scan_iter(match=f"{prefix}:1:attune:page:*"))
    assert len(keys) == 3
    for key in keys:
        value = redis.get(key)
        assert b"Sunflower" not in value and b"harbour" not in value and "sunflower" not in key
    client.post(reverse("needs:checkin"), quick_checkin_data(journal, 9))
    remaining = [key.decode() for key in redis.scan_iter(match=f"{prefix}:1:attune:page:*")]
    assert len(remaining) == 1 and remaining[0].startswith(f"{prefix}:1:attune:page:{bob.pk}:")
    client.get("/")  # "Saved" is waiting: built, not stored
    assert cache_state(client.get("/")) == "miss"
