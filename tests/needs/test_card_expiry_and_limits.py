"""Needs cards: a stop date works through that whole day as the card's owner counts days, a far-off date is
refused with a message, and link opens are limited per visitor (behind the proxy), not per proxy."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from needs.models.accounts import Profile
from needs.models.sharing import Card
from needs.views.sharing import cards as card_views
from tests.factories import make_card, make_need

pytestmark = pytest.mark.django_db
CREATE = reverse("sharing:card_create")
LA = zoneinfo.ZoneInfo("America/Los_Angeles")  # UTC-7 on 10 March 2026 (daylight saving since 8 March)


@pytest.fixture
def rest(alice):
    return make_need(alice, "Rest")


def _in_los_angeles(person, day_ends_at=dt.time(0)):
    Profile.objects.update_or_create(
        owner=person, defaults={"time_zone": "America/Los_Angeles", "day_ends_at": day_ends_at}
    )


def _make(client, need, expires_on):
    return client.post(CREATE, {"label": "For Sam", "needs": [need.pk], "expires_on": expires_on})


def _opens(client, card) -> int:
    return client.get(f"/c/{card.reveal('token', owner=card.owner)}/").status_code


def test_a_card_expiring_on_10_march_works_until_that_day_ends_in_the_owners_zone(client, alice, rest):
    _in_los_angeles(alice)
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert _make(client, rest, "2026-03-10").status_code == 302
    card = Card.objects.get()
    assert card.expires_at == dt.datetime(2026, 3, 11, 0, 0, tzinfo=LA)
    client.logout()
    # 17:00 in Los Angeles on 10 March is UTC midnight: the card still works all evening.
    with time_machine.travel(dt.datetime(2026, 3, 10, 17, 0, tzinfo=LA), tick=False):
        assert _opens(client, card) == 200
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=LA), tick=False):
        assert _opens(client, card) == 200
    with time_machine.travel(dt.datetime(2026, 3, 11, 0, 0, tzinfo=LA), tick=False):
        assert _opens(client, card) == 410  # gone: the calm "no longer shared" page
        client.force_login(alice)
        listing = client.get(reverse("sharing:cards")).content.decode()
        assert "works until the end of 10 Mar 2026" in listing


def test_a_later_day_end_keeps_the_card_open_until_it(client, alice, rest):
    # With a day that ends at 04:00, 10 March lasts until 04:00 on 11 March.
    _in_los_angeles(alice, day_ends_at=dt.time(4))
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        _make(client, rest, "2026-03-10")
    card = Card.objects.get()
    assert card.expires_at == dt.datetime(2026, 3, 11, 4, 0, tzinfo=LA)
    client.logout()
    with time_machine.travel(dt.datetime(2026, 3, 11, 3, 59, tzinfo=LA), tick=False):
        assert _opens(client, card) == 200
    with time_machine.travel(dt.datetime(2026, 3, 11, 4, 0, tzinfo=LA), tick=False):
        assert _opens(client, card) == 410


def test_today_is_the_owners_today(client, alice, rest):
    # 20:00 on 9 March in Los Angeles is already 10 March in UTC: 9 March is still a valid stop date.
    _in_los_angeles(alice)
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 3, 9, 20, 0, tzinfo=LA), tick=False):
        assert _make(client, rest, "2026-03-09").status_code == 302
        assert "from today on" in _make(client, rest, "2026-03-08").content.decode()
    assert Card.objects.count() == 1


@pytest.mark.parametrize("expires_on", ["9999-12-31", "2027-06-11", "3000-01-01"])
def test_a_stop_date_more_than_a_year_ahead_is_refused_with_a_message(client, alice, rest, expires_on):
    client.force_login(alice)
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        response = _make(client, rest, expires_on)
        assert response.status_code == 200
        assert "up to a year ahead (10 June 2027 at the latest)" in response.content.decode()
        assert not Card.objects.exists()
        # The same day next year is the last one accepted.
        assert _make(client, rest, "2027-06-10").status_code == 302
    assert Card.objects.get().expires_at == dt.datetime(2027, 6, 11, tzinfo=dt.UTC)


# --- Rate limit on opening links ----------------------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(card_views, "CARD_RATE", (2, 60))
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, 5, tzinfo=dt.UTC), tick=False):
        yield


def _open_from(client, card, forwarded_for: str) -> int:
    return client.get(
        f"/c/{card.plain_token}/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.1"
    ).status_code


def test_visitors_behind_one_proxy_each_get_their_own_limit(client, alice, rest, settings, small_limit):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    card = make_card(alice, [rest])
    # Both visitors reach the app from the proxy's address (10.0.0.1), which appends theirs.
    assert [_open_from(client, card, "203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert [_open_from(client, card, "198.51.100.7") for _ in range(2)] == [200, 200]
    # A value the visitor wrote in front of the proxy's entry changes nothing.
    assert _open_from(client, card, "198.51.100.99, 203.0.113.5") == 429


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, alice, rest, settings, small_limit):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    card = make_card(alice, [rest])
    # With no proxy to trust, the header is the visitor's own words: the connecting address counts.
    statuses = [_open_from(client, card, f"203.0.113.{n}") for n in range(3)]
    assert statuses == [200, 200, 429]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert _open_from(client, card, "198.51.100.7") == 200  # the same setup behind a proxy: limits apart
