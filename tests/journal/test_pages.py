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
    assert reverse("privacy") in html


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
    from config.pages import server_error

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
        HTTP_ORIGIN="http://testserver",  # sent from one of our own pages, as browsers say on every POST
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


def _forms_in(html: str) -> list[str]:
    return re.findall(r"<form\b[^>]*>", html)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {
            "HTTP_ORIGIN": "http://testserver.evil.example",
            "HTTP_REFERER": "http://testserver/accounts/email/",
        },
        {},  # the browser named no origin at all
    ],
    ids=["other-origin", "null-origin", "other-referer", "lookalike-origin", "none"],
)
def test_a_cross_site_post_comes_back_to_read_never_one_click_from_being_sent(alice, headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse("account_email"),
        {"action_add": "", "email": "attacker@evil.example", "note": "Line one.\nLine two."},
        **headers,
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "attacker@evil.example" in html  # shown, to copy if it is the person's own
    assert "Line one.\nLine two.</textarea>" in html
    assert "we won’t offer to send it" in html
    assert "Send again" not in html
    # The only form left on the page is the layout's own log-out button: nothing posts the fields anywhere.
    assert _forms_in(html) == [f'<form method="post" action="{reverse("account_logout")}">']
    assert 'name="email"' not in html and 'name="note"' not in html
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/accounts/email/"}],
    ids=["origin", "referer-without-origin"],
)
def test_a_stale_form_from_our_own_page_comes_back_ready_to_send_again(alice, headers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("account_email"), {"email": "me.too@example.com"}, **headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<form method="post" action="{reverse("account_email")}" class="card card-body">' in html
    assert 'name="email" value="me.too@example.com"' in html
    assert "Send again" in html
