"""A week looked back on: feelings beside the needs, the people rated, what may have helped, and a closing question
answered from the review. Axe at phone and desktop sizes, in light and dark."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from journal.models import Prompt, Reflection
from needs.services.accounts import local_today
from needs.services.relationships import relationship_ratings_save
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_checkin, make_need, make_reflection, make_relationship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = ({"width": 360, "height": 740}, {"width": 1280, "height": 900})


def test_a_week_reviewed_with_feelings_people_and_a_closing_question(page, live_server):
    base = live_server.url
    person = make_person("week@example.com")
    today = local_today(person)
    monday = today - dt.timedelta(days=today.weekday() + 7)  # last week: whole
    question = Prompt.objects.create(
        slug="time-alone-general-learned-this-week",
        text="What have you learned about yourself this week?",
        step="time_alone",
    )
    rest = make_need(person, "Rest", helps="Phone out of the bedroom")
    make_checkin(person, rest, monday - dt.timedelta(days=7), 3)
    make_checkin(person, rest, monday + dt.timedelta(days=1), 8)
    tuesday = monday + dt.timedelta(days=1)
    make_reflection(person, title="A calmer Tuesday", date=tuesday, needs=[rest], anxiety=3, confidence=7)
    make_reflection(person, date=monday - dt.timedelta(days=6), anxiety=6, confidence=5)
    sam = make_relationship(person, "Sam")
    relationship_ratings_save(
        user=person, relationship=sam, ratings=[(rest, monday - dt.timedelta(days=10), 4), (rest, monday, 7)]
    )
    log_in(page, base, "week@example.com", PASSWORD)

    page.goto(f"{base}/insights/week/?week={monday.isoformat()}")
    feelings = page.get_by_role("region", name="Day by day")
    expect(feelings.get_by_role("row")).to_have_count(8)  # the header and seven days
    expect(page.locator("main")).to_contain_text("Anxiety averaged 3.0, lower than the week before (6.0).")
    expect(page.locator("main")).to_contain_text("More met than before ↑")
    expect(page.get_by_role("link", name="Sam")).to_be_visible()
    expect(page.locator("main")).to_contain_text("What you said helps: Phone out of the bedroom")
    expect(page.get_by_role("link", name="A calmer Tuesday").first).to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert_accessible(page)

    page.get_by_role("link", name="Write a reflection answering it").click()
    expect(page.locator("main")).to_contain_text(question.text)
    page.get_by_label(label("Your reflection")).fill("That I rest better with the phone elsewhere.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator("main")).to_contain_text("Your reflection is saved.")
    assert Reflection.objects.filter(owner=person, prompt=question).count() == 1
