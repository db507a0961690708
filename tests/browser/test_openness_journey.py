"""Openness with two people and an anonymous reader; stepping back from a strained relationship."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from journal.models import Prompt
from needs.models.relationships import RelationshipRating
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_need, make_relationship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_card_shows_exactly_three_needs_to_anyone_until_revoked(page, live_server, browser):
    base = live_server.url
    alice = make_person("alice@example.com")
    chosen = [make_need(alice, name, category) for name, category in
              [("Restful sleep", "physical"), ("Being heard", "emotional"), ("Room to think", "mental")]]  # fmt: skip
    make_need(alice, "Private need", "spiritual")
    log_in(page, base, "alice@example.com", PASSWORD)
    page.goto(base + "/sharing/")
    assert_accessible(page)
    page.get_by_role("link", name="Make a card").click()
    assert_accessible(page)
    page.get_by_label("Who is this card for? (only you see this)").fill("For my sister")
    for need in chosen:
        page.get_by_label(need.name, exact=True).check()
    page.get_by_role("button", name="Make the card").click()
    expect(page.locator(".messages")).to_contain_text("Your card is ready")
    link = page.get_by_label("Link to send").input_value()
    assert re.search(r"/c/[A-Za-z0-9_-]{32,}/$", link)
    assert_accessible(page)

    anonymous_context = browser.new_context()
    anonymous = anonymous_context.new_page()
    anonymous.goto(link)
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("What I need")
    # Exactly the three chosen needs, by category (mental, physical, emotional).
    expect(anonymous.locator(".shared-need h3")).to_have_text(
        ["Room to think", "Restful sleep", "Being heard"]
    )
    expect(anonymous.locator("main")).not_to_contain_text("Private need")
    assert_accessible(anonymous)

    page.get_by_role("button", name=re.compile("^Revoke now")).click()
    expect(page.locator(".messages")).to_contain_text("Revoked")
    response = anonymous.goto(link)
    assert response.status == 410
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("This card is no longer shared")
    expect(anonymous.locator("main")).to_contain_text("stopped sharing it")
    expect(anonymous.locator("main")).not_to_contain_text("alice")
    assert_accessible(anonymous)
    anonymous_context.close()


def test_two_people_connect_share_answer_and_disconnect(page, live_server, browser):
    base = live_server.url
    alice, bob = make_person("alice@example.com"), make_person("bob@example.com")
    for name, category in [
        ("Restful sleep", "physical"),
        ("Being heard", "emotional"),
        ("Quiet mornings", "spiritual"),
    ]:
        make_need(alice, name, category)
    for name, category in [("Long walks", "physical"), ("Bob's private need", "mental")]:
        make_need(bob, name, category)

    log_in(page, base, "alice@example.com", PASSWORD)
    page.goto(base + "/sharing/partners/")
    assert_accessible(page)
    page.get_by_role("button", name="Create an invitation").click()
    code = page.locator(".invite-code").inner_text()

    bob_context = browser.new_context()
    bob_page = bob_context.new_page()
    log_in(bob_page, base, "bob@example.com", PASSWORD)
    bob_page.goto(base + "/sharing/partners/join/")
    assert_accessible(bob_page)
    bob_page.get_by_label(label("Invitation code")).fill(code)
    bob_page.get_by_role("button", name="Connect").click()
    expect(bob_page.get_by_role("heading", level=1)).to_have_text("You and your connection")
    bob_page.get_by_role("link", name="Choose what I share").click()
    assert_accessible(bob_page)
    bob_page.get_by_label("Long walks").check()
    bob_page.get_by_role("button", name="Save what I share").click()

    page.goto(base + "/sharing/partners/")
    page.get_by_role("link", name="With your connection").click()
    page.get_by_role("link", name="Choose what I share").click()
    page.get_by_label("Restful sleep").check()
    page.get_by_label("Being heard").check()
    page.get_by_role("button", name="Save what I share").click()
    expect(page.locator(".shared-mine strong")).to_have_text(["Restful sleep", "Being heard"])
    expect(page.locator(".shared-theirs strong")).to_have_text(["Long walks"])
    assert_accessible(page)

    bob_page.reload()
    expect(bob_page.locator(".shared-theirs strong")).to_have_text(["Restful sleep", "Being heard"])
    expect(bob_page.locator("main")).not_to_contain_text("Quiet mornings")
    heard = bob_page.locator(".shared-theirs", has_text="Being heard")
    heard.get_by_label("I can offer this").check()
    heard.get_by_label("Note about Being heard").fill("Tuesday evenings, phones away")
    heard.get_by_role("button", name=re.compile("^Send")).click()
    expect(bob_page.locator(".messages")).to_contain_text("Sent")
    assert_accessible(bob_page)

    page.reload()
    expect(page.locator(".shared-mine", has_text="Being heard")).to_contain_text(
        "I can offer this: “Tuesday evenings, phones away”"
    )

    detail = page.url
    bob_page.get_by_role("link", name="End this connection…").click()
    bob_page.get_by_role("button", name="End the connection").click()
    expect(bob_page.locator(".messages")).to_contain_text("The connection is ended")
    assert page.goto(detail).status == 404
    assert bob_page.goto(detail).status == 404
    bob_context.close()


def test_stepping_back_from_a_relationship_where_important_needs_stay_low(page, live_server):
    base = live_server.url
    Prompt.objects.create(
        slug="sb", text="What would you need to see change, and by when?", step="stepping_back"
    )
    person = make_person("pat@example.com")
    important = make_need(person, "Being respected", "emotional", importance=5)
    rel = make_relationship(person, "Jordan", "work")
    # The server runs five weeks ahead, so a month of generated history ends "today".
    later = timezone.now() + dt.timedelta(days=35)
    with time_machine.travel(later, tick=True):
        today = later.date()
        for back in range(0, 36, 2):
            RelationshipRating.objects.create(owner=person, relationship=rel, need=important,
                                              date=today - dt.timedelta(days=back), score=2)  # fmt: skip
        log_in(page, base, "pat@example.com", PASSWORD)
        page.goto(base + "/needs/relationships/")
        expect(page.locator(".strained-note")).to_contain_text("Being respected")
        assert_accessible(page)
        page.get_by_role("link", name="Jordan").click()
        expect(page.get_by_role("heading", name="Something to look at gently")).to_be_visible()
        expect(page.locator(".stepping-back")).to_contain_text(
            "What would you need to see change, and by when?"
        )
        assert_accessible(page)
        page.get_by_role("link", name="Make a pause plan").click()
        page.get_by_label(label("What would have to change")).fill("Credit for shared work, said out loud.")
        page.get_by_label(label("Check back on")).fill((today + dt.timedelta(days=30)).isoformat())
        page.get_by_role("button", name="Save the plan").click()
        expect(page.get_by_role("heading", name="Pause plan")).to_be_visible()
        expect(page.locator("main")).to_contain_text("Credit for shared work, said out loud.")
        assert_accessible(page)
