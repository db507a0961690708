"""Being rate-limited by allauth (sign-up, log-in, codes) shows a calm page in Attune's layout."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signing_up_too_often_gets_a_calm_429_page_in_attunes_layout(client):
    url = reverse("account_signup")
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, 5, tzinfo=dt.UTC), tick=False):
        # Passwords that don't match: each try is refused, and each counts towards the limit (20 a minute).
        tries = [
            client.post(url, {"email": f"p{n}@example.com", "password1": "a", "password2": "b"}).status_code
            for n in range(21)
        ]
        assert tries[:20] == [200] * 20
        response = client.post(url, {"email": "p@example.com", "password1": "a", "password2": "b"})
    assert tries[20] == 429 and response.status_code == 429
    html = response.content.decode()
    assert "<title>Please wait a moment · Attune</title>" in html
    assert 'id="main"' in html and "Let’s pause for a moment" in html
    assert "wait a few minutes" in html and "Nothing was changed" in html
    assert "Too Many Requests" not in html
    assert not get_user_model().objects.exists()
