"""A newcomer on a phone: signs up, is welcomed, names five needs, checks in once, writes once, lands home."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from journal.models import Reflection
from needs.models.needs import CatalogueNeed, CheckIn, Need
from tests.browser.helpers import assert_accessible, label, sign_up
from tests.conftest import PASSWORD, latest_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _signed_up(page, email: str):
    call_command("load_starter_content", verbosity=0)
    page.set_viewport_size(PHONE)
    sign_up(page, page.base_url, email, PASSWORD)
    page.get_by_label(label("Code")).fill(latest_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Attune")


def test_a_newcomer_on_a_phone_is_led_from_the_idea_to_a_first_reflection(page, live_server):
    _signed_up(page, "newcomer@example.com")
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("Four kinds of need")
    page.get_by_role("button", name="Choose my first needs").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your first needs")
    expect(page.locator("main")).to_contain_text("Five is a good start")
    assert_accessible(page)
    chosen = [
        CatalogueNeed.objects.filter(category=category).order_by("name")[i].name
        for category, i in [
            ("mental", 0),
            ("physical", 0),
            ("spiritual", 0),
            ("emotional", 0),
            ("emotional", 1),
        ]
    ]
    for name in chosen:
        page.get_by_label(name, exact=True).check()
    expect(page.locator("[data-picker-count]")).to_have_text("5")
    page.get_by_role("button", name="Add these and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your first check-in")
    assert_accessible(page)
    for score, name in zip(["7", "5", "8", "3", "6"], chosen, strict=True):
        page.get_by_label(name, exact=True).select_option(score)
    page.get_by_role("button", name="Save my first check-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your first reflection")
    assert_accessible(page)
    question = page.locator("#welcome-question").inner_text()
    page.get_by_label(label("Your reflection")).fill("I need more quiet than I admit.")
    page.get_by_role("button", name="Save my first reflection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(page.locator("main")).to_contain_text("Your first reflection is saved")
    assert_accessible(page)
    assert sorted(Need.objects.values_list("name", flat=True)) == sorted(chosen)
    assert sorted(CheckIn.objects.values_list("score", flat=True)) == [3, 5, 6, 7, 8]
    reflection = Reflection.objects.select_related("prompt").get()
    assert reflection.prompt.text == question
    assert reflection.prompt.step == "honesty"

    # Never shown again: home stays home.
    page.goto(page.base_url + "/welcome/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")


def test_a_newcomer_who_skips_every_step_still_reaches_a_working_home(page, live_server):
    _signed_up(page, "skipper@example.com")
    for heading in ("Choose your first needs", "Your first check-in", "Your first reflection"):
        page.get_by_role("button", name="Skip this step").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.get_by_role("button", name="Skip this step").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    expect(page.get_by_role("heading", name="Start by naming a few needs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Choose my needs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs catalogue")
