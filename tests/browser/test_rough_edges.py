"""The pages issue 15's rough edges touched, on a phone and a desktop, in light and dark mode: the log-in and
sign-up pages reached from an invitation, asking for the password again, search results, insights with the year's
key, the calendar at this month and the landing page's step circles."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from needs.services.accounts import local_today
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_checkin, make_need, make_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
INVITED = "Someone would like to connect with you on Attune"


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_invitation_note_on_log_in_and_sign_up(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    base = live_server.url
    # An invitation link opened logged out: the site asks to log in first, and says why.
    page.goto(base + reverse("sharing:partner_join") + "?code=ABCD-EFGH")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("You’re invited to connect")
    expect(page.locator("main")).to_contain_text(INVITED)
    expect(page.locator("main")).not_to_contain_text("Welcome back")
    no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("link", name="Create one to see the invitation").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next=%2Fsharing%2Fpartners%2Fjoin%2F"))
    expect(page.locator("main")).to_contain_text(INVITED)
    no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("link", name="Log in to see the invitation").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fsharing%2Fpartners%2Fjoin%2F"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_changed_pages_of_a_signed_in_person(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    base = live_server.url
    person = make_person("wren@example.com")
    today = local_today(person)
    rest = make_need(person, "Rest", "physical")
    for back in range(60):
        make_checkin(person, rest, today - dt.timedelta(days=back), 2 + back % 9)
    for back in (1, 20, 40):
        make_reflection(
            person,
            title=f"Waiting {back}",
            body="I was **waiting** for _news_ all day.",
            date=today - dt.timedelta(days=back),
            needs=[rest],
        )
    log_in(page, base, "wren@example.com", PASSWORD)

    page.goto(base + reverse("account_reauthenticate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Is it still you?")
    no_sideways_scroll(page)
    assert_accessible(page)

    page.goto(base + reverse("journal:reflection_list") + "?q=waiting")
    results = page.locator("main .reflection-card")
    expect(results).to_have_count(3)
    expect(results.first).to_contain_text("Waiting 1")
    expect(results.last).to_contain_text("Waiting 40")
    expect(results.first.locator("mark").first).to_have_text(re.compile("waiting", re.I))
    expect(page.locator("main")).not_to_contain_text("**")
    no_sideways_scroll(page)
    assert_accessible(page)

    page.goto(base + reverse("journal:insights_year"))
    legend = page.locator(".heat-legend")
    expect(legend).to_contain_text("Less met")
    expect(legend).to_contain_text("More met")
    expect(page.locator("#year-summary")).not_to_contain_text(re.compile("darker|lighter", re.I))
    no_sideways_scroll(page)
    assert_accessible(page)

    page.goto(base + reverse("journal:calendar"))
    months = page.get_by_role("navigation", name="Months")
    expect(months.get_by_role("link")).to_have_count(1)
    expect(months.get_by_role("link")).to_contain_text("←")
    expect(page.locator(".site-links .nav-link.active")).to_have_text("Journal")
    no_sideways_scroll(page)
    assert_accessible(page)

    page.goto(base + reverse("journal:data"))
    expect(page.locator(".site-links .nav-link.active")).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_landing_step_numbers_are_circles_that_hold_two_digits(page, live_server, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server.url + "/")
    steps = page.locator(".step-number")
    expect(steps).to_have_count(5)
    for index in range(5):
        box = steps.nth(index).bounding_box()
        assert abs(box["width"] - box["height"]) < 0.5, box
    # Two digits fit inside the circle without spilling out.
    steps.first.evaluate("el => { el.textContent = '88'; }")
    fits = steps.first.evaluate("el => el.scrollWidth <= el.clientWidth")
    box = steps.first.bounding_box()
    assert fits and abs(box["width"] - box["height"]) < 0.5, box
    no_sideways_scroll(page)
    assert_accessible(page)
