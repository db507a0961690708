"""The staff admin is never a way into a journal: no credentials to set, no one to become, a second factor to enter."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from journal.models import Prompt
from needs.models.accounts import StaffAction
from needs.models.needs import CatalogueNeed
from tests.conftest import PASSWORD, make_person
from tests.factories import make_reflection, sign_in_with_second_factor
from tests.urlwalk import all_urls

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a brand new password 77"


def make_superuser():
    return User.objects.create_superuser("root", "root@example.com", "root-password-123")


def make_staff_with_every_permission():
    staff = User.objects.create_user("keeper", "keeper@example.com", "keeper-password-123", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=staff.pk)  # a fresh object: no stale permission cache


@pytest.fixture(params=["superuser", "every permission"])
def staff(request, client, db):
    """A client signed in as staff who confirmed this session with their authenticator app."""
    user = make_superuser() if request.param == "superuser" else make_staff_with_every_permission()
    sign_in_with_second_factor(client, user)
    # The way in works, so the refusals below come from the lockdown, not from a failed sign-in.
    assert client.get(reverse("admin:index")).status_code == 200
    client.user = user
    return client


def password_url(person) -> str:
    return f"/admin/auth/user/{person.pk}/password/"


# --- No credentials to set ------------------------------------------------------------------------


def test_staff_get_no_password_form_and_cannot_set_a_password(staff, alice):
    assert staff.get(password_url(alice)).status_code == 404
    response = staff.post(password_url(alice), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and not alice.check_password(NEW_PASSWORD)
    change = staff.get(reverse("admin:auth_user_change", args=[alice.pk]))
    assert change.status_code == 200
    assert "password" not in change.context["adminform"].form.fields
    assert "/password/" not in change.content.decode()


def test_staff_cannot_change_a_persons_email_or_username(staff, alice):
    url = reverse("admin:auth_user_change", args=[alice.pk])
    response = staff.post(
        url,
        {"username": "mallory", "email": "mallory@example.net", "is_active": "on", "password": "md5$x$y"},
    )
    assert response.status_code == 302  # the form was accepted: only what it offers was saved
    alice.refresh_from_db()
    assert (alice.username, alice.email) == ("alice", "alice@example.com")
    assert alice.check_password(PASSWORD)
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", flat=True)) == [
        "alice@example.com"
    ]


def test_staff_have_no_email_address_admin(staff, alice):
    address = EmailAddress.objects.get(user=alice)
    base = "/admin/account/emailaddress/"
    for url in (base, base + "add/", f"{base}{address.pk}/change/"):
        assert staff.get(url).status_code == 404, url
    staff.post(
        base + "add/", {"user": alice.pk, "email": "mallory@example.net", "verified": "on", "primary": "on"}
    )
    staff.post(
        f"{base}{address.pk}/change/", {"user": alice.pk, "email": "mallory@example.net", "verified": "on"}
    )
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["alice@example.com"]


def test_staff_cannot_add_an_account_with_a_password(staff):
    url = reverse("admin:auth_user_add")
    assert staff.get(url).status_code == 403
    response = staff.post(
        url,
        {
            "username": "mallory",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="mallory").exists()


def test_staff_own_password_is_changed_through_allauth_not_the_admin(staff):
    assert staff.get(reverse("admin:password_change"))["Location"] == reverse("account_change_password")
    staff.post(
        reverse("admin:password_change"),
        {
            "old_password": f"{staff.user.username}-password-123",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    staff.user.refresh_from_db()
    assert not staff.user.check_password(NEW_PASSWORD)


def test_staff_without_superuser_cannot_hand_out_powers(client, alice):
    keeper = make_staff_with_every_permission()
    sign_in_with_second_factor(client, keeper)
    group = Group.objects.create(name="curators")
    client.post(
        reverse("admin:auth_user_change", args=[keeper.pk]),
        {"is_active": "on", "is_staff": "on", "is_superuser": "on", "groups": [group.pk]},
    )
    keeper.refresh_from_db()
    assert not keeper.is_superuser and not keeper.groups.exists()


# --- Nothing to become: every admin page ---------------------------------------------------------------


def test_the_admin_offers_only_curation_and_account_status():
    # Email addresses, confirmation keys, sessions (their keys are signed-in browsers), MFA secrets and
    # linked accounts are all ways into an account: none of them is registered.
    assert set(admin.site._registry) == {CatalogueNeed, Prompt, User, Group}


def test_no_admin_page_signs_staff_in_as_a_person_or_shows_their_session(staff, alice):
    person = Client()
    person.force_login(alice)
    session_key = person.session.session_key
    # What allauth stores when someone logs in through it.
    UserSession.objects.create(
        user=alice, session_key=session_key, ip="203.0.113.9", user_agent="Firefox/140"
    )
    make_reflection(alice, title="Private title", body="Private words")
    urls = all_urls({"object_id": str(alice.pk), "id": str(alice.pk)})
    admin_urls = {
        name: url for name, url in urls.items() if name.startswith("admin:") and name != "admin:logout"
    }
    assert len(admin_urls) > 20
    # Where allauth's admin would show the session: its IP address and browser (and, never, its key).
    user_session = UserSession.objects.get(user=alice)
    admin_urls["user session"] = f"/admin/usersessions/usersession/{user_session.pk}/change/"
    for name, url in sorted(admin_urls.items()):
        response = staff.get(url)
        assert response.status_code < 500, name
        assert staff.session["_auth_user_id"] == str(staff.user.pk), name
        body = response.content.decode(errors="replace")
        for secret in (session_key, "203.0.113.9", "Firefox/140", "Private title", "Private words"):
            assert secret not in body, (name, secret)
    assert person.get(reverse("usersessions_list")).status_code == 200  # alice's own session still works


# --- A second factor, used in this session -------------------------------------------------------------


def test_the_admin_login_sends_people_to_allauth_and_signs_no_one_in(client):
    make_superuser()
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    off_site = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert off_site["Location"] == reverse("account_login") + "?next=/admin/"
    client.post(
        reverse("admin:login"), {"username": "root", "password": "root-password-123", "next": "/admin/"}
    )
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("level", ["superuser", "every permission"])
def test_staff_without_a_second_factor_are_told_to_set_one_up(client, level):
    user = make_superuser() if level == "superuser" else make_staff_with_every_permission()
    client.force_login(user)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url
    page = client.get(reverse("admin:index"), follow=True)
    assert page.status_code == 403
    html = page.content.decode()
    assert "Set up two-factor authentication" in html and reverse("mfa_index") in html


def test_staff_logging_in_through_allauth_reach_the_admin_only_after_their_code(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30-second boundary still counts
    root = make_superuser()
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(root, secret)
    response = client.post(reverse("account_login"), {"login": root.email, "password": "root-password-123"})
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get(reverse("admin:index")).status_code == 302  # password alone: not signed in yet
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    client.post(reverse("mfa_authenticate"), {"code": format_hotp_value(hotp_value(secret, counter))})
    assert client.session["_auth_user_id"] == str(root.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_logging_in_with_a_password_only_are_told_to_set_up_a_second_factor(client):
    root = make_superuser()
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": root.email, "password": "root-password-123"})
    assert client.session["_auth_user_id"] == str(root.pk)
    page = client.get(reverse("admin:index"), follow=True)
    assert page.status_code == 403 and reverse("mfa_index") in page.content.decode()


def test_staff_whose_session_did_not_use_their_second_factor_are_refused(client):
    sign_in_with_second_factor(client, make_superuser(), used=False)
    assert client.get(reverse("admin:index")).status_code == 302
    page = client.get(reverse("admin:index"), follow=True)
    assert page.status_code == 403
    assert reverse("mfa_reauthenticate") in page.content.decode()


def test_a_second_factor_recorded_for_a_removed_authenticator_no_longer_counts(client):
    root = make_superuser()
    authenticator = sign_in_with_second_factor(client, root)
    assert client.get(reverse("admin:index")).status_code == 200
    authenticator.delete()
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_person_at_the_admin_login_is_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("admin:login")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302


# --- Staff actions are recorded and shown to the person ------------------------------------------------


def test_suspending_and_reinstating_are_recorded_and_shown_to_the_person_only(staff, alice, bob):
    url = reverse("admin:auth_user_changelist")
    staff.post(url, {"action": "suspend", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_active
    staff.post(url, {"action": "reinstate", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert alice.is_active
    recorded = list(StaffAction.objects.for_user(alice).order_by("created_at", "pk"))
    assert [(a.action, a.actor, a.actor_email) for a in recorded] == [
        ("suspended", staff.user, staff.user.email),
        ("reinstated", staff.user, staff.user.email),
    ]
    assert not StaffAction.objects.for_user(bob).exists()

    alices = Client()
    alices.force_login(alice)
    html = alices.get(reverse("usersessions_list")).content.decode()
    assert "Staff actions on your account" in html
    assert "Suspended your account" in html and "Reinstated your account" in html

    bobs = Client()
    bobs.force_login(bob)
    html = bobs.get(reverse("usersessions_list")).content.decode()
    assert "Staff actions on your account" in html and "None." in html
    assert "Suspended your account" not in html and "Reinstated your account" not in html


def test_the_change_form_records_status_changes(client, alice):
    sign_in_with_second_factor(client, make_superuser())
    url = reverse("admin:auth_user_change", args=[alice.pk])
    client.post(url, {"is_active": "on", "is_staff": "on"})
    client.post(url, {"is_staff": "on"})
    alice.refresh_from_db()
    assert alice.is_staff and not alice.is_active
    actions = list(
        StaffAction.objects.for_user(alice).order_by("created_at", "pk").values_list("action", flat=True)
    )
    assert actions == ["staff_granted", "suspended"]
    assert "Gave your account staff access" in client.get(url).content.decode()  # staff see the record too


def test_staff_who_are_not_superusers_manage_status_only(client, alice):
    """Staff access and superusers' accounts are for superusers: other staff suspend and reinstate people."""
    keeper = make_staff_with_every_permission()
    root = make_superuser()
    sign_in_with_second_factor(client, keeper)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    client.post(url, {"is_staff": "on"})  # tries to give staff access and suspends
    alice.refresh_from_db()
    assert not alice.is_staff and not alice.is_active
    assert list(StaffAction.objects.for_user(alice).values_list("action", flat=True)) == ["suspended"]
    # A superuser's account is out of reach: not listed, no change form, no bulk suspend, no delete.
    assert root.email not in client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code in {302, 404}
    client.post(reverse("admin:auth_user_changelist"), {"action": "suspend", "_selected_action": [root.pk]})
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"})
    root.refresh_from_db()
    assert root.is_active and not StaffAction.objects.for_user(root).exists()


def test_a_staff_member_cannot_suspend_themselves_by_the_bulk_action(staff):
    staff.post(
        reverse("admin:auth_user_changelist"), {"action": "suspend", "_selected_action": [staff.user.pk]}
    )
    staff.user.refresh_from_db()
    assert staff.user.is_active and not StaffAction.objects.exists()


def test_the_record_outlives_the_staff_account(alice):
    root = make_superuser()
    client = Client()
    sign_in_with_second_factor(client, root)
    client.post(reverse("admin:auth_user_changelist"), {"action": "suspend", "_selected_action": [alice.pk]})
    root.delete()
    action = StaffAction.objects.get(owner=alice)
    assert action.actor is None and action.actor_email == "root@example.com"


def test_deleting_a_person_deletes_the_records_about_them(staff):
    carol = make_person("carol@example.com")
    staff.post(reverse("admin:auth_user_changelist"), {"action": "suspend", "_selected_action": [carol.pk]})
    assert StaffAction.objects.filter(owner=carol).exists()
    staff.post(reverse("admin:auth_user_delete", args=[carol.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=carol.pk).exists() and not StaffAction.objects.exists()
