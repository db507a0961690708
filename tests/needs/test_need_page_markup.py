"""The markup a need's page and the relationships overview build in Python: exact structure, every user text
escaped, and the same numbers as the kept weekly rows."""

import datetime as dt
import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse

from journal.sections import linked_items, linked_reflections
from needs import charts
from needs.models.derived import NeedWeek
from needs.models.needs import CheckIn
from needs.need_page import (
    chart_axes_markup,
    chart_dots_markup,
    chart_summary,
    range_links,
    recent_checkins_markup,
)
from needs.relationships_page import overview_markup
from needs.services.checkins import need_history, week_start
from needs.services.relationships import NeedCell, OverviewNeed, PersonRow, pause_plan_save
from tests.factories import make_checkin, make_need, make_reflection, make_relationship, make_statement

pytestmark = pytest.mark.django_db

HOSTILE = "<b>&\"'"
ESCAPED = "&lt;b&gt;&amp;&quot;&#x27;"
TODAY = dt.date(2026, 6, 10)  # a Wednesday


def sealed_rows(owner, need, notes):
    """(id, date, score, sealed note) rows as the need page reads them, newest first."""
    made = [
        make_checkin(owner, need, TODAY - dt.timedelta(days=back), back, note)
        for back, note in enumerate(notes)
    ]
    return [(c.pk, c.date, c.score, c.note) for c in made]


def test_recent_check_ins_are_escaped_and_keep_their_structure(alice):
    need = make_need(alice, HOSTILE)
    rows = sealed_rows(alice, need, [f"{HOSTILE}\nsecond line", ""])
    html = recent_checkins_markup(rows, owner=alice)
    first, second = html.split("\n")
    url = reverse("needs:checkin_edit", args=[rows[0][0]])
    assert first == (
        '<li class="border-bottom py-2 d-flex flex-wrap gap-3 align-items-baseline">'
        '<span class="fw-semibold">Wed 10 Jun 2026</span> <span>0 out of 10</span> '
        f'<span class="user-text flex-grow-1">{ESCAPED}<br>second line</span> '
        f'<a href="{url}">Edit<span class="visually-hidden"> the check-in of 10 June 2026</span></a></li>'
    )
    assert "user-text" not in second and "Tue 9 Jun 2026" in second and "<span>1 out of 10</span>" in second
    assert HOSTILE not in html


def test_chart_dots_print_numbers_unlocalised_with_their_week():
    chart = charts.line_chart([(dt.date(2026, 6, 1), 6.5), (dt.date(2026, 6, 8), 4.0)])
    html = chart_dots_markup(chart, "mental")
    assert html == (
        '<circle class="category-fill-mental" cx="36.0" cy="87.6" r="3.5"><title>Week of 2026-06-01: 6.5</title>'
        "</circle>"
        '<circle class="category-fill-mental" cx="628.0" cy="141.6" r="3.5"><title>Week of 2026-06-08: 4.0</title>'
        "</circle>"
    )


def test_chart_axes_draw_the_grid_and_labels_unlocalised():
    chart = charts.line_chart([(dt.date(2026, 6, 1), 6.5), (dt.date(2026, 6, 8), 4.0)])
    lines = chart_axes_markup(chart).split("\n")
    assert lines[:2] == [
        '<line class="chart-grid" x1="36" x2="628" y1="228.0" y2="228.0" />',
        '<text class="chart-label" x="28" y="228.0" text-anchor="end" dominant-baseline="middle">0</text>',
    ]
    assert len(lines) == 2 * 6 + 2
    assert lines[-2:] == [
        '<text class="chart-label" x="36.0" y="252" text-anchor="middle">1 Jun</text>',
        '<text class="chart-label" x="628.0" y="252" text-anchor="middle">8 Jun</text>',
    ]


def test_range_links_mark_the_current_one():
    html = range_links(charts.offered_ranges(("90d", "1y", "all")), "1y")
    assert html.split("\n") == [
        '<a class="btn btn-sm btn-outline-primary" href="?range=90d">90 days</a>',
        '<a class="btn btn-sm btn-primary" href="?range=1y" aria-current="true">1 year</a>',
        '<a class="btn btn-sm btn-outline-primary" href="?range=all">All time</a>',
    ]


def test_linked_reflections_are_escaped_and_untitled_ones_named_by_their_day(alice):
    titled = make_reflection(alice, title=HOSTILE, date=TODAY)
    untitled = make_reflection(alice, title="", date=TODAY - dt.timedelta(days=1))
    html = linked_items(
        [(titled.pk, titled.date, titled.title, 2), (untitled.pk, untitled.date, untitled.title, 2)],
        owner=alice,
    )
    assert html.split("\n") == [
        f'<li class="py-1"><a href="{reverse("journal:reflection_detail", args=[titled.pk])}">{ESCAPED}</a> '
        '<span class="small text-body-secondary">10 Jun 2026</span></li>',
        f'<li class="py-1"><a href="{reverse("journal:reflection_detail", args=[untitled.pk])}">'
        'Tuesday 9 June 2026</a> <span class="small text-body-secondary">9 Jun 2026</span></li>',
    ]


def test_the_linked_reflections_count_every_live_one_and_show_the_newest_ten(alice):
    need = make_need(alice, "Rest")
    for back in range(12):
        make_reflection(alice, title=f"Day {back}", date=TODAY - dt.timedelta(days=back), needs=[need])
    make_reflection(alice, title="Trashed", date=TODAY, needs=[need], trashed=True)
    make_reflection(alice, title="Other", date=TODAY)
    request = RequestFactory().get("/")
    request.user = alice
    _, section = linked_reflections(request, need)
    assert section["linked_total"] == 12 and section["linked_shown"] == 10
    shown = str(section["linked_reflections"])
    assert "Day 0<" in shown and "Day 9<" in shown and "Day 10<" not in shown
    assert "Trashed" not in shown and "Other" not in shown


def test_a_need_page_summed_from_check_ins_matches_the_kept_weekly_rows(alice):
    need = make_need(alice, "Rest")
    for back in range(-3, 140, 1):  # three days ahead in this week and the next: only this week's count
        if back % 5 != 2:
            make_checkin(alice, need, TODAY - dt.timedelta(days=back), (back * 7) % 11)
    for days in (90, 120):
        first_week = week_start(TODAY - dt.timedelta(days=days - 1))
        kept = NeedWeek.objects.filter(need=need, week__gte=first_week, week__lte=TODAY).order_by("week")
        history = need_history(owner=need.owner, need=need, today=TODAY, days=days, recent=14)
        assert history.weekly == [(w.week, round(w.total / w.count, 1)) for w in kept]
        assert history.checkin_count == sum(w.count for w in kept)
        newest = list(CheckIn.objects.filter(need=need).order_by("-date")[:14])
        assert [row[0] for row in history.recent] == [c.pk for c in newest]
    long = need_history(owner=need.owner, need=need, today=TODAY, days=365, recent=14)
    short = need_history(owner=need.owner, need=need, today=TODAY, days=90, recent=14)
    assert long.comparison == short.comparison and long.recent == short.recent


def test_a_need_with_few_recent_check_ins_still_lists_its_older_ones(client, alice):
    need = make_need(alice, "Rest")
    make_checkin(alice, need, TODAY - dt.timedelta(days=400), 3)
    make_checkin(alice, need, TODAY - dt.timedelta(days=2), 8)
    assert need_history(owner=need.owner, need=need, today=TODAY, days=90, recent=14).recent is None
    client.force_login(alice)
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "<span>3 out of 10</span>" in html and "<span>8 out of 10</span>" in html


def test_the_need_page_escapes_a_hostile_name_and_note(client, alice):
    need = make_need(alice, HOSTILE)
    make_checkin(alice, need, dt.date.today(), 4, note=HOSTILE)
    client.force_login(alice)
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert HOSTILE not in html and ESCAPED in html


def test_the_overview_rows_are_escaped_and_keep_their_structure(alice):
    rel = make_relationship(alice, HOSTILE, kind="friend")
    pause_plan_save(user=alice, relationship=rel, what_must_change="x", check_back_on=dt.date(2027, 1, 5))
    rel.refresh_from_db()
    rel.reveal_all(owner=alice)
    need = OverviewNeed(uuid.uuid4(), HOSTILE, 5, None)
    rows = [
        PersonRow(
            rel,
            cells=[
                NeedCell(need, latest=2, latest_on=TODAY, previous=6),
                NeedCell(need, latest=5, latest_on=dt.date(2025, 12, 1)),
                NeedCell(need),
            ],
            strained=[need, need],
        )
    ]
    html = overview_markup(rows, today=TODAY)
    url = reverse("needs:relationship_detail", args=[rel.pk])
    assert html.split("\n") == [
        '<tbody class="rel-person"><tr class="rel-person-row"><th scope="rowgroup" colspan="3">'
        '<div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2">'
        f'<a class="rel-person-name" href="{url}">{ESCAPED}</a> <span class="small fw-normal">Friend</span></div>',
        '<p class="small fw-normal mb-0 mt-1 strained-note">Some important needs have stayed low with this person '
        f"for a month: {ESCAPED}, {ESCAPED}. It may be worth a gentle look.</p>",
        '<p class="small fw-normal mb-0 mt-1">Pause plan: check back on 5 Jan 2027</p>',
        "</th></tr>",
        f'<tr><th scope="row" class="fw-normal">{ESCAPED}</th>',
        '<td class="rel-latest"><strong class="rel-score">2</strong> '
        '<span class="small text-body-secondary text-nowrap">on 10 Jun</span></td>',
        '<td class="rel-direction rel-falling"><span aria-hidden="true">↓</span> Falling, from 6</td></tr>',
        f'<tr><th scope="row" class="fw-normal">{ESCAPED}</th>',
        '<td class="rel-latest"><strong class="rel-score">5</strong> '
        '<span class="small text-body-secondary text-nowrap">on 1 Dec 2025</span></td>',
        '<td class="rel-direction rel-first">First rating</td></tr>',
        f'<tr><th scope="row" class="fw-normal">{ESCAPED}</th>',
        '<td class="rel-latest"><span class="text-body-secondary">Not rated yet</span></td>',
        '<td class="rel-direction rel-none"><span class="visually-hidden">Nothing yet</span></td></tr>',
        "</tbody>",
    ]
    assert HOSTILE not in html


def test_someone_unrated_is_offered_a_rating_with_their_escaped_name(client, alice):
    rel = make_relationship(alice, HOSTILE)
    client.force_login(alice)
    html = client.get(reverse("needs:relationships")).content.decode()
    url = reverse("needs:relationship_detail", args=[rel.pk])
    assert f'No ratings yet. <a href="{url}">Rate how your needs are met with {ESCAPED}</a>.' in html
    assert HOSTILE not in html


def test_the_chart_summary_prints_numbers_unlocalised():
    weekly = [(dt.date(2026, 6, 1), 6.5), (dt.date(2026, 6, 8), 4.0)]
    assert chart_summary(weekly, 1234, "90 days") == (
        "Weekly averages over 90 days: 2 weeks with 1234 check-ins, from 6.5 in the week of 1 Jun 2026 to 4.0 in "
        "the week of 8 Jun 2026."
    )
    assert chart_summary(weekly[:1], 1, "All time").startswith(
        "Weekly averages over all time: 1 week with 1 check-in,"
    )


def test_a_need_page_shows_its_statements_and_offers_one_without(client, alice):
    with_one, without = make_need(alice, "Rest"), make_need(alice, "Play")
    make_statement(alice, with_one, words=HOSTILE)
    make_statement(alice, without, words="not this need")
    without.statements.all().delete()
    client.force_login(alice)
    html = client.get(reverse("needs:need_detail", args=[with_one.pk])).content.decode()
    assert ESCAPED in html and "Nobody can read minds" not in html
    html = client.get(reverse("needs:need_detail", args=[without.pk])).content.decode()
    assert "Nobody can read minds" in html and ESCAPED not in html
