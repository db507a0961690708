"""Sign-up and log-in with bad input: always a clear message, never a 500."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import TooManyFieldsSent
from django.urls import reverse

from config.context_processors import invitation
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
    assert "ana@example.com" in html and "Confirmed" in html

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
    assert "That code isn’t right." in response.content.decode()
    assert not EmailAddress.objects.get(email="ben@example.com").verified


def test_wrong_password_says_so_without_a_server_error(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "That email address and password are not correct together." in response.content.decode()


INVITED = "Someone would like to connect with you on Attune"


def test_an_invitation_link_opened_logged_out_explains_itself_on_the_log_in_page(client, alice):
    join = reverse("sharing:partner_join") + "?code=ABCD-EFGH"
    response = client.get(join, follow=True)
    login_url, _ = response.redirect_chain[-1]
    assert login_url.startswith(reverse("account_login") + "?next=")
    html = response.content.decode()
    assert INVITED in html and "You’re invited to connect" in html
    assert "Welcome back" not in html
    # The way to sign up instead keeps the invitation as the place to go afterwards.
    assert (
        f'href="{reverse("account_signup")}?next=%2Fsharing%2Fpartners%2Fjoin%2F%3Fcode%3DABCD-EFGH"' in html
    )

    # Logging in from there leads to the invitation.
    response = client.post(login_url, {"login": "alice@example.com", "password": PASSWORD})
    assert response["Location"] == join
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_the_sign_up_page_reached_from_an_invitation_says_why(client):
    nxt = reverse("sharing:partner_join") + "?code=ABCD-EFGH"
    html = client.get(reverse("account_signup"), {"next": nxt}).content.decode()
    assert INVITED in html and "Start your private journal" not in html
    assert (
        f'href="{reverse("account_login")}?next=%2Fsharing%2Fpartners%2Fjoin%2F%3Fcode%3DABCD-EFGH"' in html
    )
    # Signing up from there keeps the invitation as the place to go once the address is confirmed.
    response = client.post(
        reverse("account_signup") + "?next=" + nxt,
        {"email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD, "next": nxt},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="newcomer@example.com").exists()
    response = client.post(reverse("account_email_verification_sent"), {"code": latest_code()})
    assert response["Location"] == nxt


@pytest.mark.parametrize("nxt", ["", "/journal/", "https://evil.example/sharing/partners/join/", "/nowhere/"])
def test_log_in_and_sign_up_without_an_invitation_say_nothing_of_one(client, nxt):
    query = {"next": nxt} if nxt else {}
    login = client.get(reverse("account_login"), query).content.decode()
    signup = client.get(reverse("account_signup"), query).content.decode()
    assert "Welcome back" in login and "Start your private journal" in signup
    assert INVITED not in login and INVITED not in signup


def test_an_old_invitation_link_counts_as_an_invitation(client):
    html = client.get(reverse("account_login"), {"next": "/needs/partners/join/?code=ABCD"}).content.decode()
    assert INVITED in html


@pytest.mark.parametrize("nxt", ["http://[", "//[::1", "\x00"])
def test_a_next_that_is_no_url_at_all_is_no_invitation_and_no_error(client, nxt):
    for name in ("account_login", "account_signup"):
        response = client.get(reverse(name), {"next": nxt})
        assert response.status_code == 200
        assert INVITED not in response.content.decode()
    # Any page renders the note's check: a 404 with such a query string is still a calm 404.
    assert client.get("/no-such-page/", {"next": nxt}).status_code == 404


def test_the_invitation_note_never_reads_a_form_django_refused(rf, settings):
    # An error page for a refused form (too many fields) renders with the request: the note's check must not
    # read that form again, or the calm 400 would become a server error.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=x" for i in range(20)) + "&next=/sharing/partners/join/"
    request = rf.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    with pytest.raises(TooManyFieldsSent):
        request.POST  # noqa: B018 - what Django's own reading of it does
    assert invitation(request) == {}
    read = rf.post("/accounts/login/", {"next": "/sharing/partners/join/?code=AB"})
    read.POST  # noqa: B018 - the log-in form has read it
    assert invitation(read) == {"arriving_by_invitation": True}
