"""Passkeys: a person adds one (Chromium's virtual authenticator) and logs in with it, no password."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, label, log_in, log_out
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_adds_a_passkey_and_logs_in_with_it(page, live_server, context):
    base = live_server.url
    person = make_person("kit@example.com")
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                     "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}},
    )  # fmt: skip
    log_in(page, base, "kit@example.com", PASSWORD)
    page.goto(base + "/accounts/2fa/webauthn/add/")
    if page.get_by_label(label("Password")).count():
        page.get_by_label(label("Password")).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    assert_accessible(page)
    page.get_by_label(label("Name")).fill("Laptop")
    page.get_by_label(re.compile("Passwordless")).check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("main")).to_contain_text(re.compile("recovery codes|Security Keys|Laptop", re.I))
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN).exists()

    log_out(page)
    page.goto(base + "/accounts/login/")
    page.get_by_role("button", name="Log in with a passkey").click()
    # Logged in by the passkey alone: the home page, greeting a newcomer on their first day.
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(page.locator("summary", has_text="Account")).to_be_visible()
    expect(page.locator("#prompt-heading")).to_be_visible()
