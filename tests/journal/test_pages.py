"""Landing, privacy, error pages, security headers, caching and the CSRF failure page."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.django_db
def test_landing_explains_attune_and_invites_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for word in ("Mental", "Physical", "Spiritual", "Emotional"):
        assert word in html
    for step in ("Honesty", "Openness", "Patience", "Time alone", "Stepping back"):
        assert step in html
    assert reverse("account_signup") in html
    assert reverse("journal:privacy") in html


def test_signed_in_home_is_private_and_never_cached(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "alice@example.com" in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_style_or_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?P<attrs>[^>]*)>", text):
            attrs = match.group("attrs")
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"<style[\s>]", text):
            offenders.append(f"{path.name}: <style>")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.name}: style attribute")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: inline event handler")
    assert not offenders


@pytest.mark.django_db
def test_unknown_page_uses_attunes_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_server_error_page_renders_without_a_request_context(rf):
    from journal.pages import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_csrf_failure_gives_the_written_text_back_but_never_secrets(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    words = "Dear me,\nשלום — today I noticed I need more rest. 🌙 <b>not markup</b>"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "hunter2-secret", "body": words, "title": "A stale form"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send that again" in html
    assert "A stale form" in html
    # The text comes back escaped, every character intact.
    assert "Dear me,\nשלום — today I noticed I need more rest. 🌙 &lt;b&gt;not markup&lt;/b&gt;" in html
    assert "hunter2-secret" not in html
    # A fresh token so the resend form works.
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Cache-Control"] == "no-store"
