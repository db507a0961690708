"""The daily clean-up deletes ended sessions, the address and browser recorded for them, and expired counters."""

import datetime as dt
import io

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD


def _log_in(client, person):
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def test_daily_clean_up_deletes_ended_sessions_with_their_address_and_browser(client, alice, bob):
    ended = _log_in(client, alice)
    client.logout()
    client.cookies.clear()
    live = _log_in(client, bob)
    assert UserSession.objects.filter(session_key=live).exists()
    # The session itself is gone, but the address and browser recorded for it are still there until cleaned.
    assert not Session.objects.filter(session_key=ended).exists()
    assert UserSession.objects.filter(session_key=ended).exists()
    expired = Session.objects.get(session_key=live)
    expired.pk = "expiredsessionkey0000000000000000"
    expired.expire_date = timezone.now() - dt.timedelta(seconds=1)
    expired.save()
    UserSession.objects.create(
        user=bob,
        session_key=expired.pk,
        ip="198.51.100.7",
        user_agent="Old browser",
        last_seen_at=timezone.now(),
    )

    out = io.StringIO()
    call_command("purge_trash", stdout=out)

    assert set(UserSession.objects.values_list("session_key", flat=True)) == {live}
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live).exists()
    assert "2 ended session record(s) deleted" in out.getvalue()


def test_daily_clean_up_deletes_expired_rate_limit_counters(db):
    cache.set("card-open:203.0.113.9:counter", 3, timeout=1)
    cache.set("still-counting:198.51.100.7", 1, timeout=600)
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expires = %s WHERE cache_key LIKE %s",  # noqa: S608
            [timezone.now() - dt.timedelta(seconds=5), "%card-open%"],
        )
    call_command("purge_trash", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
    assert not any("203.0.113.9" in key for key in keys)
    assert any("198.51.100.7" in key for key in keys)
