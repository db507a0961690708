"""Two people exchange needs: they connect by invitation under names they chose, bob shares a need, alice hears
of it by email and on her home page, opens it and answers; ending the connection asks first and Cancel keeps it.
And a needs card that shows what each need means, then stops being shared. Every page is checked by axe at phone
and desktop sizes, in light and dark."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from needs.models.sharing import Card, Connection
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 900}


def accessible_at_both_sizes(page) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page)


def test_two_people_connect_under_their_names_hear_of_news_answer_and_end_it_only_when_sure(
    page, live_server, browser
):
    base = live_server.url
    alice, bob = make_person("alice@example.com"), make_person("bob@example.com")
    make_need(alice, "Restful sleep", "physical")
    make_need(bob, "Long walks", "physical")

    # alice chooses her name in settings, then invites.
    log_in(page, base, "alice@example.com", PASSWORD)
    page.goto(base + "/settings/")
    accessible_at_both_sizes(page)
    page.get_by_label(label("The name people you connect with see")).fill("   ")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("main")).to_contain_text("This name is only spaces")
    page.get_by_label(label("The name people you connect with see")).fill("Ali")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Settings saved")
    page.goto(base + "/sharing/partners/")
    expect(page.get_by_label(label("The name people you connect with see"))).to_have_value("Ali")
    accessible_at_both_sizes(page)
    page.get_by_role("button", name="Create an invitation").click()
    invite_link = page.get_by_label(re.compile("^Invitation link")).input_value()

    # bob opens the link while logged out: the log-in page says what the link is, and logging in leads on to it.
    bob_context = browser.new_context(viewport=DESKTOP)
    bob_page = bob_context.new_page()
    bob_page.goto(invite_link)
    expect(bob_page.locator("main")).to_contain_text("Someone would like to connect with you on Attune")
    expect(bob_page.locator("main")).not_to_contain_text("Welcome back")
    accessible_at_both_sizes(bob_page)
    bob_page.get_by_label(label("Email")).fill("bob@example.com")
    bob_page.get_by_label(label("Password")).fill(PASSWORD)
    bob_page.get_by_role("button", name="Log in", exact=True).click()
    expect(bob_page).to_have_url(re.compile(r"/sharing/partners/join/"))
    accessible_at_both_sizes(bob_page)
    bob_page.get_by_label(label("The name people you connect with see")).fill("Bo")
    bob_page.get_by_role("button", name="Connect").click()
    expect(bob_page.get_by_role("heading", level=1)).to_have_text("You and Ali")
    expect(bob_page.locator("main")).not_to_contain_text("alice@example.com")
    accessible_at_both_sizes(bob_page)

    # bob shares a need: alice gets one short email and a card on her home page.
    assert mail.outbox == []
    bob_page.get_by_role("link", name="Choose what I share").click()
    accessible_at_both_sizes(bob_page)
    bob_page.get_by_label("Long walks").check()
    bob_page.get_by_role("button", name="Save what I share").click()
    expect(bob_page.locator(".messages")).to_contain_text("Saved")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    email = mail.outbox[0]
    assert email.subject == "Attune: something new from Bo"
    assert "Long walks" not in email.body and "bob@example.com" not in email.body
    connection = Connection.objects.get()
    assert f"/sharing/partners/{connection.pk}/" in email.body

    page.goto(base + "/")
    card = page.locator(".partner-news")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text("Something new from Bo")
    expect(card).not_to_contain_text("Long walks")
    accessible_at_both_sizes(page)
    page.goto(base + "/sharing/partners/")
    expect(page.locator(".partner-list")).to_contain_text("With Bo")
    expect(page.locator(".partner-news-badge")).to_have_text("Something new")
    page.goto(base + "/")
    card.get_by_role("link", name=re.compile("^See what’s new")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You and Bo")
    expect(page.locator(".shared-theirs strong")).to_have_text(["Long walks"])
    accessible_at_both_sizes(page)
    page.goto(base + "/")
    expect(page.locator(".partner-news")).to_have_count(0)

    # alice answers: bob hears of it, once.
    page.goto(base + f"/sharing/partners/{connection.pk}/")
    walks = page.locator(".shared-theirs", has_text="Long walks")
    walks.get_by_label("I can offer this").check()
    walks.get_by_label("Note about Long walks").fill("Saturday mornings")
    walks.get_by_role("button", name=re.compile("^Send")).click()
    expect(page.locator(".messages")).to_contain_text("Sent")
    assert [m.to for m in mail.outbox] == [["alice@example.com"], ["bob@example.com"]]
    assert mail.outbox[1].subject == "Attune: something new from Ali"
    assert "Saturday mornings" not in mail.outbox[1].body
    bob_page.goto(base + "/")
    expect(bob_page.locator(".partner-news")).to_contain_text("Something new from Ali")

    # Ending asks first, with what goes; Cancel keeps everything.
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="End this connection…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End your connection with Bo?")
    expect(page.locator(".partner-end-losses")).to_contain_text(
        "The 1 need they share with you stops being visible to you."
    )
    expect(page.locator(".partner-end-losses")).to_contain_text("1 from you and 0 from them")
    accessible_at_both_sizes(page)
    page.get_by_role("link", name="Cancel, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You and Bo")
    connection.refresh_from_db()
    assert connection.ended_at is None
    bob_page.goto(base + f"/sharing/partners/{connection.pk}/")
    expect(bob_page.locator(".shared-mine")).to_contain_text("I can offer this: “Saturday mornings”")

    page.get_by_role("link", name="End this connection…").click()
    page.get_by_role("button", name="End the connection").click()
    expect(page.locator(".messages")).to_contain_text("The connection is ended")
    accessible_at_both_sizes(page)
    connection.refresh_from_db()
    assert connection.ended_at is not None
    assert bob_page.goto(base + f"/sharing/partners/{connection.pk}/").status == 404
    bob_context.close()


def test_a_card_shows_what_each_need_means_then_says_calmly_it_is_no_longer_shared(
    page, live_server, browser
):
    base = live_server.url
    alice = make_person("alice@example.com")
    make_need(alice, "Restful sleep", "physical", met="Eight hours, and waking without an alarm")
    log_in(page, base, "alice@example.com", PASSWORD)
    page.goto(base + "/sharing/cards/new/")
    accessible_at_both_sizes(page)
    page.get_by_label("Who is this card for? (only you see this)").fill("For my sister")
    page.get_by_label("Restful sleep", exact=True).check()
    page.get_by_label("Include what each need means to me").check()
    page.get_by_role("button", name="Make the card").click()
    expect(page.locator(".messages")).to_contain_text("Your card is ready")
    expect(page.locator("main")).to_contain_text("with what each need means to you")
    accessible_at_both_sizes(page)
    link = page.get_by_label("Link to send").input_value()
    assert Card.objects.get().include_meaning

    reader_context = browser.new_context(viewport=DESKTOP)
    reader = reader_context.new_page()
    reader.goto(link)
    expect(reader.locator(".need-meaning")).to_contain_text("Eight hours, and waking without an alarm")
    accessible_at_both_sizes(reader)

    page.get_by_role("button", name=re.compile("^Revoke now")).click()
    expect(page.locator(".messages")).to_contain_text("Revoked")
    assert reader.goto(link).status == 410
    expect(reader.get_by_role("heading", level=1)).to_have_text("This card is no longer shared")
    expect(reader.locator("main")).not_to_contain_text("Restful sleep")
    accessible_at_both_sizes(reader)
    assert reader.goto(link[:-2] + "zz/").status == 404
    reader_context.close()
