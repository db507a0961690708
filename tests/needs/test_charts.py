"""Chart building: long histories are drawn in months or longer periods."""

import datetime as dt

from needs import charts


def weekly_rows(*, years: int, needs: int = 1, today=dt.date(2026, 6, 8)) -> list[tuple]:
    monday = today - dt.timedelta(days=today.weekday())
    weeks = [monday - dt.timedelta(weeks=back) for back in range(years * 52, -1, -1)]
    return [(n, f"Need {n}", "physical", week, 5.0, 7) for n in range(needs) for week in weeks]


def test_a_year_stays_in_weeks_and_longer_histories_keep_to_about_60_points():
    assert charts.period_for([]) is charts.WEEK
    assert charts.period_for([row[3] for row in weekly_rows(years=1)]) is charts.WEEK
    cases = (
        (2, charts.MONTH),
        (5, charts.MONTH),
        (6, charts.QUARTER),
        (10, charts.QUARTER),
        (15, charts.QUARTER),
    )
    for years, period in (*cases, (16, charts.YEAR), (30, charts.YEAR), (60, charts.YEAR)):
        rows = weekly_rows(years=years)
        chosen = charts.period_for([row[3] for row in rows])
        assert chosen is period, years
        assert len({chosen.start(row[3]) for row in rows}) <= 62, years


def test_period_names_read_like_the_tables_dates():
    names = charts.DateNames()
    assert charts.WEEK.name(dt.date(2026, 6, 1), names) == "1 Jun 2026"
    assert charts.MONTH.name(dt.date(2026, 6, 1), names) == "June 2026"
    assert charts.QUARTER.name(charts.QUARTER.start(dt.date(2026, 5, 20)), names) == "Apr–Jun 2026"
    assert charts.YEAR.name(charts.YEAR.start(dt.date(2026, 5, 20)), names) == "2026"


def test_a_line_past_sixty_points_draws_no_dots_and_a_wide_sparkline_shares_points():
    weeks = [row[3] for row in weekly_rows(years=2)]
    chart = charts.line_chart([(week, 5.0) for week in weeks])
    assert chart.dots == [] and str(chart.series[0].marks) == ""
    assert len(chart.points.split()) == len(weeks)
    short = charts.line_chart([(week, 5.0) for week in weeks[-8:]])
    assert len(short.dots) == 8 and str(short.series[0].marks).count("<circle") == 8
    line = charts.sparkline([(week, 5.0) for week in weeks], weeks_back=weeks, width=160)
    assert len(line.points.split()) <= 80


def test_repeated_markup_escapes_every_text_and_keeps_numbers_and_safe_markup():
    from django.utils.safestring import mark_safe

    html = charts.markup_rows(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        [('<b>Rest & "quiet"</b>', 6.5, mark_safe("<i>x</i>"))],
    )
    assert (
        html
        == "<tr><th>&lt;b&gt;Rest &amp; &quot;quiet&quot;&lt;/b&gt;</th><td>6.5</td><td><i>x</i></td></tr>"
    )


def test_one_line_per_need_keeps_values_apart_and_its_end_labels_inside_the_frame():
    weeks = [dt.date(2026, 9, 7) + dt.timedelta(weeks=n) for n in range(12)]
    chart = charts.need_lines_chart(
        [("Rest", [(week, 2) for week in weeks]), ("Play", [(week, 6) for week in weeks])]
    )
    assert [line.series.label for line in chart.lines] == ["Rest", "Play"]
    assert {y for _, y in chart.lines[0].series.coords} == {charts._y(2, chart.top, chart.plot_height)}
    assert {y for _, y in chart.lines[1].series.coords} == {charts._y(6, chart.top, chart.plot_height)}
    # The last label ends at the last point instead of centring on it (which cut "23 Nov" to "23 No").
    (first_x, _, first_anchor), *_, (last_x, last_label, last_anchor) = chart.x_ticks
    assert (first_anchor, last_anchor) == ("start", "end") and last_label == "23 Nov"
    assert first_x == chart.left and last_x == chart.width - chart.right
    assert len(chart.x_ticks) <= 4
    assert str(chart.lines[0].marks).count(
        "<path"
    ) == 12 and "<title>Rest, week of 2026-09-07: 2</title>" in str(chart.lines[0].marks)
    assert [line.shape for line in chart.lines] == ["circle", "square"]
    # No more than five lines, and a single week is drawn in the middle with one centred label.
    many = charts.need_lines_chart([(f"Need {n}", [(weeks[0], n)]) for n in range(8)])
    assert len(many.lines) == charts.MAX_LINES
    assert [anchor for _, _, anchor in many.x_ticks] == ["middle"]
    assert charts.need_lines_chart([("Rest", [])]) is None
    assert charts.period_values([(weeks[0], 2), (weeks[0] + dt.timedelta(days=1), 5)], charts.WEEK) == [
        (weeks[0], 3.5)
    ]
