"""The URL walk: every page is behind sign-in except an explicit list of public ones."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.urlwalk import all_urls

# Pages a visitor may open without an account. Adding one here is a decision: say why in review.
PUBLIC = {
    "home",  # the landing page
    "privacy",
    "more_help",  # where to find help in person: someone in trouble must not have to sign in to read it
    "journal:goodbye",
    "card_public",  # a needs card: the unguessable token is the key (tests/needs/test_cards.py)  # shown after an account is deleted, to someone no longer signed in
    "journal:unsubscribe",  # one-click unsubscribe from an email: the signed token is the authorisation
    # The installable app: the same files for everyone, with no one's data in them.
    "web_manifest",
    "service_worker",
    "offline_page",
    "offline_state",  # a visitor gets only a form token; a signed-in person their own needs, never cached
    # allauth: the ways into an account
    "account_login",
    "account_signup",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_complete_password_reset",
    "account_password_reset_completed",
    "account_confirm_password_reset_code",
    "account_reset_password_by_code",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_inactive",
    "account_logout",
    "mfa_authenticate",
    "mfa_trust",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
    "account_signup_by_passkey",
}

URLS = all_urls()


def test_the_walk_finds_the_projects_pages():
    # Guards the walk itself: if it found nothing, every test below would pass vacuously.
    assert {"home", "privacy", "account_login", "mfa_index", "admin:index"} <= set(URLS)
    assert len(URLS) > 40


@pytest.mark.parametrize("name", sorted(set(URLS) - PUBLIC))
def test_anonymous_visitor_is_sent_to_log_in(client, name):
    response = client.get(URLS[name])
    assert response.status_code == 302, f"{name} answered {response.status_code}"
    # Admin pages send a visitor to the admin's log-in address, which passes them on to allauth's log-in.
    logins = (reverse(settings.LOGIN_URL), reverse("admin:login")) if name.startswith("admin:") else None
    login = logins or (reverse(settings.LOGIN_URL),)
    assert response["Location"].startswith(login), f"{name} → {response['Location']}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC & set(URLS)))
def test_public_pages_open_without_an_account(client, name):
    response = client.get(URLS[name])
    assert response.status_code < 500
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("name", sorted(URLS))
def test_signed_in_person_never_gets_a_server_error(client, alice, name):
    client.force_login(alice)
    response = client.get(URLS[name])
    assert response.status_code < 500, f"{name} answered {response.status_code}"


# admin:logout sends a signed-in non-staff person to the admin index, which then asks for staff log-in.
STAFF_ONLY = sorted(n for n in URLS if n.startswith("admin:") and n not in {"admin:login", "admin:logout"})


@pytest.mark.parametrize("name", STAFF_ONLY)
def test_admin_is_for_staff_only(client, alice, name):
    client.force_login(alice)  # signed in, not staff
    response = client.get(URLS[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
