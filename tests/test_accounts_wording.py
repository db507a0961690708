"""Every allauth page, message and email Attune shows speaks in Attune's words: none of allauth's stock sentences,
and never the internal username (people log in with their email address and never chose one)."""

import re
import time
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from config.accounts import AccountAdapter, MFAAdapter
from tests.conftest import PASSWORD, latest_code

pytestmark = pytest.mark.django_db

ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
ATTUNE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
APPS = ("account", "mfa", "usersessions")
# Pages for features Attune leaves off (phone numbers, changing the address in place of adding one).
UNUSED = {
    "account/phone_change.html",
    "account/confirm_phone_verification_code.html",
    "account/base_manage_phone.html",
}

# The phrases people reported, and allauth's older wordings of them.
REPORTED = (
    "Successfully signed in as",
    "has given your email address",
    "Confirm Access",
    "Please reauthenticate",
    "Hello from",
    "Thank you for using",
    "You're receiving this e-mail",
    "You're receiving this email",
    "You are receiving this",
    "safeguard your account",
)
# Pieces of allauth's sentences that are simply plain English in Attune's own pages too.
PLAIN = {"change your email address"}
USERNAME = "k7internal"  # what allauth would call the person; they never see it
EMAIL = "maya@example.com"


def _fragments(text: str) -> list[str]:
    """The sentences of a template string: the parts between variables and tags, of three words or more."""
    text = re.sub(r"{%\s*plural\s*%}", "\n", text)
    parts = re.split(r"{{.*?}}|{%.*?%}|<[^>]+>|\n", text)
    return [" ".join(part.split()) for part in parts if len(part.split()) >= 3]


def stock_sentences() -> set[str]:
    """Every translatable sentence in allauth's own templates for the apps Attune uses."""
    found = set(REPORTED)
    for app in APPS:
        for path in (ALLAUTH_TEMPLATES / app).rglob("*"):
            if not path.is_file():
                continue
            text = path.read_text()
            for match in re.finditer(r"{%\s*(?:trans|translate)\s+(['\"])(.*?)\1", text):
                found.update(_fragments(match.group(2)))
            for match in re.finditer(r"{%\s*block(?:trans|translate)[^%]*%}(.*?){%\s*endblock", text, re.S):
                found.update(_fragments(match.group(1)))
    return found


def stock_errors() -> set[str]:
    """allauth's own form errors (the phone and username ones are for features Attune leaves off)."""
    messages = {**DefaultAccountAdapter.error_messages, **DefaultMFAAdapter.error_messages}
    return {str(text) for key, text in messages.items() if "phone" not in key and "username" not in key}


STOCK = sorted(stock_sentences() | stock_errors())


def assert_own_words(*texts: str) -> None:
    for text in texts:
        flat = " ".join(text.replace("&#x27;", "'").split())
        stock = [phrase for phrase in STOCK if phrase in flat and phrase not in PLAIN]
        assert not stock, f"allauth's stock words {stock} in:\n{text[:3000]}"
        assert USERNAME not in flat, f"the internal username shows in:\n{text[:3000]}"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def mails() -> list[str]:
    return [f"{message.subject}\n{message.body}" for message in mail.outbox]


@pytest.fixture
def maya(db):
    user = get_user_model().objects.create_user(username=USERNAME, email=EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    return user


def test_the_stock_list_is_real():
    """The check can fail: allauth's own sentences are found, including the ones people saw."""
    assert len(STOCK) > 100
    assert "Please reauthenticate to safeguard your account." in STOCK
    assert "You have signed out." in STOCK


@pytest.mark.parametrize("app", APPS)
def test_every_message_and_email_allauth_can_send_has_attunes_version(app):
    """A message or email template allauth has and Attune does not would fall back to allauth's words."""
    for kind in ("messages", "email"):
        for stock in (
            (ALLAUTH_TEMPLATES / app / kind).glob("*.txt")
            if (ALLAUTH_TEMPLATES / app / kind).exists()
            else []
        ):
            name = f"{app}/{kind}/{stock.name}"
            if "phone" in stock.name:
                continue
            assert (ATTUNE_TEMPLATES / name).exists(), f"{name} is allauth's"


def test_every_allauth_page_has_attunes_version():
    for app in APPS:
        for stock in (ALLAUTH_TEMPLATES / app).rglob("*.html"):
            name = str(stock.relative_to(ALLAUTH_TEMPLATES))
            # Layouts and scripts without words of their own may stay allauth's.
            if name in UNUSED or not re.search(r"{%\s*(?:block)?trans", stock.read_text()):
                continue
            assert (ATTUNE_TEMPLATES / name).exists(), f"{name} is allauth's"


def _email_context(maya) -> dict:
    return {
        "user": maya, "email": EMAIL, "code": "ABC123", "activate_url": "https://attune.example/confirm/x/",
        "password_reset_url": "https://attune.example/reset/", "signup_url": "https://attune.example/signup/",
        "username": USERNAME, "from_email": "old@example.com", "to_email": EMAIL, "deleted_email": "old@example.com",
        "ip": "192.0.2.1", "user_agent": "Firefox", "timestamp": "27 November 2026", "recipient": EMAIL,
        "phone": "+441234567890", "MFA_RECOVERY_CODES_SHOW_ONCE": True,
        "current_site": {"name": "example.com", "domain": "127.0.0.1:8000"},
    }  # fmt: skip


def test_every_message_and_email_template_renders_in_attunes_words(maya):
    context = _email_context(maya)
    rendered = []
    for app in APPS:
        for path in sorted((ATTUNE_TEMPLATES / app).glob("*/*.txt")):
            if path.parent.name in ("messages", "email"):
                rendered.append(render_to_string(f"{app}/{path.parent.name}/{path.name}", context))
    assert len(rendered) >= 50
    assert all(text.strip() for text in rendered)
    assert_own_words(*rendered)


def test_the_ways_in_for_a_visitor(client, maya):
    names = ["account_login", "account_signup", "account_inactive", "account_reset_password",
             "account_password_reset_completed", "account_request_login_code"]  # fmt: skip
    pages = [page(client.get(reverse(name))) for name in names]
    assert "Welcome back" in pages[0] and "Start your private journal" in pages[1]
    assert_own_words(*pages)


def test_signing_up_and_confirming_the_address(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )  # fmt: skip
    code_page = page(response)
    assert "Confirm your email address" in code_page
    [message] = mail.outbox
    assert message.subject == "Attune: Confirm your email address to start your journal"
    assert "has given your email address" not in message.body and "127.0.0.1" not in message.body
    username = get_user_model().objects.get(email="new@example.com").username
    assert username not in message.body.replace("new@example.com", "")
    confirmed = page(
        client.post(reverse("account_email_verification_sent"), {"code": latest_code()}, follow=True)
    )
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert "Thank you, new@example.com is confirmed." in confirmed
    assert "You’re logged in." in confirmed
    assert username not in confirmed.replace("new@example.com", "")
    assert_own_words(code_page, confirmed, *mails())


def test_signing_up_with_a_taken_address_sends_attunes_email(client, maya):
    client.post(reverse("account_signup"), {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD})
    [message] = mail.outbox
    assert message.subject == "Attune: You already have an account"
    assert_own_words(*mails())
    assert get_user_model().objects.filter(email=EMAIL).count() == 1


def test_logging_in_says_so_without_the_username(client, maya):
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, follow=True)
    html = page(response)
    assert "You’re logged in." in html
    assert "Successfully signed in" not in html
    assert_own_words(html)
    assert int(client.session["_auth_user_id"]) == maya.pk


def test_logging_in_by_code(client, maya):
    sent = page(client.post(reverse("account_request_login_code"), {"email": EMAIL}, follow=True))
    assert "Type the code we sent you" in sent
    assert mail.outbox[-1].subject == "Attune: Your code to log in"
    done = page(client.post(reverse("account_confirm_login_code"), {"code": latest_code()}, follow=True))
    assert "You’re logged in." in done
    assert int(client.session["_auth_user_id"]) == maya.pk
    assert_own_words(sent, done, *mails())


def test_choosing_a_new_password(client, maya):
    asked = page(client.post(reverse("account_reset_password"), {"email": EMAIL}, follow=True))
    assert mail.outbox[-1].subject == "Attune: Your code to choose a new password"
    choose = page(
        client.post(reverse("account_confirm_password_reset_code"), {"code": latest_code()}, follow=True)
    )
    assert "Choose a new password" in choose
    new = PASSWORD + " again"
    done = page(
        client.post(
            reverse("account_complete_password_reset"), {"password1": new, "password2": new}, follow=True
        )
    )
    maya.refresh_from_db()
    assert maya.check_password(new)
    assert_own_words(asked, choose, done, *mails())


def test_a_password_reset_for_an_unknown_address(client, db):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    [message] = mail.outbox
    assert message.subject == "Attune: No Attune account for this address"
    assert_own_words(*mails())


def _reauthenticate(client) -> str:
    asked = page(client.get(reverse("account_reauthenticate")))
    assert "Is it still you?" in asked and "Confirm Access" not in asked
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return asked


def test_the_signed_in_account_pages(client, maya):
    client.force_login(maya)
    names = ["account_logout", "account_reauthenticate", "account_email", "account_change_password", "mfa_index",
             "mfa_list_webauthn", "usersessions_list"]  # fmt: skip
    pages = [page(client.get(reverse(name))) for name in names]
    # Steps that change how one logs in ask again first.
    pages.append(page(client.get(reverse("mfa_activate_totp"), follow=True)))
    pages.append(page(client.get(reverse("mfa_add_webauthn"), follow=True)))
    assert all("Is it still you?" in html for html in pages[-2:])
    assert_own_words(*pages)


def test_changing_addresses_and_password_and_logging_out(client, maya):
    client.force_login(maya)
    _reauthenticate(client)
    added = page(
        client.post(
            reverse("account_email"), {"action_add": "", "email": "maya.new@example.com"}, follow=True
        )
    )
    assert "We’ve sent a message to maya.new@example.com." in added
    assert mail.outbox[-1].subject == "Attune: Confirm your email address"
    new = PASSWORD + " changed"
    changed = page(
        client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new, "password2": new},
            follow=True,
        )
    )
    assert "Your new password is saved." in changed
    maya.refresh_from_db()
    assert maya.check_password(new)
    out = page(client.post(reverse("account_logout"), follow=True))
    assert "You’re logged out." in out
    assert "_auth_user_id" not in client.session
    assert_own_words(added, changed, out, *mails())


def test_choosing_a_first_password(client, maya):
    maya.set_unusable_password()
    maya.save()
    client.force_login(maya)
    assert "Choose a password" in (html := page(client.get(reverse("account_set_password"))))
    assert_own_words(html)


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_two_factor_pages_from_turning_on_to_turning_off(client, maya, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    client.force_login(maya)
    _reauthenticate(client)
    activate = page(client.get(reverse("mfa_activate_totp")))
    assert "Turn on an authenticator app" in activate
    secret = client.session["mfa.totp.secret"]
    turned_on = page(client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)}, follow=True))
    assert Authenticator.objects.filter(user=maya, type=Authenticator.Type.TOTP).exists()
    pages = [activate, turned_on]
    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp",
                 "mfa_download_recovery_codes", "mfa_reauthenticate", "account_reauthenticate"):  # fmt: skip
        pages.append(page(client.get(reverse(name))))
    # (allauth adds its message once the codes are saved for good, after the test's request has ended; the
    # message's own words are checked with the other templates above.)
    generated = page(client.post(reverse("mfa_generate_recovery_codes"), follow=True))
    assert "Recovery codes" in generated
    off = page(client.post(reverse("mfa_deactivate_totp"), follow=True))
    assert "Your authenticator app is off." in off
    assert not Authenticator.objects.filter(user=maya, type=Authenticator.Type.TOTP).exists()
    assert_own_words(*pages, generated, off, *mails())


def test_logging_in_with_a_second_factor(client, maya, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    secret = generate_totp_secret()
    TOTP.activate(maya, secret)
    asked = page(client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, follow=True))
    assert "One more step" in asked
    done = page(client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)}, follow=True))
    assert "You’re logged in." in done
    assert int(client.session["_auth_user_id"]) == maya.pk
    assert_own_words(asked, done)


def test_templates_attune_does_not_override_would_be_allauths():
    """The lookup goes to Attune's templates first (the check above would mean nothing otherwise)."""
    origin = get_template("account/reauthenticate.html").origin.name
    assert str(ATTUNE_TEMPLATES) in origin
    with pytest.raises(TemplateDoesNotExist):
        get_template("account/no_such_page.html")


def test_every_form_error_attune_can_show_is_in_its_own_words():
    ours = {**AccountAdapter.error_messages, **MFAAdapter.error_messages}
    for text in stock_errors():
        assert text not in {str(value) for value in ours.values()}, text


def test_form_errors_on_the_ways_in(client, maya):
    wrong = page(client.post(reverse("account_login"), {"login": EMAIL, "password": "not it"}))
    assert "That email address and password are not correct together." in wrong
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_request_login_code"), {"email": EMAIL})
    bad_code = page(client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"}))
    assert "That code isn’t right." in bad_code
    assert "_auth_user_id" not in client.session
    client.force_login(maya)
    _reauthenticate(client)
    taken = page(client.post(reverse("account_email"), {"action_add": "", "email": EMAIL}))
    assert "This address is already on your account." in taken
    assert EmailAddress.objects.filter(user=maya).count() == 1
    assert_own_words(wrong, bad_code, taken)
