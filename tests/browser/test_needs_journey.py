"""A new person builds their needs inventory, checks in on three dates and looks at their history."""

import datetime as dt
import re
from statistics import mean

import pytest
from playwright.sync_api import expect

from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.services.needs import catalogue_load
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_person_builds_an_inventory_checks_in_and_reads_their_history(page, live_server):
    base = live_server.url
    catalogue_load()
    person = make_person("noor@example.com")
    log_in(page, base, "noor@example.com", PASSWORD)

    # Empty inventory leads to the catalogue.
    page.goto(base + "/needs/")
    expect(page.get_by_role("heading", name="Start with what you already know")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Browse the catalogue").click()
    assert_accessible(page)

    # Adopt 5 needs across all four categories.
    picks = [
        CatalogueNeed.objects.filter(category=category).order_by("name")[index]
        for category, index in [
            ("mental", 0),
            ("physical", 0),
            ("physical", 1),
            ("spiritual", 0),
            ("emotional", 0),
        ]
    ]
    for pick in picks:
        page.get_by_label(pick.name, exact=True).check()
    page.get_by_role("button", name="Add the chosen needs").click()
    expect(page.locator(".messages .alert")).to_contain_text("Added 5 needs")
    assert_accessible(page)

    # Add one of their own.
    page.get_by_role("link", name="Add your own").click()
    assert_accessible(page)
    page.get_by_label(label("Name")).fill("Unhurried Sundays")
    page.get_by_label("Spiritual").check()
    page.get_by_label("5").check()
    page.get_by_label("What it looks like when this need is met").fill("No plans before noon; a long walk.")
    page.get_by_role("button", name="Add this need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unhurried Sundays")
    assert Need.objects.for_user(person).count() == 6

    # Check in on three dates: two days ago, yesterday, today.
    page.get_by_role("link", name="Check in", exact=True).click()
    assert_accessible(page)
    today = dt.date.fromisoformat(page.locator("#checkin-date").input_value())
    for back, score in [(2, 3), (1, 5), (0, 8)]:
        day = today - dt.timedelta(days=back)
        page.goto(f"{base}/needs/check-in/?date={day.isoformat()}")
        for fieldset in page.locator("fieldset.checkin-row").all():
            fieldset.locator("label.score-option", has_text=re.compile(rf"^{score}$")).click()
        if back == 0:
            first = page.locator("fieldset.checkin-row").first
            first.locator("summary").click()
            first.locator("textarea").fill("A good day for this one.")
        page.get_by_role("button", name="Save check-in").click()
        expect(page.locator(".messages .alert")).to_contain_text("Check-in saved")
    assert CheckIn.objects.for_user(person).count() == 18

    # The inventory shows the latest scores.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your needs")
    expect(page.locator(".score-badge")).to_have_count(6)
    for badge in page.locator(".score-badge").all():
        expect(badge).to_contain_text("8")
    assert_accessible(page)

    # A need's page: the chart, its text summary and data table.
    page.get_by_role("link", name="Unhurried Sundays").click()
    expect(page.locator("#chart-title")).to_contain_text("Weekly average score for Unhurried Sundays")
    expect(page.locator("#chart-summary")).to_contain_text("3 check-ins")
    page.get_by_text("Show the numbers").click()
    # The table holds the weekly averages of the stored scores 3, 5 and 8.
    expected = {}
    for checkin in CheckIn.objects.filter(need__name="Unhurried Sundays"):
        week = checkin.date - dt.timedelta(days=checkin.date.weekday())
        expected.setdefault(week, []).append(checkin.score)
    cells = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert cells == [str(round(mean(scores), 1)) for _, scores in sorted(expected.items())]
    assert_accessible(page)

    # The wheel.
    page.get_by_role("link", name="Wheel", exact=True).click()
    expect(page.locator("svg.wheel")).to_be_visible()
    expect(page.locator("#wheel-summary")).to_contain_text("Mental:")
    assert_accessible(page)

    # Archive a need and restore it.
    page.goto(base + "/needs/")
    page.get_by_role("link", name="Unhurried Sundays").click()
    page.get_by_role("button", name="Archive").click()
    expect(page.locator(".messages .alert")).to_contain_text("is archived")
    expect(page.locator("summary", has_text="Archived needs (1)")).to_be_visible()
    assert_accessible(page)
    page.locator("summary", has_text="Archived needs (1)").click()
    page.get_by_role("button", name="Restore Unhurried Sundays").click()
    expect(page.locator(".messages .alert")).to_contain_text("is back in your inventory")
    assert Need.objects.get(name="Unhurried Sundays").archived_at is None
    assert CheckIn.objects.filter(need__name="Unhurried Sundays").count() == 3
