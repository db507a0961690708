"""Openness and stepping back: statements, cards by link, partner exchange, relationships and pause plans."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection as db
from django.urls import reverse
from django.utils import timezone

from journal.models import Reminder
from journal.services.reminders import send_due
from needs.models.accounts import Profile
from needs.models.needs import CheckIn
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.models.sharing import (
    Answer,
    Card,
    Connection,
    Invitation,
    LoveProfile,
    SharedNeed,
    Statement,
    token_hash,
)
from tests.conftest import make_person
from tests.factories import (
    make_card,
    make_checkin,
    make_connection,
    make_need,
    make_relationship,
    make_statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(alice):
    return [
        make_need(alice, "Rest", "physical", 5, met="SECRET-MET"),
        make_need(alice, "Being heard", "emotional", 4),
        make_need(alice, "Room to think", "mental", 3),
        make_need(alice, "Hidden need", "spiritual", 2),
    ]


# --- Statements and the love profile ----------------------------------------------------------------------


def test_writing_and_editing_a_needs_statement(client, alice, needs):
    client.force_login(alice)
    url = reverse("sharing:statement_create", args=[needs[0].pk])
    bad = client.post(
        url, {"observation": "When plans changed", "feeling": "", "need_words": "", "request": ""}
    )
    assert bad.content.decode().count("This part of the statement is needed.") == 3
    assert "When plans changed" in bad.content.decode()
    client.post(url, {"observation": "When plans changed", "feeling": "unsettled", "need_words": "reliability",
                      "request": "Tell me by noon?"})  # fmt: skip
    statement = Statement.objects.get()
    assert statement.reveal("request", owner=alice) == "Tell me by noon?"
    page = client.get(reverse("needs:need_detail", args=[needs[0].pk])).content.decode()
    assert "Tell me by noon?" in page
    make_statement(alice, needs[0], "second")  # several per need
    assert Statement.objects.filter(need=needs[0]).count() == 2


def test_statements_and_love_profile_are_encrypted_at_rest(client, alice, needs):
    make_statement(alice, needs[0], "STATEMENT-SECRET")
    client.force_login(alice)
    client.post(reverse("sharing:love_profile"), {"text": "PROFILE-SECRET words", "needs": [needs[0].pk]})
    assert LoveProfile.objects.get().needs.get() == needs[0]
    make_relationship(alice, "NICKNAME-SECRET")
    with db.cursor() as cursor:
        for model in (Statement, LoveProfile, Relationship, Card):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert "SECRET" not in dump, model.__name__


# --- Needs cards -----------------------------------------------------------------------------------------


def test_a_card_link_has_at_least_128_bits_and_only_its_hash_is_stored(client, alice, needs):
    client.force_login(alice)
    client.post(reverse("sharing:card_create"), {"label": "For Sam", "needs": [needs[0].pk, needs[1].pk]})
    card = Card.objects.get()
    page = client.get(reverse("sharing:cards")).content.decode()
    token = re.search(r"/c/([A-Za-z0-9_-]+)/", page).group(1)
    assert len(token) * 6 >= 128 and card.token_hash == token_hash(token)
    assert token not in repr(Card.objects.values_list()) and "For Sam" not in repr(Card.objects.values_list())


def test_the_public_card_shows_exactly_what_was_chosen(client, alice, needs):
    checkin = make_checkin(alice, needs[0], dt.date(2026, 1, 1), 3, note="NOTE-SECRET")
    statement = make_statement(alice, needs[0], "shared-words")
    other_statement = make_statement(alice, needs[1], "private-words")
    card = make_card(alice, needs[:3], statements=[statement])
    response = client.get(f"/c/{card.plain_token}/")
    html = response.content.decode()
    assert response.status_code == 200
    for need in needs[:3]:
        assert need.name in html
    assert "Hidden need" not in html
    assert "request shared-words" in html and "private-words" not in html
    assert "NOTE-SECRET" not in html and "SECRET-MET" not in html and "out of 10" not in html
    assert "alice" not in html.lower()
    assert response["Referrer-Policy"] == "no-referrer"
    assert (
        response["X-Robots-Tag"] == "noindex, nofollow"
        and '<meta name="robots" content="noindex, nofollow">' in html
    )
    assert "no-store" in response["Cache-Control"]
    card.refresh_from_db()
    assert card.opened_count == 1
    scored = make_card(alice, needs[:1], include_scores=True)
    assert "Lately met: 3 out of 10" in client.get(f"/c/{scored.plain_token}/").content.decode()
    assert checkin and other_statement


def test_a_card_shows_what_each_need_means_only_when_the_box_is_ticked(client, alice, needs):
    client.force_login(alice)
    form = client.get(reverse("sharing:card_create")).content.decode()
    assert "Include what each need means to me" in form
    client.post(
        reverse("sharing:card_create"), {"label": "For Sam", "needs": [needs[0].pk], "include_meaning": "on"}
    )
    client.post(reverse("sharing:card_create"), {"label": "For Jo", "needs": [needs[0].pk]})
    with_meaning, without = Card.objects.get(include_meaning=True), Card.objects.get(include_meaning=False)
    assert with_meaning.reveal("label", owner=alice) == "For Sam"
    client.logout()
    shown = client.get(f"/c/{with_meaning.reveal('token', owner=alice)}/").content.decode()
    assert "What this means to me:" in shown and "SECRET-MET" in shown
    kept = client.get(f"/c/{without.reveal('token', owner=alice)}/").content.decode()
    assert "Rest" in kept and "SECRET-MET" not in kept and "What this means to me" not in kept


def test_unknown_and_altered_links_give_one_uniform_404_and_ended_cards_a_calm_410(client, alice, needs):
    live = make_card(alice, needs[:1])
    expired = make_card(alice, needs[:1], expires_at=timezone.now() - dt.timedelta(minutes=1))
    revoked = make_card(alice, needs[:1])
    client.force_login(alice)
    client.post(reverse("sharing:card_revoke", args=[revoked.pk]))
    client.logout()
    altered = live.plain_token[:-1] + ("A" if live.plain_token[-1] != "A" else "B")
    bodies = set()
    for token in ("x" * 32, altered):
        response = client.get(f"/c/{token}/")
        assert response.status_code == 404
        assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
        bodies.add(re.sub(r'name="csrf-token" content="[^"]+"', "", response.content.decode()))
    assert len(bodies) == 1
    for card in (expired, revoked):
        response = client.get(f"/c/{card.plain_token}/")
        assert response.status_code == 410
        assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
        assert "This card is no longer shared" in response.content.decode()
        card.refresh_from_db()
        assert card.opened_count == 0
    assert client.get(f"/c/{live.plain_token}/").status_code == 200


def test_the_public_card_is_rate_limited_per_address(client, alice, needs):
    card = make_card(alice, needs[:1])
    # The limit counts per minute: all requests fall in one minute, however slowly the suite runs.
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
        statuses = [client.get(f"/c/{card.plain_token}/").status_code for _ in range(61)]
        assert statuses[:60] == [200] * 60 and statuses[60] == 429
        guesses = client.get("/c/guess-after-the-limit/")
        assert guesses.status_code == 429


def test_card_form_refuses_bad_input(client, alice, bob, needs):
    bobs = make_need(bob, "Bob's")
    client.force_login(alice)
    url = reverse("sharing:card_create")
    assert "Choose at least one need" in client.post(url, {"label": "x"}).content.decode()
    assert "isn’t yours" in client.post(url, {"label": "x", "needs": [bobs.pk]}).content.decode()
    assert (
        "from today on"
        in client.post(
            url, {"label": "x", "needs": [needs[0].pk], "expires_on": "2000-01-01"}
        ).content.decode()
    )
    statement = make_statement(alice, needs[1])
    response = client.post(url, {"label": "x", "needs": [needs[0].pk], "statements": [statement.pk]})
    assert "isn’t on the card" in response.content.decode()
    assert not Card.objects.exists()


# --- Partner exchange ------------------------------------------------------------------------------------


def test_partners_connect_share_answer_and_disconnect(client, alice, bob, needs):
    client.force_login(alice)
    client.post(reverse("sharing:partners"))
    invitation = Invitation.objects.get()
    code = invitation.reveal("code", owner=alice)
    assert "own invitation" in client.post(reverse("sharing:partner_join"), {"code": code}).content.decode()

    client.force_login(bob)
    assert "doesn’t work" in client.post(reverse("sharing:partner_join"), {"code": "nope"}).content.decode()
    response = client.post(reverse("sharing:partner_join"), {"code": code})
    connection = Connection.objects.get()
    assert response["Location"] == reverse("sharing:partner_detail", args=[connection.pk])
    carol = make_person("carol@example.com")
    client.force_login(carol)
    assert (
        "doesn’t work" in client.post(reverse("sharing:partner_join"), {"code": code}).content.decode()
    )  # one-time

    bobs = make_need(bob, "Bob's walks", "physical")
    make_need(bob, "Bob's secret", "mental")
    shared_words = make_statement(alice, needs[0], "SHARED-WORDS")
    kept_words = make_statement(alice, needs[1], "KEPT-WORDS")
    client.force_login(alice)
    share = reverse("sharing:partner_share", args=[connection.pk])
    refused = client.post(share, {"needs": [needs[0].pk], "statements": [kept_words.pk]}).content.decode()
    assert "a need you aren’t sharing" in refused
    client.post(share, {"needs": [needs[0].pk, needs[1].pk], "statements": [shared_words.pk]})
    client.force_login(bob)
    client.post(reverse("sharing:partner_share", args=[connection.pk]), {"needs": [bobs.pk]})
    page = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert (
        "Rest" in page and "Being heard" in page and "Room to think" not in page and "Hidden need" not in page
    )
    assert "Bob&#x27;s walks" in page and "Bob&#x27;s secret" not in page
    assert "request SHARED-WORDS" in page and "KEPT-WORDS" not in page
    shared = SharedNeed.objects.get(owner=alice, need=needs[0])
    client.post(
        reverse("sharing:partner_answer", args=[connection.pk, shared.pk]),
        {"kind": "offer", "note": "Sundays are yours"},
    )
    mine = SharedNeed.objects.get(owner=bob)
    assert (
        client.post(
            reverse("sharing:partner_answer", args=[connection.pk, mine.pk]), {"kind": "offer"}
        ).status_code
        == 404
    )
    client.force_login(alice)
    page = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert "I can offer this: “Sundays are yours”" in page
    assert "SECRET-MET" not in page

    client.post(reverse("sharing:partner_end", args=[connection.pk]))
    for person in (alice, bob):
        client.force_login(person)
        assert client.get(reverse("sharing:partner_detail", args=[connection.pk])).status_code == 404
    assert Answer.objects.count() == 1


def test_a_partner_walking_every_url_reaches_nothing_unchosen(client, alice, bob, needs):
    """bob is connected to alice; with every id of alice's he can find, every page is a 404 or his own."""
    from tests.test_isolation import KWARGS, OWNED_URLS

    connection = make_connection(alice, bob)
    SharedNeed.objects.create(connection=connection, owner=alice, need=needs[0])
    objects = {
        "need": needs[1], "checkin": make_checkin(alice, needs[1], dt.date(2026, 1, 1), 5),
        "statement": make_statement(alice, needs[0]), "card": make_card(alice, needs[:1]),
        "relationship": make_relationship(alice),
    }  # fmt: skip
    client.force_login(bob)
    for name, kind in OWNED_URLS.items():
        if kind not in objects or name in KWARGS:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(name, kwargs={"pk": objects[kind].pk}))
            assert response.status_code in (404, 405), (name, method)
    page = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert "Rest" in page and "Being heard" not in page


# --- Relationships ---------------------------------------------------------------------------------------


def test_relationships_are_rated_with_history_and_bad_input_refused(client, alice, needs):
    client.force_login(alice)
    assert (
        "This field is required."
        in client.post(
            reverse("needs:relationship_create"), {"nickname": "  ", "kind": "friend"}
        ).content.decode()
    )
    client.post(reverse("needs:relationship_create"), {"nickname": "Sam", "kind": "partner"})
    rel = Relationship.objects.get()
    url = reverse("needs:relationship_detail", args=[rel.pk])
    field = f"need_{needs[0].pk.hex}"
    assert (
        "Choose a score from 0 to 10."
        in client.post(url, {"date": "2026-01-01", field: "12"}).content.decode()
    )
    assert "hasn’t happened yet" in client.post(url, {"date": "2999-01-01", field: "5"}).content.decode()
    client.post(url, {"date": "2026-01-01", field: "5"})
    client.post(url, {"date": "2026-01-08", field: "7"})
    client.post(url, {"date": "2026-01-08", field: "8"})  # same day again: updated, history kept
    assert list(RelationshipRating.objects.order_by("date").values_list("score", flat=True)) == [5, 8]
    html = client.get(url).content.decode()
    assert "How well each need was met with Sam, week by week" in html and "<td>8</td>" in html


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_relationship_where_important_needs_stay_low_for_30_days_is_surfaced(client, alice, needs):
    from journal.models import Prompt

    Prompt.objects.create(slug="sb", text="What would it mean to step back a little?", step="stepping_back")
    strained, fine = make_relationship(alice, "Pat"), make_relationship(alice, "Lee")
    today = dt.date(2026, 6, 10)
    for back in range(0, 35, 3):
        day = today - dt.timedelta(days=back)
        RelationshipRating.objects.create(
            owner=alice, relationship=strained, need=needs[0], date=day, score=2
        )  # importance 5
        RelationshipRating.objects.create(
            owner=alice, relationship=strained, need=needs[2], date=day, score=1
        )  # importance 3
        RelationshipRating.objects.create(
            owner=alice, relationship=fine, need=needs[0], date=day, score=2 if back > 10 else 6
        )
    client.force_login(alice)
    listing = client.get(reverse("needs:relationships")).content.decode()
    assert listing.count("Some important needs have stayed low") == 1
    page = client.get(reverse("needs:relationship_detail", args=[strained.pk])).content.decode()
    assert (
        "Something to look at gently" in page
        and "<strong>Rest</strong>" in page
        and "Room to think</strong>" not in page
    )
    assert "What would it mean to step back a little?" in page
    assert (
        "Something to look at gently"
        not in client.get(reverse("needs:relationship_detail", args=[fine.pk])).content.decode()
    )


def test_a_pause_plan_reminds_on_its_check_back_day_once_and_without_names(client, alice, needs):
    rel = make_relationship(alice, "NICKNAME-SECRET")
    Profile.objects.create(owner=alice, time_zone="UTC", time_zone_confirmed=True)
    client.force_login(alice)
    url = reverse("needs:pause_plan", args=[rel.pk])
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        assert (
            "Choose a day after today."
            in client.post(url, {"what_must_change": "x", "check_back_on": "2026-06-10"}).content.decode()
        )
        client.post(url, {"what_must_change": "PLAN-SECRET listening", "check_back_on": "2026-06-20"})
    plan = PausePlan.objects.get()
    assert plan.reveal("what_must_change", owner=alice) == "PLAN-SECRET listening"
    Reminder.objects.create(owner=alice, time_zone="UTC", daily_enabled=True, daily_time=dt.time(9, 0))
    assert send_due(dt.datetime(2026, 6, 19, 9, 5, tzinfo=dt.UTC)) == 1  # the daily nudge only
    mail.outbox.clear()
    send_due(dt.datetime(2026, 6, 20, 9, 5, tzinfo=dt.UTC))
    send_due(dt.datetime(2026, 6, 20, 9, 6, tzinfo=dt.UTC))
    check_backs = [m for m in mail.outbox if "check-back" in m.subject]
    assert len(check_backs) == 1
    assert "SECRET" not in check_backs[0].body + check_backs[0].subject


def test_sharing_pages_stay_within_their_query_budgets(
    client, alice, bob, needs, django_assert_max_num_queries
):
    connection = make_connection(alice, bob)
    for index in range(30):
        need = make_need(alice, f"Extra {index}", ["mental", "physical", "spiritual", "emotional"][index % 4])
        SharedNeed.objects.create(connection=connection, owner=alice, need=need)
        make_card(alice, [need, needs[0]], statements=[make_statement(alice, need)])
        rel = make_relationship(alice, f"Person {index}")
        for back in range(20):
            RelationshipRating.objects.create(
                owner=alice,
                relationship=rel,
                need=need,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=back),
                score=5,
            )
    card = Card.objects.first()
    client.force_login(alice)
    client.get("/")
    for url, budget in [(reverse("sharing:cards"), 10), (reverse("sharing:partner_detail", args=[connection.pk]), 14),
                        (reverse("needs:relationships"), 10), (f"/c/{card.reveal('token', owner=alice)}/", 14)]:  # fmt: skip
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url
    assert CheckIn.objects.count() == 0
