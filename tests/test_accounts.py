"""Sign-up and log-in with bad input: always a clear message, never a 500."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD, latest_code

pytestmark = pytest.mark.django_db


def sign_up(client, email, password, password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password if password2 is None else password2},
    )


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "two@@example.com", "x" * 300])
def test_malformed_email_gets_a_clear_message(client, email):
    response = sign_up(client, email, PASSWORD)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_mismatched_passwords_get_a_clear_message(client):
    response = sign_up(client, "mia@example.com", PASSWORD, PASSWORD + "!")
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_a_10000_character_password_is_refused_politely(client):
    response = sign_up(client, "long@example.com", "x7!" * 3334)
    assert response.status_code == 200
    assert "This password is too long: use at most 1024 characters." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_a_64_character_passphrase_is_welcome(client):
    passphrase = "the quiet river runs beneath a sky of slow and patient clouds 64"
    assert len(passphrase) == 64
    response = sign_up(client, "poet@example.com", passphrase)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="poet@example.com")
    assert user.check_password(passphrase)


@pytest.mark.parametrize(
    "email",
    ["זאב@example.com", "user@مثال.com", "ñandú@example.com", "émilie.dubois@exämple.org"],
)
def test_unicode_and_rtl_addresses_never_cause_a_server_error(client, email):
    response = sign_up(client, email, PASSWORD)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()


def test_signing_up_twice_with_one_email_is_handled_without_revealing_the_account(client, alice):
    response = sign_up(client, "alice@example.com", PASSWORD)
    assert response.status_code in (200, 302)
    assert get_user_model().objects.filter(email__iexact="alice@example.com").count() == 1


def test_a_reused_verification_code_gets_a_clear_answer(client):
    assert sign_up(client, "ana@example.com", PASSWORD).status_code == 302
    code = latest_code()
    url = reverse("account_email_verification_sent")
    assert client.post(url, {"code": code}).status_code == 302
    assert EmailAddress.objects.get(email="ana@example.com").verified

    # Signed in: the address page shows it is already verified.
    response = client.post(url, {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email")
    html = response.content.decode()
    assert "ana@example.com" in html and "Verified" in html

    # Signed out: the code does not sign anyone in; the log-in page asks for the password.
    client.logout()
    response = client.post(url, {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.filter(email="ana@example.com").count() == 1


def test_a_wrong_verification_code_is_refused_with_a_message(client):
    sign_up(client, "ben@example.com", PASSWORD)
    response = client.post(reverse("account_email_verification_sent"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not EmailAddress.objects.get(email="ben@example.com").verified


def test_wrong_password_says_so_without_a_server_error(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
