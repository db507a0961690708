"""The daily clean-up deletes ended sessions and the address and browser recorded for them."""

import datetime as dt
import io

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.management import call_command
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
