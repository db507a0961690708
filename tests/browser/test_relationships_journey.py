"""Relationships end to end: add someone with the needs that matter with them, rate, read the overview, and
remove them only after a confirmation page (cancel first, then confirm). Axe at phone and desktop sizes."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from needs.models.relationships import Relationship, RelationshipRating
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def accessible_at_both_sizes(page) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} scrolls sideways at {size['width']} px ({width})"


def test_add_rate_overview_and_remove_only_after_confirming(page, live_server):
    base = live_server.url
    person = make_person("rel@example.com")
    for name, category, importance in [("Rest", "physical", 5), ("Being heard", "emotional", 4), ("Play", "mental", 2)]:  # fmt: skip
        make_need(person, name, category, importance)
    log_in(page, base, "rel@example.com", PASSWORD)
    page.set_viewport_size(DESKTOP)

    # Add Sam with two needs that matter.
    page.goto(base + "/needs/relationships/")
    page.get_by_role("link", name="Add someone").click()
    page.get_by_label(label("Nickname (only you see it)")).fill("Sam")
    page.get_by_label("Partner").check()
    page.get_by_label("Rest", exact=True).check()
    page.get_by_label("Being heard", exact=True).check()
    accessible_at_both_sizes(page)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam")
    rel = Relationship.objects.get(owner=person)
    assert {need.name for need in rel.needs.all()} == {"Rest", "Being heard"}

    # Rating nothing is refused in words; then two dates of ratings, Play among the optional needs.
    page.get_by_role("button", name="Save ratings").click()
    expect(page.get_by_role("alert")).to_contain_text("Rate at least one need")
    assert not RelationshipRating.objects.exists()
    today = dt.date.fromisoformat(page.get_by_label("Date").input_value())
    page.get_by_label("Date").fill((today - dt.timedelta(days=14)).isoformat())
    page.get_by_label("Rest", exact=True).select_option("6")
    page.get_by_label("Being heard", exact=True).select_option("4")
    expect(page.get_by_label("Play", exact=True)).to_be_hidden()
    page.locator("summary", has_text="Other needs (optional)").click()
    page.get_by_label("Play", exact=True).select_option("8")
    page.get_by_role("button", name="Save ratings").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    page.get_by_label("Rest", exact=True).select_option("2")
    page.get_by_label("Being heard", exact=True).select_option("7")
    page.get_by_role("button", name="Save ratings").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    assert RelationshipRating.objects.filter(relationship=rel).count() == 5

    # The chart: a line per need, a legend, and a last date label inside the chart.
    chart = page.locator("svg.rel-chart")
    expect(chart.locator("polyline")).to_have_count(3)
    expect(page.locator(".rel-legend li")).to_have_count(3)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        frame = chart.bounding_box()
        last = chart.locator("text.chart-label[text-anchor='end']").last.bounding_box()
        assert last["x"] + last["width"] <= frame["x"] + frame["width"] + 0.5
    accessible_at_both_sizes(page)

    # The overview: Sam's lowest need first, with its direction in words.
    page.get_by_role("link", name="Relationships").last.click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Sam")
    rows = table.locator("tbody tr th[scope='row']")
    expect(rows).to_have_text(["Rest", "Being heard"])
    expect(table.locator("tbody tr").nth(1)).to_contain_text("Falling, from 6")
    expect(table.locator("tbody tr").nth(2)).to_contain_text("Rising, from 4")
    accessible_at_both_sizes(page)

    # Removing asks first; Cancel keeps everything.
    page.get_by_role("link", name="Sam").click()
    page.get_by_role("link", name="Remove Sam and their history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Sam and their history?")
    expect(page.locator("main")).to_contain_text("5 ratings over 2 dates")
    accessible_at_both_sizes(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/needs/relationships/{rel.pk}/$"))
    assert Relationship.objects.filter(pk=rel.pk).exists()
    assert RelationshipRating.objects.filter(relationship=rel).count() == 5

    # Confirming removes Sam and the history.
    page.get_by_role("link", name="Remove Sam and their history").click()
    page.get_by_role("button", name="Remove Sam and their history").click()
    expect(page.locator(".messages")).to_contain_text("Removed")
    expect(page.locator("main")).to_contain_text("No one added yet.")
    assert not Relationship.objects.filter(pk=rel.pk).exists()
    assert not RelationshipRating.objects.exists()
