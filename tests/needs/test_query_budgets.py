"""Pages must not grow queries as data grows: 40 needs and two years of daily check-ins."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from needs.models.needs import CheckIn
from tests.factories import make_history

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def history(alice):
    needs = make_history(alice, needs=40, days=730, today=TODAY, note_every=30)
    assert CheckIn.objects.count() == 40 * 730
    return needs


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    "page",
    ["needs:inventory", "needs:checkin", "needs:wheel", "need_detail_90d", "need_detail_all", "checkin_past"],
)
def test_pages_stay_within_ten_queries(client, alice, history, django_assert_max_num_queries, page):
    client.force_login(alice)
    url = {
        "need_detail_90d": reverse("needs:need_detail", args=[history[0].pk]),
        "need_detail_all": reverse("needs:need_detail", args=[history[0].pk]) + "?range=all",
        "checkin_past": reverse("needs:checkin") + "?date=2025-06-01",
    }.get(page) or reverse(page)
    client.get(reverse("needs:inventory"))  # first visit: the profile is created once
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_inventory_shows_every_need_with_its_latest_score(client, alice, history):
    client.force_login(alice)
    html = client.get(reverse("needs:inventory")).content.decode()
    for index, need in enumerate(history):
        assert need.name in html
        latest = index % 11  # score on TODAY (back=0) is (index + 0) % 11
        assert f'<span class="score-badge">{latest}<span' in html


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_saving_a_check_in_for_forty_needs_has_a_bounded_query_count(
    client, alice, history, django_assert_max_num_queries
):
    from tests.needs.test_checkins import rows

    client.force_login(alice)
    data = rows(*[(need, 5, "") for need in history], date="2026-06-10")
    # One statement per saved check-in (update in place) plus a fixed handful: never a lookup per row.
    # The handful includes the three that save the confirmation message in the session (messages never travel
    # in a cookie), and at most twelve that recompute the kept numbers: the date's day and week rows (five),
    # its month's rows (three) and its week's feeling sums (two, four when that week has feelings noted).
    with django_assert_max_num_queries(40 + 16 + 12):
        response = client.post(reverse("needs:checkin"), data)
    assert response.status_code == 302
    assert CheckIn.objects.filter(date=TODAY, score=5).count() == 40
