"""Dashboard and insights: right numbers, kind words, and query budgets with ten years of data."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from journal.devdata import history_create
from journal.models import Prompt
from journal.services import insights
from journal.services.home import consistency
from needs.models.accounts import Profile
from needs.models.needs import CheckIn
from tests.conftest import make_person
from tests.factories import make_checkin, make_need, make_reflection, quick_checkin_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


@pytest.fixture(scope="module")
def decade(django_db_setup, django_db_blocker):
    """One person with ten years of daily data: 40 needs, 146,000 check-ins, 3,650 reflections of ~2 KB."""
    with django_db_blocker.unblock():
        person = make_person("decade@example.com")
        counts = history_create(user=person, today=TODAY, days=3650, needs=40)
        assert counts == {"needs": 40, "checkins": 146_000, "reflections": 3650}
        yield person
        person.delete()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/", 12),
        ("/insights/?range=30d", 15),
        ("/insights/?range=90d", 15),
        ("/insights/?range=1y", 15),
        ("/insights/?range=all", 15),
        ("/insights/feelings/?range=90d", 15),
        ("/insights/feelings/?range=all", 15),
        ("/insights/year/", 15),
        ("/insights/week/?week=2026-06-01", 12),
    ],
)
def test_dashboard_and_insights_stay_within_their_query_budgets(
    client, decade, django_assert_max_num_queries, url, budget
):
    Prompt.objects.create(slug="q", text="What do you need?", step="honesty")
    client.force_login(decade)
    client.get("/")  # the first visit of the day picks the prompt of the day
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_all_time_insights_of_ten_years_are_drawn_in_quarters_within_200_kb(client, decade):
    client.force_login(decade)
    response = client.get("/insights/?range=all")
    html = response.content.decode()
    assert len(response.content) <= 200_000, len(response.content)
    assert "How well each category was met, quarter by quarter" in html
    table = re.search(r'id="category-table">.*?</table>', html, re.S).group(0)
    quarters = re.findall(r'<tr><th scope="row">([A-Z][a-z]+–[A-Z][a-z]+ \d{4})</th>', table)
    assert len(quarters) in (41, 42) and quarters[-1] == "Apr–Jun 2026"  # one row a quarter, not 522 weeks
    assert "week of" not in html
    # At about 40 points a line draws its dots again, each named by its quarter.
    assert "<title>Physical, Apr–Jun 2026: " in html
    feelings = client.get("/insights/feelings/?range=all")
    assert len(feelings.content) <= 200_000, len(feelings.content)
    assert "<title>Needs met (average), Apr–Jun 2026: " in feelings.content.decode()
    # The year of days keeps each day's name.
    year = client.get("/insights/year/")
    assert len(year.content) <= 200_000, len(year.content)
    assert "<title>Wed 10 Jun 2026: average " in year.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_numbers_in_charts_tables_and_choices_are_printed_unlocalised(client, alice):
    rest, heard = make_need(alice, "Rest", "physical"), make_need(alice, "Heard", "emotional")
    for back, score in enumerate((4, 7, 5, 8, 6, 9, 3, 6, 7, 5, 8, 4, 7, 6, 5, 9, 6)):
        make_checkin(alice, rest, TODAY - dt.timedelta(days=back), score)
        make_checkin(alice, heard, TODAY - dt.timedelta(days=back * 2), 10 - score)
    make_reflection(alice, date=TODAY, anxiety=3, confidence=6, needs=[rest])
    make_reflection(alice, date=TODAY - dt.timedelta(days=1), anxiety=6, confidence=5, needs=[rest])
    client.force_login(alice)
    urls = [
        "/insights/?range=30d",
        "/insights/?range=all",
        "/insights/feelings/?range=all",
        "/insights/year/",
    ]
    urls += [reverse("needs:need_detail", args=[rest.pk])]
    urls += [reverse("needs:wheel"), "/"]
    # German writes 5,5 for 5.5; an SVG coordinate or a table number written so is broken.
    with translation.override("de"):
        pages = {url: client.get(url).content.decode() for url in urls}
    for url, html in pages.items():
        localised = re.findall(r' (?:cx|cy|x|y|x1|x2|y1|y2|width|height|r)="[^"]*,[^"]*"', html)
        assert not localised, (url, localised[:3])
        assert not re.findall(r"<td>\d+,\d</td>", html), url
    insights = pages["/insights/?range=30d"]
    assert re.search(r"<td>\d+\.\d</td>", insights)
    assert re.search(r"<td>\d+\.\d</td>", pages["/insights/feelings/?range=all"])
    year = pages["/insights/year/"]
    assert re.search(r"<td>\d+\.\d</td>", year) and re.search(r"average \d+\.\d", year)
    assert '<option value="4" selected>4 / 10</option>' in pages["/"]


# --- Consistency and streaks ------------------------------------------------------------------------


def test_consistency_counts_days_and_the_current_run():
    today = dt.date(2026, 6, 10)
    active = {today - dt.timedelta(days=n) for n in (1, 2, 3, 5, 40)}
    result = consistency(active, today=today)
    assert (result.active_days, result.streak, result.active_today) == (4, 3, False)  # run still open today
    assert "4 of the last 30 days" in result.sentence
    assert consistency(active | {today}, today=today).streak == 4
    assert consistency(set(), today=today).sentence.startswith("Any day is a good day")


@pytest.mark.parametrize(
    ("zone", "day_end", "moment", "expected_today"),
    [
        (
            "Pacific/Auckland",
            dt.time(0),
            dt.datetime(2026, 6, 10, 11, 30, tzinfo=dt.UTC),
            dt.date(2026, 6, 10),
        ),
        (
            "Pacific/Auckland",
            dt.time(0),
            dt.datetime(2026, 6, 10, 12, 30, tzinfo=dt.UTC),
            dt.date(2026, 6, 11),
        ),
        (
            "America/Los_Angeles",
            dt.time(0),
            dt.datetime(2026, 6, 10, 6, 30, tzinfo=dt.UTC),
            dt.date(2026, 6, 9),
        ),
        ("Europe/Berlin", dt.time(4), dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC), dt.date(2026, 6, 9)),
        ("Europe/Berlin", dt.time(4), dt.datetime(2026, 6, 10, 2, 30, tzinfo=dt.UTC), dt.date(2026, 6, 10)),
    ],
)
def test_streak_and_today_follow_the_time_zone_and_day_end(
    client, alice, zone, day_end, moment, expected_today
):
    Profile.objects.create(owner=alice, time_zone=zone, day_ends_at=day_end, time_zone_confirmed=True)
    need = make_need(alice, "Rest")
    for back in range(1, 4):  # the three days before the person's "today"
        make_checkin(alice, need, expected_today - dt.timedelta(days=back), 6)
    make_reflection(alice, date=expected_today - dt.timedelta(days=10))
    client.force_login(alice)
    with time_machine.travel(moment, tick=False):
        context = client.get("/").context
    assert context["today"] == expected_today
    assert context["consistency"].streak == 3 and not context["consistency"].active_today
    assert context["consistency"].active_days == 4
    with time_machine.travel(moment, tick=False):
        client.post(reverse("needs:checkin"), quick_checkin_data(need, 8))
        context = client.get("/").context
    assert CheckIn.objects.filter(date=expected_today).exists()
    assert context["consistency"].streak == 4 and context["consistency"].active_today


def test_the_streak_can_be_switched_off(client, alice):
    need = make_need(alice, "Rest")
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        for back in range(5):
            make_checkin(alice, need, TODAY - dt.timedelta(days=back), 6)
        client.force_login(alice)
        assert "Current run: 5 days in a row." in client.get("/").content.decode()
        Profile.objects.filter(owner=alice).update(show_streak=False)
        html = client.get("/").content.decode()
    assert "Current run" not in html and "5 of the last 30 days" in html


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_needs_below_the_threshold_for_two_weeks_are_surfaced_with_a_prompt(client, alice):
    Prompt.objects.create(slug="o", text="What could you ask for here?", step="openness", category="physical")
    low, fine, short = (
        make_need(alice, "Low rest"),
        make_need(alice, "Fine"),
        make_need(alice, "Recently low"),
    )
    for back in range(15):
        make_checkin(alice, low, TODAY - dt.timedelta(days=back), 2)
        make_checkin(alice, fine, TODAY - dt.timedelta(days=back), 8)
    for back in range(5):
        make_checkin(alice, short, TODAY - dt.timedelta(days=back), 1)
    client.force_login(alice)
    response = client.get("/")
    assert [item["need"] for item in response.context["low_needs"]] == [low]
    html = response.content.decode()
    assert "Needs that could use some care" in html and "What could you ask for here?" in html
    prompt = Prompt.objects.get(slug="o")
    assert f'<a class="fw-semibold" href="{reverse("needs:need_detail", args=[low.pk])}">Low rest</a>' in html
    assert f'href="{reverse("journal:reflection_create")}?prompt={prompt.pk}&amp;need={low.pk}"' in html
    Profile.objects.filter(owner=alice).update(low_score_threshold=2)
    assert client.get("/").context["low_needs"] == []


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_home_page_links_each_recent_and_earlier_reflection_to_itself(client, alice):
    written = make_reflection(alice, title="Today's walk", date=TODAY)
    untitled = make_reflection(alice, date=TODAY - dt.timedelta(days=1))
    a_year_ago = make_reflection(alice, title="A year ago", date=TODAY.replace(year=TODAY.year - 1))
    make_reflection(make_person("other"), title="Not hers", date=TODAY)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert (
        f'<a href="{reverse("journal:reflection_detail", args=[written.pk])}">Today&#x27;s walk</a>' in html
    )
    assert f'<a href="{reverse("journal:reflection_detail", args=[untitled.pk])}">' in html
    earlier = reverse("journal:reflection_detail", args=[a_year_ago.pk])
    assert html.count(f'<a href="{earlier}">') == 2  # among the recent ones, and on this day
    assert "Not hers" not in html


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_quick_check_in_without_javascript_redirects_home_and_with_htmx_answers_a_fragment(client, alice):
    need = make_need(alice, "Rest")
    client.force_login(alice)
    data = quick_checkin_data(need, 7)
    plain = client.post(reverse("needs:checkin"), data)
    assert plain.status_code == 302 and plain["Location"] == reverse("home")
    data["rating-0-score"] = "9"
    fragment = client.post(reverse("needs:checkin"), data, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and 'id="quick-checkin"' in html
    assert "Saved — thank you for checking in." in html and '<option value="9" selected>' in html
    assert CheckIn.objects.get(need=need, date=TODAY).score == 9


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_insight_tables_hold_the_stored_weekly_averages(client, alice):
    rest, heard = make_need(alice, "Rest", "physical"), make_need(alice, "Heard", "emotional")
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    make_checkin(alice, rest, monday, 4)
    make_checkin(alice, rest, monday + dt.timedelta(days=1), 7)
    make_checkin(alice, heard, monday, 9)
    make_reflection(alice, date=monday, anxiety=6, confidence=3, needs=[rest])
    make_reflection(alice, date=monday + dt.timedelta(days=1), anxiety=2, confidence=5, needs=[rest, heard])
    client.force_login(alice)
    context = client.get("/insights/?range=30d").context
    assert context["category_table"] == [{"week": monday, "values": [5.5, 9.0]}]  # physical, emotional
    context = client.get("/insights/feelings/?range=30d").context
    row = context["feeling_table"][0]
    assert (row["anxiety"], row["confidence"], row["needs"]) == (4.0, 4.0, 6.7)
    assert [(i["need__name"], i["count"]) for i in context["linked"]] == [("Rest", 2), ("Heard", 1)]
    cell = next(c for c in client.get("/insights/year/").context["heat_cells"] if c.date == monday)
    assert cell.average == 6.5 and cell.reflections == 1 and cell.level == 3


def test_patterns_appear_only_with_enough_days_and_are_worded_as_patterns(client, alice):
    need = make_need(alice, "Sleep")
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        for back in range(19):
            score = back % 10
            make_checkin(alice, need, TODAY - dt.timedelta(days=back), score)
            make_reflection(alice, date=TODAY - dt.timedelta(days=back), confidence=score, anxiety=10 - score)
        client.force_login(alice)
        # 19 days: not enough to say anything.
        assert client.get("/insights/feelings/").context["patterns"] == []
        make_checkin(alice, need, TODAY - dt.timedelta(days=19), 9)
        make_reflection(alice, date=TODAY - dt.timedelta(days=19), confidence=9, anxiety=1)
        response = client.get("/insights/feelings/")
    sentences = [p.sentence for p in response.context["patterns"]]
    assert any("self-confidence was often higher" in s and "not proof of a cause" in s for s in sentences)
    assert any("anxiety was often lower" in s for s in sentences)


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_weekly_review_shows_what_was_written_and_what_rose_or_fell(client, alice):
    rest, heard = make_need(alice, "Rest"), make_need(alice, "Heard", "emotional")
    monday = dt.date(2026, 6, 1)
    make_checkin(alice, rest, monday - dt.timedelta(days=7), 3)
    make_checkin(alice, rest, monday, 8)
    make_checkin(alice, heard, monday - dt.timedelta(days=6), 9)
    make_checkin(alice, heard, monday + dt.timedelta(days=2), 4)
    make_reflection(alice, title="Midweek", date=monday + dt.timedelta(days=2))
    make_reflection(alice, title="Other week", date=monday + dt.timedelta(days=8))
    client.force_login(alice)
    response = client.get("/insights/week/?week=2026-06-03")
    assert response.context["monday"] == monday
    assert [e["name"] for e in response.context["rose"]] == ["Rest"]
    assert [e["name"] for e in response.context["fell"]] == ["Heard"]
    html = response.content.decode()
    assert "Midweek" in html and "Other week" not in html
    assert client.get("/insights/week/?week=garbage").status_code == 200


def test_settings_page_saves_day_end_threshold_streak_colours_and_reminders(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("journal:settings"),
        {
            "profile-time_zone": "Asia/Tokyo",
            "profile-day_ends_at": "04:00",
            "profile-low_score_threshold": "5",
            "profile-colour_mode": "dark",
            "reminder-daily_enabled": "on",
            "reminder-daily_time": "21:15",
            "reminder-weekly_day": "6",
            "reminder-weekly_time": "18:00",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(owner=alice)
    assert (profile.time_zone, profile.day_ends_at, profile.low_score_threshold) == (
        "Asia/Tokyo",
        dt.time(4),
        5,
    )
    assert not profile.show_streak and profile.colour_mode == "dark"
    reminder = alice.reminder_set.get()
    assert (
        reminder.daily_enabled
        and reminder.daily_time == dt.time(21, 15)
        and reminder.time_zone == "Asia/Tokyo"
    )
    assert 'data-colour-preference="dark"' in client.get("/").content.decode()
    bad = client.post(
        reverse("journal:settings"), {"profile-time_zone": "Nowhere/Land", "profile-day_ends_at": "13:00"}
    )
    assert bad.status_code == 200 and "Select a valid choice." in bad.content.decode()


def test_a_month_of_insights_weighs_its_weeks_by_their_check_ins(alice):
    rest, heard = make_need(alice, "Rest"), make_need(alice, "Heard", category="emotional")
    make_checkin(alice, rest, dt.date(2026, 5, 4), 4)  # week of 4 May: one check-in, 4
    for day, score in ((11, 6), (12, 8), (13, 10)):  # week of 11 May: three check-ins, average 8
        make_checkin(alice, rest, dt.date(2026, 5, day), score)
    make_checkin(alice, rest, dt.date(2026, 6, 1), 6)
    make_checkin(alice, heard, dt.date(2026, 5, 18), 2)
    rows = insights.need_weeks(alice, None, TODAY, months=1)
    assert sorted((name, start, average, count) for _, name, _, start, average, count in rows) == [
        ("Heard", dt.date(2026, 5, 1), 2.0, 1),
        ("Rest", dt.date(2026, 5, 1), 7.0, 4),  # (4 + 6 + 8 + 10) / 4, not the mean of the weekly 4 and 8
        ("Rest", dt.date(2026, 6, 1), 6.0, 1),
    ]
    weekly = insights.need_weeks(alice, None, TODAY)
    assert [(start, average) for _, name, _, start, average, _ in weekly if name == "Rest"] == [
        (dt.date(2026, 5, 4), 4.0),
        (dt.date(2026, 5, 11), 8.0),
        (dt.date(2026, 6, 1), 6.0),
    ]


def test_most_linked_counts_the_persons_live_reflections_of_the_period(alice, bob):
    rest, heard = make_need(alice, "Rest"), make_need(alice, "Being heard", "emotional")
    today = dt.date(2026, 6, 10)
    for day in range(3):
        make_reflection(
            alice, body="x", date=today - dt.timedelta(days=day), needs=[rest, heard] if day else [rest]
        )
    make_reflection(alice, body="old", date=today - dt.timedelta(days=40), needs=[heard])
    make_reflection(alice, body="gone", date=today, needs=[heard], trashed=True)
    bobs = make_need(bob, "Bob's need")
    make_reflection(bob, body="his", date=today, needs=[bobs])
    got = insights.most_linked(alice, today - dt.timedelta(days=30), today)
    assert [(row["need__name"], row["count"]) for row in got] == [("Rest", 3), ("Being heard", 2)]
    everything = insights.most_linked(alice, None, today)
    assert sorted((row["need__name"], row["count"]) for row in everything) == [
        ("Being heard", 3),
        ("Rest", 3),
    ]


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_insights_copy_reads_as_sentences_and_the_year_key_claims_no_shade(client, alice):
    rest = make_need(alice, "Rest", "physical")
    for back in range(40):
        make_checkin(alice, rest, TODAY - dt.timedelta(days=back), 3 + back % 6)
    make_reflection(alice, date=TODAY, anxiety=3, confidence=6, needs=[rest])
    assert CheckIn.objects.for_user(alice).count() == 40
    client.force_login(alice)
    html = client.get("/insights/?range=all").content.decode()
    assert "over all time." in html and "All time." not in html and "over All time" not in html
    assert "by category, all time" in html
    html = client.get("/insights/year/").content.decode()
    # Dark mode shows the best days lightest, light mode darkest: the words name neither, the key is drawn.
    assert "Darker" not in html and "darker" not in html and "lighter" not in html.lower()
    assert "Less met" in html and "More met" in html
    key = html[html.index('class="heat-legend') :]
    key = key[: key.index("</div>")]
    assert [f"heat-key heat-{n}" in key for n in range(5)] == [True] * 5
    assert key.index("Less met") < key.index("heat-1") < key.index("heat-4") < key.index("More met")
    assert "over 30 days." in client.get("/insights/?range=30d").content.decode()
