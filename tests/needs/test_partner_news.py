"""News in a partner exchange: when one person shares a need or answers one, the other gets one short email
(after the write is committed, only "something new from <name>" and a link, at most once until they open the
connection, never if they turned it off) and a card on their home page until they open the connection."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.models.accounts import Profile
from needs.models.sharing import Answer, Connection, SharedNeed
from needs.services.partner_news import news_email_send, news_for
from needs.services.sharing import partner_answer_save, partner_share_set, partnership_end
from tests.conftest import make_person
from tests.factories import make_connection, make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(alice, bob):
    Profile.objects.update_or_create(owner=alice, defaults={"display_name": "Ali"})
    Profile.objects.update_or_create(owner=bob, defaults={"display_name": "Bo"})
    return make_connection(alice, bob)


@pytest.fixture
def walks(bob):
    return make_need(bob, "Long walks", "physical", met="SECRET-MEANING")


def _detail(connection) -> str:
    return reverse("sharing:partner_detail", args=[connection.pk])


def test_a_shared_need_emails_the_other_person_only_that_there_is_something_new(
    client, alice, bob, pair, walks, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sharing:partner_share", args=[pair.pk]), {"needs": [walks.pk]})
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice@example.com"]
    assert email.subject == "Attune: something new from Bo"
    site = settings.ATTUNE_SITE_URL.rstrip("/")
    assert site + _detail(pair) in email.body and site + reverse("journal:settings") in email.body
    assert "Long walks" not in email.subject + email.body and "SECRET" not in email.body
    pair.refresh_from_db()
    assert pair.inviter_notified_at is not None and pair.invitee_notified_at is None


def test_the_email_waits_for_the_commit(alice, bob, pair, walks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partner_share_set(user=bob, connection=pair, needs=[walks])
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=False) as again:
        partner_share_set(user=bob, connection=pair, needs=[walks])  # the same needs saved again: no news
    assert again == []


def test_one_email_per_connection_until_it_is_opened_then_the_next_news_emails_again(
    client, alice, bob, pair, walks, django_capture_on_commit_callbacks
):
    more = make_need(bob, "Quiet mornings", "spiritual")
    with django_capture_on_commit_callbacks(execute=True):
        partner_share_set(user=bob, connection=pair, needs=[walks])
        partner_share_set(user=bob, connection=pair, needs=[walks, more])
    assert len(mail.outbox) == 1
    client.force_login(alice)
    assert client.get(_detail(pair)).status_code == 200
    pair.refresh_from_db()
    assert pair.inviter_seen_at is not None and pair.inviter_seen_at > pair.inviter_notified_at
    shared = SharedNeed.objects.get(owner=bob, need=walks)
    mine = SharedNeed.objects.create(connection=pair, owner=alice, need=make_need(alice, "Rest"))
    with django_capture_on_commit_callbacks(execute=True):
        partner_answer_save(user=bob, shared=mine, kind=Answer.OFFER, note="NOTE-WORDS")
    assert len(mail.outbox) == 2
    assert "NOTE-WORDS" not in mail.outbox[1].body and "Rest" not in mail.outbox[1].body
    assert mail.outbox[1].to == ["alice@example.com"]
    assert shared  # bob's own share is untouched by alice's visit


def test_an_answer_emails_the_person_whose_need_it_answers(
    client, alice, bob, pair, walks, django_capture_on_commit_callbacks
):
    shared = SharedNeed.objects.create(connection=pair, owner=bob, need=walks)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sharing:partner_answer", args=[pair.pk, shared.pk]), {"kind": "more", "note": "Where?"}
        )
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert mail.outbox[0].subject == "Attune: something new from Ali"
    assert "Where?" not in mail.outbox[0].body and "Long walks" not in mail.outbox[0].body


def test_no_email_for_someone_who_turned_them_off_but_the_home_card_still_shows(
    client, alice, bob, pair, walks, django_capture_on_commit_callbacks
):
    Profile.objects.filter(owner=alice).update(partner_emails=False)
    with django_capture_on_commit_callbacks(execute=True):
        partner_share_set(user=bob, connection=pair, needs=[walks])
    assert mail.outbox == []
    pair.refresh_from_db()
    assert pair.inviter_notified_at is None
    client.force_login(alice)
    assert "Something new from Bo" in client.get("/").content.decode()


def test_the_settings_checkbox_turns_partner_emails_off(client, alice):
    from tests.needs.test_partner_display_names import _settings_post

    client.force_login(alice)
    assert _settings_post(client, display_name="Ali").status_code == 302
    assert Profile.objects.get(owner=alice).partner_emails is False
    assert _settings_post(client, display_name="Ali", partner_emails="on").status_code == 302
    assert Profile.objects.get(owner=alice).partner_emails is True


def test_an_ended_connection_sends_nothing(alice, bob, pair, walks):
    SharedNeed.objects.create(connection=pair, owner=bob, need=walks)
    partnership_end(connection=pair)
    assert news_email_send(connection_id=pair.pk, recipient_id=alice.pk) is False
    assert mail.outbox == []
    assert news_for(user=alice) == []


def test_the_home_card_shows_until_the_connection_is_opened(client, alice, bob, pair, walks):
    client.force_login(alice)
    assert "Something new from" not in client.get("/").content.decode()
    partner_share_set(user=bob, connection=pair, needs=[walks])
    home = client.get("/").content.decode()
    assert "Something new from Bo" in home and f'href="{_detail(pair)}"' in home
    assert "Long walks" not in home
    assert "Something new" in client.get(reverse("sharing:partners")).content.decode()
    client.get(_detail(pair))
    assert "Something new from" not in client.get("/").content.decode()
    assert "Something new" not in client.get(reverse("sharing:partners")).content.decode()
    client.force_login(bob)  # bob's own share is no news for him
    assert "Something new from" not in client.get("/").content.decode()
    assert Connection.objects.get(pk=pair.pk).invitee_seen_at is None


def test_the_home_card_adds_at_most_one_query_however_many_connections(client, alice, bob, pair, walks):
    client.force_login(alice)
    client.get("/")

    def home_queries() -> int:
        with CaptureQueriesContext(db) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    without = home_queries()
    partner_share_set(user=bob, connection=pair, needs=[walks])
    one = home_queries()
    for index in range(5):
        other = make_person(f"other{index}@example.com")
        Profile.objects.update_or_create(owner=other, defaults={"display_name": f"Other {index}"})
        link = make_connection(other, alice)
        partner_share_set(user=other, connection=link, needs=[make_need(other, "Something")])
    home = client.get("/").content.decode()
    assert home.count("Something new from") == 6
    assert home_queries() == one <= without + 1


def test_what_was_shared_before_partner_news_is_not_news_after_the_upgrade(client, alice, bob, pair, walks):
    partner_share_set(user=bob, connection=pair, needs=[walks])  # shared before the release, never "seen"
    Connection.objects.filter(pk=pair.pk).update(inviter_seen_at=None, invitee_seen_at=None)
    migration = importlib.import_module("needs.migrations.0010_connections_seen_at_start")
    migration.seen_now(django_apps, None)
    client.force_login(alice)
    assert "Something new from" not in client.get("/").content.decode()
    assert news_for(user=alice) == []
    # What bob shares after it is news again.
    later = make_need(bob, "Quiet mornings", "mental")
    partner_share_set(user=bob, connection=pair, needs=[walks, later])
    assert "Something new from Bo" in client.get("/").content.decode()
