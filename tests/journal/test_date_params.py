"""The calendar and the weekly review take a month or a week from the address: whatever is typed there, the
answer is a page (this month or week, with a note), never a server error, and the links stop at the edges."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_reflection

pytestmark = pytest.mark.django_db
CALENDAR = reverse("journal:calendar")
WEEK = reverse("journal:weekly_review")
NOTE = "We couldn’t find that"


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    "month",
    [
        "9999-12",
        "0001-01",
        "99999999999999999999-1",
        "1899-12",
        "2026-08",
        "2026-00",
        "2026-6-1",
        "٢٠٢٦-06",
        "\x00",
    ],
)
def test_a_month_outside_the_calendar_shows_this_month_with_a_note(client, alice, frozen, month):
    client.force_login(alice)
    response = client.get(CALENDAR, {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == dt.date(2026, 6, 1)
    assert NOTE in response.content.decode()


def test_the_calendar_stops_at_its_edges(client, alice, frozen):
    make_reflection(alice, date=dt.date(1900, 1, 15))
    client.force_login(alice)
    first = client.get(CALENDAR, {"month": "1900-01"})
    assert first.context["month"] == dt.date(1900, 1, 1) and first.context["previous"] is None
    assert NOTE not in first.content.decode() and "?month=1899-12" not in first.content.decode()
    days = {d.date: d for week in first.context["weeks"] for d in week if d.date}
    assert days[dt.date(1900, 1, 15)].reflections == 1
    assert client.get(CALENDAR, {"month": "1900-02"}).context["previous"] == dt.date(1900, 1, 1)
    # This month is the last: nothing is dated in the future, and no link leads there.
    last = client.get(CALENDAR, {"month": "2026-06"})
    assert last.context["month"] == dt.date(2026, 6, 1) and last.context["following"] is None
    assert "July →" not in last.content.decode() and "?month=2026-07" not in last.content.decode()
    assert client.get(CALENDAR, {"month": "2026-05"}).context["following"] == dt.date(2026, 6, 1)
    assert NOTE not in client.get(CALENDAR).content.decode()


@pytest.mark.parametrize(
    "week",
    [
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        "2026-06-15",
        "2026-02-30",
        "99999999-01-01",
        "\x00",
        "２０２６",
    ],
)
def test_a_week_outside_the_review_shows_this_week_with_a_note(client, alice, frozen, week):
    client.force_login(alice)
    response = client.get(WEEK, {"week": week})
    assert response.status_code == 200
    assert response.context["monday"] == dt.date(2026, 6, 8)
    assert NOTE in response.content.decode()


def test_the_weekly_review_stops_at_its_edges(client, alice, frozen):
    client.force_login(alice)
    first = client.get(WEEK, {"week": "1900-01-03"})
    assert first.context["monday"] == dt.date(1900, 1, 1) and first.context["previous"] is None
    assert NOTE not in first.content.decode() and "Week before" not in first.content.decode()
    assert client.get(WEEK, {"week": "1900-01-08"}).context["previous"] == dt.date(1900, 1, 1)
    # Any day of this week (even one still to come) is this week, without a note.
    this = client.get(WEEK, {"week": "2026-06-14"})
    assert this.context["monday"] == dt.date(2026, 6, 8) and this.context["following"] is None
    assert NOTE not in this.content.decode()
