"""By keyboard: focus is never dropped after an htmx swap, and Escape closes the header's menus.

A swap that replaces the part holding focus (the quick check-in form just submitted) would leave focus on
<body>, so a keyboard or screen-reader user would start again from the top of the page.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from needs.models.needs import CheckIn
from needs.services.accounts import local_today
from tests.conftest import make_person
from tests.factories import make_checkin, make_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim()};
}"""


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def person(db):
    """Someone a few days in: two needs, checked in yesterday, so home offers the quick check-in."""
    user = make_person("kai@example.com")
    yesterday = local_today(user) - dt.timedelta(days=1)
    for name, category in (("Restful sleep", "physical"), ("Being heard", "emotional")):
        make_checkin(user, make_need(user, name, category), yesterday, 5)
    return user


def test_after_the_quick_check_in_saves_focus_is_on_its_confirmation(page, live_server, person):
    _signed_in(page, live_server, person)
    page.goto(live_server.url + "/")
    quick = page.locator("#quick-checkin")
    quick.get_by_label("Restful sleep").select_option("7")
    quick.get_by_label("Being heard").select_option("4")
    # By keyboard: the button takes focus, Enter submits the form through htmx (no page load).
    quick.get_by_role("button", name="Save today’s check-in").focus()
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(reverse("needs:checkin"))
    ) as posted:
        page.keyboard.press("Enter")
    assert posted.value.request.headers.get("hx-request") == "true"
    confirmation = page.locator("#quick-checkin [role=status]")
    expect(confirmation).to_have_text("Saved — thank you for checking in.")
    expect(confirmation).to_be_focused()
    active = page.evaluate(ACTIVE)
    assert active["text"] == "Saved — thank you for checking in.", active
    scores = dict(
        CheckIn.objects.filter(owner=person, date=local_today(person)).values_list("need__name", "score")
    )
    assert scores == {"Restful sleep": 7, "Being heard": 4}

    # Tab goes on from the confirmation into the form below it, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#quick-checkin') !== null")


def _open_by_keyboard(page, summary) -> None:
    summary.focus()
    page.keyboard.press("Enter")
    expect(summary.locator("xpath=..")).to_have_attribute("open", "")


def _escape_closes(page, summary) -> None:
    menu = summary.locator("xpath=..")
    page.keyboard.press("Tab")  # into the menu's first item
    assert page.evaluate("document.activeElement.closest('details.menu[open]') !== null")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()


def test_escape_closes_the_account_and_colours_menus_and_returns_to_their_summary(page, live_server, person):
    _signed_in(page, live_server, person)
    page.goto(live_server.url + "/needs/")
    header = page.locator("body > header")
    for name in ("Account", "Colours"):
        summary = header.locator("summary", has_text=name)
        _open_by_keyboard(page, summary)
        _escape_closes(page, summary)
        # Escape with focus on the summary itself closes the menu too.
        _open_by_keyboard(page, summary)
        page.keyboard.press("Escape")
        expect(summary.locator("xpath=..")).not_to_have_attribute("open", "")
        expect(summary).to_be_focused()

    # Opening one menu closes the other; a click elsewhere closes it.
    account = header.locator("summary", has_text="Account")
    colours = header.locator("summary", has_text="Colours")
    colours.click()
    account.click()
    expect(colours.locator("xpath=..")).not_to_have_attribute("open", "")
    page.locator("main h1").click()
    expect(account.locator("xpath=..")).not_to_have_attribute("open", "")


def test_escape_closes_the_phone_menu_and_returns_to_its_summary(page, live_server, person):
    page.set_viewport_size({"width": 360, "height": 740})
    _signed_in(page, live_server, person)
    page.goto(live_server.url + "/needs/")
    summary = page.locator("body > header summary", has_text="Menu")
    expect(summary).to_be_visible()
    _open_by_keyboard(page, summary)
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links.filter(has_text="Journal")).to_be_visible()
    _escape_closes(page, summary)
    expect(links.filter(has_text="Journal")).to_be_hidden()

    # Tabbing past the last link closes the menu, so its panel never covers what has focus.
    _open_by_keyboard(page, summary)
    for _ in range(8):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Relationships"
    page.keyboard.press("Tab")
    expect(summary.locator("xpath=..")).not_to_have_attribute("open", "")
