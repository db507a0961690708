"""The catalogue on a phone: jump to a category, find needs by a word, see what is chosen, and never lose a tick
that the search hides — with the script, and without it."""

import re

import pytest
from playwright.sync_api import expect

from needs.models.needs import CatalogueNeed, Need
from needs.services.needs import catalogue_load, needs_adopt
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def card(page, name: str):
    return page.locator("[data-picker-card]").filter(has=page.get_by_label(name, exact=True))


def picks():
    """A need the word "sleep" finds and one it does not."""
    sleepy = CatalogueNeed.objects.filter(description__icontains="sleep").order_by("name").first()
    awake = CatalogueNeed.objects.exclude(name__icontains="sleep").exclude(description__icontains="sleep")
    return sleepy, awake.order_by("name").first()


def test_on_a_phone_the_search_filters_the_count_follows_and_a_hidden_tick_is_added(page, live_server):
    catalogue_load()
    person = make_person("rumi@example.com")
    mine = CatalogueNeed.objects.filter(category="spiritual").order_by("name").first()
    needs_adopt(user=person, catalogue_needs=[mine])
    sleepy, awake = picks()
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "rumi@example.com", PASSWORD)
    page.goto(live_server.url + "/needs/catalogue/")

    count = page.locator(".picker-count")
    expect(count).to_have_text(re.compile(r"^\s*0 chosen\s*$"), use_inner_text=True)
    expect(card(page, mine.name)).to_contain_text("Already yours")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    # Ticking a card marks it three ways and counts it.
    page.get_by_label(awake.name, exact=True).check()
    expect(count).to_have_text(re.compile(r"^\s*1 chosen\s*$"), use_inner_text=True)
    expect(card(page, awake.name)).to_have_class(re.compile(r"\bis-chosen\b"))
    expect(card(page, awake.name).locator(".picker-tick")).to_be_visible()
    expect(card(page, sleepy.name).locator(".picker-tick")).to_be_hidden()
    chosen_border, plain_border = (
        card(page, name).evaluate("el => getComputedStyle(el).boxShadow")
        for name in (awake.name, sleepy.name)
    )
    assert chosen_border != plain_border

    # Typing a word hides what does not match; the tick on a hidden card is still counted.
    page.get_by_label("Find a need by a word").fill("sleep")
    expect(card(page, awake.name)).to_be_hidden()
    expect(card(page, sleepy.name)).to_be_visible()
    shown = CatalogueNeed.objects.filter(description__icontains="sleep").count()
    assert page.locator("[data-picker-card]:visible").count() == shown
    expect(page.locator("[data-picker-summary]")).to_have_text(f"Showing {shown} of 60 needs.")
    expect(count).to_contain_text("1 hidden by your search", use_inner_text=True)
    page.get_by_label(sleepy.name, exact=True).check()
    expect(count).to_have_text(re.compile(r"^\s*2 chosen, 1 hidden by your search\s*$"), use_inner_text=True)
    assert_accessible(page)  # chosen cards keep their contrast in both modes

    # A word that matches nothing says so, with a way back to the whole list.
    page.get_by_label("Find a need by a word").fill("zzqx")
    expect(page.get_by_text("No needs match “zzqx”.")).to_be_visible()
    expect(page.locator("nav[aria-label=Categories]")).to_be_hidden()
    page.get_by_role("button", name="Show all needs").click()
    expect(page.get_by_label("Find a need by a word")).to_have_value("")
    assert page.locator("[data-picker-card]:visible").count() == 60
    expect(count).to_have_text(re.compile(r"^\s*2 chosen\s*$"), use_inner_text=True)

    # Hidden by the search when the form is sent, the first tick is added all the same.
    page.get_by_label("Find a need by a word").fill("sleep")
    expect(card(page, awake.name)).to_be_hidden()
    page.get_by_role("button", name="Add the chosen needs").click()
    expect(page.locator(".messages .alert")).to_contain_text("Added 2 needs")
    adopted = set(Need.objects.for_user(person).values_list("catalogue_need_id", flat=True))
    assert adopted == {mine.pk, sleepy.pk, awake.pk}


def test_jump_links_scroll_to_each_category_on_a_phone(page, live_server):
    catalogue_load()
    make_person("ines@example.com")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "ines@example.com", PASSWORD)
    page.goto(live_server.url + "/needs/catalogue/")
    jump = page.get_by_role("navigation", name="Categories")
    for label in ("Emotional", "Physical"):
        expect(jump).to_contain_text(re.compile(label))
    emotional = page.get_by_role("heading", name="Emotional", level=2)
    expect(emotional).not_to_be_in_viewport()
    jump.get_by_role("link", name=re.compile(r"Emotional")).click()
    expect(page).to_have_url(re.compile(r"#cat-emotional$"))
    expect(emotional).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 1000
    # The bar with the count and the button stays in reach at the bottom of the screen.
    bar = page.locator(".picker-bar")
    expect(bar).to_be_in_viewport()
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] + 1
    assert page.get_by_role("button", name="Add the chosen needs").bounding_box()["height"] >= 24
    for size in (PHONE, {"width": 360, "height": 740}):
        page.set_viewport_size(size)
        assert no_sideways_scroll(page), size


def test_without_javascript_the_filter_keeps_the_ticks_and_the_count(browser, live_server):
    catalogue_load()
    person = make_person("tam@example.com")
    sleepy, awake = picks()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server.url, "tam@example.com", PASSWORD)
        page.goto(live_server.url + "/needs/catalogue/")
        page.get_by_label(awake.name, exact=True).check()
        page.get_by_label("Find a need by a word").fill("sleep")
        page.get_by_label("Find a need by a word").press("Enter")  # the Filter button
        expect(page.locator("[data-picker-summary]")).to_contain_text("Showing")
        expect(card(page, awake.name)).to_be_hidden()
        expect(page.locator(".picker-count")).to_have_text(
            re.compile(r"^\s*1 chosen, 1 hidden by your search\s*$")
        )
        page.get_by_label(sleepy.name, exact=True).check()
        expect(card(page, sleepy.name).locator(".picker-tick")).to_be_visible()  # marked without the script
        assert not Need.objects.for_user(person).exists()
        page.get_by_role("button", name="Add the chosen needs").click()
        expect(page.locator(".messages .alert")).to_contain_text("Added 2 needs")
        adopted = set(Need.objects.for_user(person).values_list("catalogue_need_id", flat=True))
        assert adopted == {sleepy.pk, awake.pk}
        page.goto(live_server.url + "/needs/catalogue/?q=zzqx")
        expect(page.get_by_text("No needs match “zzqx”.")).to_be_visible()
        page.get_by_role("button", name="Show all needs").click()
        expect(page.locator("[data-picker-card]:visible")).to_have_count(60)
    finally:
        context.close()
