"""A visitor signs up, verifies by code, logs out and in, resets the password; TOTP sign-in."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, label, log_in, log_out, sign_up
from tests.conftest import PASSWORD, latest_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_verifies_logs_in_and_resets_password(page, live_server):
    base = live_server.url
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Know what you need")
    assert_accessible(page)

    page.goto(base + "/accounts/signup/")
    assert_accessible(page)
    sign_up(page, base, "rumi@example.com", PASSWORD)

    # Mandatory verification by code, read from the test mailbox.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_label(label("Code")).fill(latest_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    log_out(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Know what you need")

    page.goto(base + "/accounts/login/")
    assert_accessible(page)
    log_in(page, base, "rumi@example.com", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    log_out(page)

    # Password reset by code.
    page.goto(base + "/accounts/password/reset/")
    assert_accessible(page)
    page.get_by_label(label("Email")).fill("rumi@example.com")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Type the code we sent you")
    assert_accessible(page)
    page.get_by_label(label("Code")).fill(latest_code())
    page.get_by_role("button", name="Confirm").click()
    new_password = "a brand new passphrase for 2027"
    page.get_by_label(label("New Password")).fill(new_password)
    page.get_by_label(label("New Password (again)")).fill(new_password)
    assert_accessible(page)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator("main")).to_contain_text("Your new password is saved")

    log_in(page, base, "rumi@example.com", new_password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_person_turns_on_totp_and_logs_in_with_a_code(page, live_server, settings):
    base = live_server.url
    # Accept the next 30-second window too, so the log-in code differs from the activation code.
    settings.MFA_TOTP_TOLERANCE = 1
    make_person("tove@example.com")
    log_in(page, base, "tove@example.com", PASSWORD)

    page.goto(base + "/accounts/2fa/")
    assert_accessible(page)
    page.get_by_role("link", name="Turn on").first.click()
    # Changing security settings asks for the password again first.
    if page.get_by_label(label("Password")).count():
        page.get_by_label(label("Password")).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Confirm", re.I)).click()
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(label("Authenticator code")).fill(format_hotp_value(hotp_value(secret, _counter())))
    page.get_by_role("button", name="Turn it on").click()
    expect(page.locator("main")).to_contain_text(re.compile("recovery codes", re.I))
    assert_accessible(page)

    log_out(page)
    log_in(page, base, "tove@example.com", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("One more step")
    assert_accessible(page)
    # The next window's code: a code already used once is refused.
    page.get_by_label(label("Code")).fill(format_hotp_value(hotp_value(secret, _counter() + 1)))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def _counter() -> int:
    return int(time.time()) // 30
