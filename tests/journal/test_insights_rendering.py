"""The insights page's repeated markup, built in Python: exact structure, escaping of the person's own text,
and the same page as the template loops drew."""

import datetime as dt
import math
import random
import re
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from journal import presenters
from needs import charts
from tests.factories import make_checkin, make_need, make_reflection

HOSTILE = "<b>&\"'"
ESCAPED = "&lt;b&gt;&amp;&quot;&#x27;"
TODAY = dt.date(2026, 6, 10)
MONDAY = dt.date(2026, 6, 1)


def test_need_trend_rows_escape_the_name_in_the_link_and_the_spoken_summary():
    need_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    weeks = [MONDAY - dt.timedelta(weeks=1), MONDAY]
    needs = [
        {"id": need_id, "name": HOSTILE, "category": "physical", "weekly": [(weeks[0], 4.0), (weeks[1], 6.5)]}
    ]
    html = presenters.need_trend_rows(needs, slots=weeks, period=charts.WEEK)
    url = reverse("needs:need_detail", args=[need_id])
    assert html == (
        f'<tr><th scope="row"><a class="category-mark category-physical" href="{url}">{ESCAPED}</a></th>'
        '<td><svg class="sparkline" width="160" height="32" viewBox="0 0 160 32" role="img"'
        f' aria-label="{ESCAPED}: from 4.0 to 6.5 over 2 weeks"><polyline class="sparkline-line'
        ' category-stroke-physical" points="0.0,18.8 160.0,11.8" /></svg></td><td>6.5</td></tr>'
    )
    assert HOSTILE not in html


def test_need_trend_rows_say_one_period_and_leave_an_empty_line_out():
    ids = [uuid.uuid4(), uuid.uuid4()]
    needs = [
        {"id": ids[0], "name": "Rest", "category": "physical", "weekly": [(MONDAY, 7)]},
        {"id": ids[1], "name": "Play", "category": "mental", "weekly": []},
    ]
    rows = presenters.need_trend_rows(needs, slots=[MONDAY], period=charts.QUARTER).split("\n")
    assert 'aria-label="Rest: from 7 to 7 over 1 quarter"' in rows[0]
    assert rows[1] == (
        f'<tr><th scope="row"><a class="category-mark category-mental" href="/needs/{ids[1]}/">Play</a></th>'
        "<td></td><td></td></tr>"
    )
    assert presenters.need_trend_rows([], slots=[], period=charts.WEEK) == ""


def _reference_sparkline(weekly, *, weeks_back, width=120, height=32):
    """The walk over every slot the sparkline did before slots were indexed once a page."""
    if not weekly:
        return None
    by_week = dict(weekly)
    step = width / max(len(weeks_back) - 1, 1)
    group = math.ceil(len(weeks_back) / (width / 2))
    coords = []
    for first in range(0, len(weeks_back), group):
        found = [
            (i, by_week[w]) for i, w in enumerate(weeks_back[first : first + group], first) if w in by_week
        ]
        if found:
            x = sum(i for i, _ in found) / len(found) * step
            value = sum(v for _, v in found) / len(found)
            coords.append((round(x, 1), round(2 + height - 4 - (value / 10) * (height - 4), 1)))
    if not coords:
        return None
    return charts.Sparkline(" ".join(f"{x},{y}" for x, y in coords), *coords[-1], width, height)


def test_shared_sparkline_slots_draw_what_the_walk_over_every_slot_drew():
    rng = random.Random(13)
    for _ in range(400):
        count = rng.choice([1, 2, 13, 53, 61, 121, 522])
        weeks = [dt.date(2000, 1, 3) + dt.timedelta(weeks=n) for n in range(count)]
        have = sorted(rng.sample(weeks, rng.randint(0, count)))
        weekly = [(w, rng.choice([round(rng.uniform(0, 10), 1), rng.randint(0, 10)])) for w in have]
        if rng.random() < 0.2:
            weekly.append((dt.date(1999, 1, 4), 5.0))  # outside the slots: left out
            rng.shuffle(weekly)
        width = rng.choice([120, 160])
        slots = charts.SparklineSlots(weeks, width=width)
        expected = _reference_sparkline(weekly, weeks_back=weeks, width=width)
        assert slots.draw(weekly) == expected
        assert charts.sparkline(weekly, weeks_back=weeks, width=width) == expected
        if expected:
            assert len(expected.points.split()) <= width / 2  # at most one point per 2 px


def test_line_chart_markup_draws_frame_lines_dots_and_legend_in_one_pass():
    chart = charts.multi_line_chart(
        [("physical", HOSTILE, [(MONDAY, 5.0)]), ("mental", "Mental", [(MONDAY, 10)])], period=charts.WEEK
    )
    html = charts.line_chart_markup(
        chart, chart_id="cats", title=f"Title {HOSTILE}", summary=f"Sum {HOSTILE}."
    )
    grid = "".join(
        f'<line class="chart-grid" x1="36" x2="708" y1="{y}" y2="{y}" />'
        f'<text class="chart-label" x="28" y="{y}" text-anchor="end" dominant-baseline="middle">{v}</text>'
        for y, v in ((248.0, 0), (200.8, 2), (153.6, 4), (106.4, 6), (59.2, 8), (12.0, 10))
    )
    assert html == (
        f'<p id="cats-summary">Sum {ESCAPED}.</p>\n'
        '<svg class="chart" viewBox="0 0 720 280" role="img" aria-labelledby="cats-title"'
        ' aria-describedby="cats-summary">\n'
        f'<title id="cats-title">Title {ESCAPED}</title>\n{grid}\n'
        '<text class="chart-label" x="372.0" y="272" text-anchor="middle">1 Jun</text>\n'
        '<polyline class="chart-line series-physical" points="372.0,130.0" />'
        '<circle class="series-dot series-fill-physical" cx="372.0" cy="130.0" r="2.5">'
        f"<title>{ESCAPED}, week of 2026-06-01: 5.0</title></circle>"
        '<polyline class="chart-line series-mental" points="372.0,12.0" />'
        '<circle class="series-dot series-fill-mental" cx="372.0" cy="12.0" r="2.5">'
        "<title>Mental, week of 2026-06-01: 10</title></circle>\n</svg>\n"
        '<ul class="chart-legend list-inline small">'
        '<li class="list-inline-item"><span class="legend-swatch series-legend-physical" aria-hidden="true"></span>'
        f"{ESCAPED}</li>"
        '<li class="list-inline-item"><span class="legend-swatch series-legend-mental" aria-hidden="true"></span>'
        "Mental</li></ul>"
    )


def test_dots_name_their_period_and_a_line_past_sixty_points_draws_none():
    quarters = [dt.date(2016 + n // 4, 1 + 3 * (n % 4), 1) for n in range(41)]
    chart = charts.multi_line_chart(
        [("a", "A", [(q, 5.0) for q in quarters]), ("b", "B", [(q, 6.0) for q in quarters])],
        period=charts.QUARTER,
    )
    marks = str(chart.series[1].marks)
    assert marks.count("<circle") == 41 and "<title>B, Jan–Mar 2026: 6.0</title>" in marks
    assert chart.series[0].said is chart.series[1].said  # each period named once a chart
    long = charts.multi_line_chart(
        [("a", "A", [(MONDAY - dt.timedelta(weeks=n), 5.0) for n in range(61, 0, -1)])]
    )
    assert long.series[0].marks == ""


def test_heatmap_marks_name_each_day_and_dot_the_days_with_reflections():
    cells, _, _ = charts.heatmap(
        [(MONDAY, 6.5, 1), (MONDAY + dt.timedelta(days=1), None, 0), (TODAY, 2.0, 2)]
    )
    assert charts.heatmap_marks(cells) == (
        '<rect class="heat heat-3" x="0" y="0" width="13" height="13" rx="2">'
        '<title>Mon 1 Jun 2026: average 6.5, 1 reflection</title></rect><circle class="heat-dot" cx="6" cy="6" r="2" />'
        '<rect class="heat heat-0" x="0" y="16" width="13" height="13" rx="2">'
        "<title>Tue 2 Jun 2026: no check-in</title></rect>"
        '<rect class="heat heat-1" x="16" y="32" width="13" height="13" rx="2">'
        '<title>Wed 10 Jun 2026: average 2.0, 2 reflections</title></rect><circle class="heat-dot" cx="22" cy="38" r="2" />'
    )


def test_heatmap_marks_use_the_active_languages_names_and_keep_numbers_unlocalised():
    cells, _, _ = charts.heatmap([(dt.date(2026, 3, 2), 6.5, 0)])
    with translation.override("de"):
        german = str(charts.heatmap_marks(cells))
    assert "<title>Mo 2 Mär 2026: average 6.5</title>" in german
    assert "<title>Mon 2 Mar 2026: average 6.5</title>" in str(charts.heatmap_marks(cells))


def test_number_tables_escape_row_names_and_print_numbers_unlocalised():
    rows = presenters.table_body([(HOSTILE, [5.5, None, 7])])
    assert rows == f'<tr><th scope="row">{ESCAPED}</th><td>5.5</td><td>—</td><td>7</td></tr>'
    months = presenters.month_rows(
        [
            {"month": dt.date(2026, 5, 1), "active": 30, "average": 6.2, "reflections": 4},
            {"month": dt.date(2026, 6, 1), "active": 0, "average": None, "reflections": 0},
        ]
    )
    assert months == (
        '<tr><th scope="row">May 2026</th><td>30</td><td>6.2</td><td>4</td></tr>'
        '<tr><th scope="row">June 2026</th><td>0</td><td>—</td><td>0</td></tr>'
    )
    with translation.override("de"):
        assert presenters.table_body([("x", [5.5])]) == '<tr><th scope="row">x</th><td>5.5</td></tr>'


def test_linked_needs_escape_the_name_and_link_each_need_page():
    ids = [uuid.uuid4(), uuid.uuid4()]
    items = [
        {"need_id": ids[0], "need__name": HOSTILE, "need__category": "social", "count": 1},
        {"need_id": ids[1], "need__name": "Rest", "need__category": "physical", "count": 3},
    ]
    assert presenters.linked_items(items) == (
        f'<li><a class="category-mark category-social" href="/needs/{ids[0]}/">{ESCAPED}</a> — 1 reflection</li>'
        f'<li><a class="category-mark category-physical" href="/needs/{ids[1]}/">Rest</a> — 3 reflections</li>'
    )
    assert presenters.need_url_pattern().format(ids[0]) == reverse("needs:need_detail", args=[ids[0]])


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("range_key", ["30d", "90d", "1y", "all"])
def test_the_page_shows_a_hostile_need_name_only_escaped(client, alice, range_key):
    need = make_need(alice, HOSTILE, "physical")
    for back in range(20):
        make_checkin(alice, need, TODAY - dt.timedelta(days=back * 3), 2 + back % 8)
    make_reflection(alice, date=TODAY, anxiety=3, confidence=6, needs=[need])
    client.force_login(alice)
    trends = client.get(f"/insights/?range={range_key}").content.decode()
    feelings = client.get(f"/insights/feelings/?range={range_key}").content.decode()
    year = client.get("/insights/year/").content.decode()
    for html in (trends, feelings, year):
        assert HOSTILE not in html
    url = reverse("needs:need_detail", args=[need.pk])
    link = f'<a class="category-mark category-physical" href="{url}">{ESCAPED}</a>'
    assert trends.count(link) == 1  # the trend table
    assert feelings.count(link) == 1  # the needs written about most
    assert re.search(rf'aria-label="{re.escape(ESCAPED)}: from \d+\.\d to \d+\.\d over \d+ \w+"', trends)
    assert '<title id="categories-title">' in trends and '<p id="feelings-summary">' in feelings
    assert "Show the numbers by month" in year and '<tr><th scope="row">June 2026</th>' in year


@pytest.mark.django_db
def test_the_three_views_are_tabs_that_carry_the_chosen_range(client, alice):
    client.force_login(alice)
    tabs = re.compile(r'<nav class="mb-3" aria-label="Insights">(.*?)</nav>', re.S)

    def links(path):
        nav = tabs.search(client.get(path).content.decode()).group(1)
        return re.findall(
            r'<a class="nav-link( active)?"(?: aria-current="page")? href="([^"]*)">([^<]*)</a>', nav
        )

    assert links("/insights/feelings/?range=1y") == [
        ("", "/insights/?range=1y", "Trends"),
        (" active", "/insights/feelings/?range=1y", "Feelings"),
        ("", "/insights/year/?range=1y", "Your year"),
    ]
    # The year has no range of its own: it carries one chosen elsewhere back, and only a range offered.
    assert links("/insights/year/?range=all")[0] == ("", "/insights/?range=all", "Trends")
    assert links("/insights/year/?range=all")[2] == (" active", "/insights/year/?range=all", "Your year")
    assert [href for _, href, _ in links("/insights/year/?range=%3Cb%3E")] == [
        "/insights/",
        "/insights/feelings/",
        "/insights/year/",
    ]
    assert 'aria-label="Period"' not in client.get("/insights/year/").content.decode()
    # A view over a period always names its range (the default one when none was chosen).
    assert links("/insights/")[0] == (" active", "/insights/?range=90d", "Trends")
