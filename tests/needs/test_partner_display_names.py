"""Display names: each person chooses the name their partners see, in settings or when making or using an
invitation; every place a partner is shown uses it, or a neutral "your connection", never an email address."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from needs.models.accounts import Profile
from needs.models.sharing import Invitation, SharedNeed
from needs.services.sharing import partner_share_set
from tests.factories import make_connection, make_need

pytestmark = pytest.mark.django_db

SETTINGS = reverse("journal:settings")


def _settings_post(client, **partner):
    page = client.get(SETTINGS).content.decode()
    data = {}
    for name in (
        "profile-time_zone",
        "profile-day_ends_at",
        "profile-low_score_threshold",
        "profile-colour_mode",
    ):
        select = re.search(rf'name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
        data[name] = re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)
    data |= {"reminder-daily_time": "20:00", "reminder-weekly_day": "6", "reminder-weekly_time": "18:00"}
    data |= {f"partner-{key}": value for key, value in partner.items() if value is not None}
    return client.post(SETTINGS, data)


def _name(person) -> str:
    return Profile.objects.get(owner=person).display_name


def test_the_name_is_chosen_in_settings_and_shown_there_again(client, alice):
    client.force_login(alice)
    response = _settings_post(client, display_name="  Ali   Rose ", partner_emails="on")
    assert response.status_code == 302
    assert _name(alice) == "Ali Rose"
    assert 'value="Ali Rose"' in client.get(SETTINGS).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 61, "Keep the name to 60 characters or fewer (this one has 61)."),
        ("    ", "This name is only spaces. Type a name, or clear the box to show no name."),
        ("Ali\nRose", "Keep the name on one line"),
        ("Ali\u202eesoR", "Keep the name on one line"),
    ],
)
def test_a_name_too_long_only_spaces_or_on_two_lines_is_refused_on_the_form(client, alice, typed, message):
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": "Ali"})
    client.force_login(alice)
    response = _settings_post(client, display_name=typed, partner_emails="on")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert _name(alice) == "Ali"


def test_an_empty_name_clears_it(client, alice):
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": "Ali"})
    client.force_login(alice)
    assert _settings_post(client, display_name="", partner_emails="on").status_code == 302
    assert _name(alice) == ""


def test_making_an_invitation_asks_for_the_name_prefilled_and_saves_it(client, alice):
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": "Ali"})
    client.force_login(alice)
    page = client.get(reverse("sharing:partners")).content.decode()
    assert re.search(r'name="display_name"[^>]*value="Ali"', page)
    client.post(reverse("sharing:partners"), {"display_name": "Alice R."})
    assert Invitation.objects.filter(owner=alice).count() == 1
    assert _name(alice) == "Alice R."
    refused = client.post(reverse("sharing:partners"), {"display_name": "y" * 70}).content.decode()
    assert "60 characters or fewer" in refused
    assert Invitation.objects.filter(owner=alice).count() == 1 and _name(alice) == "Alice R."


def test_a_form_sent_without_the_name_field_leaves_the_chosen_name_alone(client, alice, bob):
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": "Ali"})
    Profile.objects.update_or_create(owner=bob, defaults={"display_name": "Bobby"})
    client.force_login(alice)
    client.post(reverse("sharing:partners"), {})  # a page from before the field, or another client
    assert Invitation.objects.filter(owner=alice).count() == 1 and _name(alice) == "Ali"
    code = Invitation.objects.get().reveal("code", owner=alice)
    client.force_login(bob)
    assert client.post(reverse("sharing:partner_join"), {"code": code}).status_code == 302
    assert _name(bob) == "Bobby"


def test_using_an_invitation_asks_for_the_name_and_saves_it_only_when_it_works(client, alice, bob):
    Profile.objects.update_or_create(owner=bob, defaults={"display_name": "Bobby"})
    client.force_login(alice)
    client.post(reverse("sharing:partners"), {"display_name": ""})
    code = Invitation.objects.get().reveal("code", owner=alice)
    client.force_login(bob)
    page = client.get(reverse("sharing:partner_join") + f"?code={code}").content.decode()
    assert re.search(r'name="display_name"[^>]*value="Bobby"', page)
    client.post(reverse("sharing:partner_join"), {"code": "wrong", "display_name": "Nope"})
    assert _name(bob) == "Bobby"
    response = client.post(reverse("sharing:partner_join"), {"code": code, "display_name": "Bo"})
    assert response.status_code == 302
    assert _name(bob) == "Bo"


def test_every_place_a_partner_appears_uses_their_name_never_their_email(
    client, alice, bob, django_capture_on_commit_callbacks
):
    Profile.objects.update_or_create(owner=bob, defaults={"display_name": "Bo"})
    connection = make_connection(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        partner_share_set(user=bob, connection=connection, needs=[make_need(bob, "Long walks")])
    client.force_login(alice)
    home = client.get("/").content.decode()
    listing = client.get(reverse("sharing:partners")).content.decode()
    detail = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert "Something new from Bo" in home
    assert "With Bo" in listing
    assert "You and Bo" in detail
    assert "something new from Bo" in mail.outbox[0].subject
    assert "Bo" in mail.outbox[0].body
    for shown in (home, listing, detail, mail.outbox[0].subject + mail.outbox[0].body):
        assert "bob@example.com" not in shown and not re.search(r"\bbob\b", shown, re.I)


def test_without_a_chosen_name_a_partner_is_your_connection_never_their_email(
    client, alice, bob, django_capture_on_commit_callbacks
):
    connection = make_connection(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        partner_share_set(user=bob, connection=connection, needs=[make_need(bob, "Long walks")])
    client.force_login(alice)
    home = client.get("/").content.decode()
    listing = client.get(reverse("sharing:partners")).content.decode()
    detail = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert "Something new from your connection" in home
    assert "With your connection" in listing
    assert "You and your connection" in detail
    assert mail.outbox[0].subject == "Attune: something new from your connection"
    for shown in (home, listing, detail, mail.outbox[0].subject + mail.outbox[0].body):
        assert "bob@example.com" not in shown and not re.search(r"\bbob\b", shown, re.I)
    assert SharedNeed.objects.filter(owner=bob).count() == 1
