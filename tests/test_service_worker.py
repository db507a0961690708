"""The service worker, the offline page and the offline state: what they send, to whom, and what they let a
browser keep. And the check-in's "written against" check, which keeps an offline rating from silently
overwriting one saved elsewhere meanwhile."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from config import offline
from needs.models.needs import CheckIn
from needs.services.accounts import local_today
from tests.conftest import ensure_static_collected
from tests.factories import make_checkin, make_need, quick_checkin_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _collected():
    ensure_static_collected()


def _shell(body: str) -> list[str]:
    match = re.search(r"^var SHELL = (\[.*\]);$", body, re.MULTILINE)
    assert match, "the worker lists no shell"
    return json.loads(match.group(1))


def test_worker_is_served_at_the_root_as_javascript_that_browsers_always_recheck(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    assert resolve("/sw.js").url_name == "service_worker"
    assert "Content-Security-Policy" in response  # the site's policy holds for the worker too


def test_worker_keeps_only_static_files_and_the_public_offline_page(client, alice):
    body = client.get("/sw.js").content.decode()
    shell = _shell(body)
    static_files = [url for url in shell if url.startswith(settings.STATIC_URL)]
    assert static_files and all(re.search(r"\.[0-9a-f]{12}\.", url) for url in static_files), shell
    assert [url for url in shell if url not in static_files] == [reverse("offline_page")]
    for url in static_files:  # every file the worker asks for exists in this release
        assert (settings.STATIC_ROOT / url.removeprefix(settings.STATIC_URL)).exists(), url
    # The non-static entry opens for a visitor: nothing kept is a signed-in page.
    assert client.get(reverse("offline_page")).status_code == 200
    client.force_login(alice)
    assert client.get("/sw.js").content.decode() == body, "the worker must not depend on who asks"


def test_worker_names_its_cache_after_what_it_keeps():
    urls = offline.shell_urls()
    first = offline.cache_version(urls, None)
    assert first == offline.cache_version(list(urls), None)
    assert first != offline.cache_version([*urls[:-2], "/static/js/app.0123456789ab.js", urls[-1]], None)
    assert first != offline.cache_version(urls, "/static/js/sw-push.0123456789ab.js")


def test_worker_answers_pages_from_the_network_and_never_puts_them_in_cache_storage(client):
    body = client.get("/sw.js").content.decode()
    assert "cache.put" not in body  # the only writes to Cache Storage are the shell's addAll at install
    assert 'credentials: "omit"' in body  # the offline page is fetched as a visitor's copy
    assert re.search(r'VERSION = "[0-9a-f]{16}"', body)


def test_offline_page_is_public_and_the_same_for_everyone(client, alice):
    make_need(alice, "Quiet mornings with Theodora")
    anonymous = client.get(reverse("offline_page"))
    assert anonymous.status_code == 200
    assert "no-cache" in anonymous["Cache-Control"]
    client.force_login(alice)
    signed_in = client.get(reverse("offline_page"))
    assert signed_in.content == anonymous.content
    page = signed_in.content.decode()
    assert "You’re offline" in page
    assert "alice@example.com" not in page and "Theodora" not in page
    assert "csrf" not in page.lower()
    assert "<script>" not in page and "style=" not in page  # the CSP allows no inline code


def test_offline_state_tells_a_visitor_nothing_but_a_token(client):
    response = client.get(reverse("offline_state"))
    assert response.status_code == 200
    data = response.json()
    assert data["person"] is None and data["csrf"]
    assert "needs" not in data


def test_offline_state_names_the_person_by_a_tag_and_is_never_stored(client, alice, bob):
    need = make_need(alice, "Long walks")
    make_checkin(alice, need, local_today(alice), 6)
    client.force_login(alice)
    response = client.get(reverse("offline_state"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", data["person"]) and data["person"] == offline.person_tag(alice)
    assert data["today"] == local_today(alice).isoformat()
    assert data["needs"] == [
        {"id": str(need.pk), "name": "Long walks", "category": need.category, "score": 6}
    ]
    client.force_login(bob)
    theirs = client.get(reverse("offline_state")).json()
    assert theirs["person"] != data["person"] and theirs["needs"] == []


def _written_offline(need, score, *, based_on, date):
    return {**quick_checkin_data(need, score), "rating-0-based_on": based_on, "date": date.isoformat()}


def test_an_offline_check_in_is_saved_for_the_day_it_was_written(client, alice):
    need = make_need(alice, "Sleep")
    client.force_login(alice)
    yesterday = local_today(alice) - dt.timedelta(days=1)
    response = client.post(reverse("needs:checkin"), _written_offline(need, 7, based_on="", date=yesterday))
    assert response.status_code == 302
    assert list(CheckIn.objects.for_user(alice).values_list("date", "score")) == [(yesterday, 7)]


def test_an_offline_check_in_sent_twice_is_one_check_in(client, alice):
    need = make_need(alice, "Sleep")
    client.force_login(alice)
    today = local_today(alice)
    data = _written_offline(need, 7, based_on="", date=today)
    first = client.post(reverse("needs:checkin"), data, headers={"HX-Request": "true"})
    again = client.post(reverse("needs:checkin"), data, headers={"HX-Request": "true"})
    assert first.status_code == again.status_code == 200
    assert 'id="quick-saved"' in again.content.decode()
    assert list(CheckIn.objects.for_user(alice).values_list("score", flat=True)) == [7]


def test_a_rating_saved_elsewhere_meanwhile_is_not_overwritten(client, alice):
    need = make_need(alice, "Sleep")
    other = make_need(alice, "Friends")
    today = local_today(alice)
    make_checkin(alice, need, today, 3)  # saved from another device after the offline rating was written
    client.force_login(alice)
    data = {
        **_written_offline(need, 8, based_on="", date=today),
        "rating-TOTAL_FORMS": "2",
        "rating-INITIAL_FORMS": "2",
        "rating-1-need": str(other.pk),
        "rating-1-score": "5",
        "rating-1-based_on": "",
    }
    response = client.post(reverse("needs:checkin"), data, headers={"HX-Request": "true"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Rated somewhere else meanwhile" in page and "Sleep" in page
    assert "3 / 10" in page and "8 / 10" in page
    assert dict(CheckIn.objects.for_user(alice).values_list("need__name", "score")) == {"Sleep": 3}
    # Keeping what was written offline saves both ratings.
    choice = {
        "quick": "1",
        "date": today.isoformat(),
        "rating-TOTAL_FORMS": "2",
        "rating-INITIAL_FORMS": "2",
        "rating-0-need": str(need.pk),
        "rating-0-score": "8",
        "rating-1-need": str(other.pk),
        "rating-1-score": "5",
    }
    assert f'name="rating-1-need" value="{other.pk}"' in page
    assert client.post(reverse("needs:checkin"), choice).status_code == 302
    assert dict(CheckIn.objects.for_user(alice).values_list("need__name", "score")) == {
        "Sleep": 8,
        "Friends": 5,
    }


def test_a_rating_written_against_what_is_saved_replaces_it(client, alice):
    need = make_need(alice, "Sleep")
    today = local_today(alice)
    make_checkin(alice, need, today, 3)  # the page showed 3 when the offline rating was written
    client.force_login(alice)
    response = client.post(reverse("needs:checkin"), _written_offline(need, 8, based_on="3", date=today))
    assert response.status_code == 302
    assert list(CheckIn.objects.for_user(alice).values_list("score", flat=True)) == [8]


def test_writing_opened_in_its_page_is_confirmed_once_it_arrives(client, alice, bob):
    from journal.models import Reflection

    need = make_need(alice, "Sleep")
    today = local_today(alice)
    make_checkin(alice, need, today, 3)
    client.force_login(alice)
    state = reverse("offline_state")
    offline_id = "0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
    data = {**_written_offline(need, 8, based_on="", date=today), "offline_id": offline_id}
    page = client.post(reverse("needs:checkin"), data).content.decode()
    assert f'name="offline_id" value="{offline_id}"' in page  # carried by both choices
    assert client.get(state).json()["sent"] == []  # not saved yet: the browser keeps it
    choice = {**quick_checkin_data(need, 8), "date": today.isoformat(), "offline_id": offline_id}
    assert client.post(reverse("needs:checkin"), choice).status_code == 302
    assert client.get(state).json()["sent"] == [offline_id]
    assert client.get(state).json()["sent"] == []  # told once
    # A reflection is confirmed by its form's one-time key, and only the signed-in person's.
    key = "5d2c6f7e-1a2b-4c3d-9e8f-7a6b5c4d3e2f"
    Reflection.objects.create(owner=alice, date=today, form_key=key)
    assert client.get(state, {"reflection": [key, "not-a-key"]}).json()["sent"] == [key]
    client.force_login(bob)
    assert client.get(state, {"reflection": key}).json()["sent"] == []


def _body_tag(html: str) -> str:
    return re.search(r"<body\b[^>]*>", html).group(0)


def test_a_page_says_who_it_was_built_for_and_an_error_page_says_nothing(client, alice):
    """The offline script keeps the needs list unless a page says no one is signed in: a page built for a
    visitor says so; the error page, built without its request, names no one and says nothing."""
    from django.test import RequestFactory

    from config.pages import server_error

    visitor = _body_tag(client.get(reverse("privacy")).content.decode())
    assert "data-visitor" in visitor and "data-person" not in visitor
    client.force_login(alice)
    signed_in = _body_tag(client.get(reverse("privacy")).content.decode())
    assert f'data-person="{offline.person_tag(alice)}"' in signed_in and "data-visitor" not in signed_in
    error = _body_tag(server_error(RequestFactory().get("/")).content.decode())
    assert "data-visitor" not in error and "data-person" not in error
