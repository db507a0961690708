"""A year of history: dashboard, every insight view and a weekly review, checked against the data."""

import datetime as dt
import re

import pytest
from django.db.models import Avg
from playwright.sync_api import expect

from journal.devdata import history_create
from journal.models import Prompt
from needs.models.needs import Category, CheckIn
from needs.services.accounts import local_today
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_year_of_history_renders_truthfully_and_accessibly(page, live_server):
    base = live_server.url
    Prompt.objects.create(slug="q", text="What would make tomorrow kinder?", step="patience")
    person = make_person("year@example.com")
    today = local_today(person)
    history_create(user=person, today=today, days=365, needs=8, reflection_size=400, reflections_every=3)
    log_in(page, base, "year@example.com", PASSWORD)

    # Dashboard.
    expect(page.get_by_role("heading", name="Your practice")).to_be_visible()
    expect(page.locator("#consistency-heading + p")).to_contain_text("30 of the last 30 days")
    assert_accessible(page)

    # Each insight range.
    for key in ("30d", "90d", "1y", "all"):
        page.goto(f"{base}/insights/?range={key}")
        expect(
            page.get_by_role("heading", name="How well each category was met, week by week")
        ).to_be_visible()
        assert_accessible(page)

    # The other two views, reached by their tabs; the range chosen goes along to the feelings.
    tabs = page.get_by_role("navigation", name="Insights")
    expect(tabs.locator("[aria-current=page]")).to_have_text("Trends")
    tabs.get_by_role("link", name="Feelings").click()
    expect(page).to_have_url(f"{base}/insights/feelings/?range=all")
    expect(page.get_by_role("heading", name="Feelings beside your needs")).to_be_visible()
    expect(page.get_by_role("link", name="All time")).to_have_attribute("aria-current", "true")
    assert_accessible(page)
    page.get_by_text("Show the numbers").click()
    assert page.locator("#feelings-table tbody tr").count() >= 52
    tabs.get_by_role("link", name="Your year").click()
    expect(page.get_by_role("heading", name="Your year")).to_be_visible()
    expect(tabs.locator("[aria-current=page]")).to_have_text("Your year")
    expect(page.locator("#year-summary")).to_contain_text("of the last 365 days")
    assert_accessible(page)

    # The category table holds the stored weekly averages, each week whole (a range starts on a Monday).
    page.goto(f"{base}/insights/?range=90d")
    page.locator("summary", has_text="Show the numbers").first.click()
    rows = page.locator("#category-table tbody tr").all()
    assert rows
    header = page.locator("#category-table thead th").all_inner_texts()[1:]
    first_week = rows[0].locator("th").inner_text()
    week = dt.datetime.strptime(first_week, "%d %b %Y").date()
    for label, cell in zip(header, rows[0].locator("td").all_inner_texts(), strict=True):
        category = next(value for value, name in Category.choices if name == label)
        stored = CheckIn.objects.filter(
            owner=person,
            need__category=category,
            date__gte=week,
            date__lte=week + dt.timedelta(days=6),
        ).aggregate(avg=Avg("score"))["avg"]
        assert cell == str(round(stored, 1)), (label, cell, stored)

    # A weekly review.
    monday = today - dt.timedelta(days=today.weekday() + 7)
    page.goto(f"{base}/insights/week/?week={monday.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(f"Week of {monday.day} "))
    expect(page.get_by_role("heading", name="How your needs moved")).to_be_visible()
    assert_accessible(page)


def test_quick_check_in_works_with_and_without_javascript(page, live_server, browser):
    base = live_server.url
    person = make_person("quick@example.com")
    history_create(
        user=person, today=local_today(person) - dt.timedelta(days=1), days=3, needs=2, reflections_every=99
    )
    today = local_today(person)

    # With JavaScript: htmx swaps the fragment in place.
    log_in(page, base, "quick@example.com", PASSWORD)
    page.get_by_label("Need 01").select_option("7")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(page.locator("#quick-checkin")).to_contain_text("Saved — thank you for checking in.")
    assert page.url.rstrip("/") == base  # no navigation happened
    assert CheckIn.objects.get(owner=person, need__name="Need 01", date=today).score == 7
    assert_accessible(page)

    # Without JavaScript: a plain form post and a redirect home.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    log_in(plain, base, "quick@example.com", PASSWORD)
    plain.get_by_label("Need 02").select_option("3")
    plain.get_by_role("button", name="Save today’s check-in").click()
    expect(plain.locator(".messages")).to_contain_text("Today’s check-in is saved")
    assert CheckIn.objects.get(owner=person, need__name="Need 02", date=today).score == 3
    context.close()
