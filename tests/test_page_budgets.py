"""Every main page reads the same number of queries whatever the length of the person's history and however
many other people there are: 1 or 10 years, 1 or 50 others.

The counts are compared with the same page for a person with one year among one other person, measured in the
same test, and each stays within its page's budget.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.devdata import history_create
from needs.models.needs import Need
from needs.services.checkins import checkins_save
from tests.conftest import make_person
from tests.factories import make_relationship

TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)

PAGES = {
    "dashboard": ("/", 14),  # with one for news from the people the person is connected with
    # Trends, 5: the session, the person and their settings, then the first day in range and each need's periods.
    "insights 90 days": ("/insights/?range=90d", 5),
    "insights 1 year": ("/insights/?range=1y", 5),
    "insights all time": ("/insights/?range=all", 5),
    # Feelings, 8: the first day in range, every need's periods summed, the feelings by period, the most linked
    # needs and the feeling patterns.
    "insights feelings 90 days": ("/insights/feelings/?range=90d", 8),
    "insights feelings all time": ("/insights/feelings/?range=all", 8),
    # The year, 4: a year of days.
    "insights year": ("/insights/year/", 4),
    # 9: besides what was written (with its links) and which needs moved, feelings day by day (1), the people
    # rated (1), what may have helped (1) and the closing question (1).
    "weekly review": ("/insights/week/?week=2026-06-01", 9),
    # The person's settings come with their wrapped data key (one read). The filter's needs and prompts are one
    # read; a word no reflection holds reads no reflection.
    "journal list": ("/journal/", 8),
    "search, a common word": ("/journal/?q=garden", 8),
    "search, an absent word": ("/journal/?q=zebraquartz", 6),
    "calendar": ("/journal/calendar/?month=2026-05", 5),
    "a need page": ("/needs/{need}/?range=all", 7),
    "wheel": ("/needs/wheel/", 4),
    "relationships": ("/needs/relationships/", 5),
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """People with 1 and 10 years of daily data (8 needs, a short reflection a day) and others to add."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        people = {}
        for years in (1, 10):
            person = make_person(f"budget-{years}y@example.com")
            history_create(
                user=person, today=TODAY, days=365 * years, needs=8, reflection_size=300, seed=years
            )
            # Every person has a need running low, so each dashboard shows the same pieces.
            low = Need.objects.for_user(person).order_by("name").first()
            for back in range(14):
                checkins_save(user=person, date=TODAY - dt.timedelta(days=back), ratings={low: (1, "")})
            make_relationship(person)
            people[years] = person
        state = {"people": people, "others": []}
        yield state
        for person in [*people.values(), *state["others"]]:
            person.delete()


def others_up_to(world, count: int) -> None:
    while len(world["others"]) < count:
        index = len(world["others"])
        other = make_person(f"budget-other-{index}@example.com")
        history_create(user=other, today=TODAY, days=30, needs=3, reflection_size=300, seed=100 + index)
        world["others"].append(other)


def queries_for(client, person, path: str) -> int:
    need = Need.objects.for_user(person).order_by("name").first()
    client.force_login(person)
    client.get("/")  # the first visit of the day picks the prompt of the day
    url = path.format(need=need.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("others", [1, 50])
@pytest.mark.parametrize("years", [1, 10])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_a_page_reads_the_same_queries_whatever_the_history_and_the_other_people(
    client, world, page_name, years, others
):
    path, budget = PAGES[page_name]
    others_up_to(world, 1)
    reference = queries_for(client, world["people"][1], path)
    others_up_to(world, others)
    count = queries_for(client, world["people"][years], path)
    assert count <= budget, f"{page_name}: {count} queries, budget {budget}"
    assert count == reference, (
        f"{page_name}: {count} queries with {years} years and {others} others, {reference} with 1"
    )
