"""The insights page: trends, feelings, patterns and a year of days."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal import presenters
from journal.services import insights
from needs import charts
from needs.services.accounts import local_today


@require_safe
def insights_page(request):
    today = local_today(request.user)
    range_key, label, days = charts.chosen_range(request.GET.get("range"))
    since = today - dt.timedelta(days=days - 1) if days else None
    # Over years, weeks would be hundreds of points per line: months (or longer) keep the page small, and
    # the database sums the kept weekly rows into them.
    first = insights.first_day(request.user, since, today)
    period = charts.period_for([first, today] if first else [])
    rows = insights.need_weeks(request.user, since, today, months=period.months)
    feelings = insights.feelings_weekly(request.user, since, today, months=period.months)
    lines = insights.trends(rows)
    categories, overall = lines.categories, lines.overall
    feeling_table = presenters.feeling_table(overall, feelings)
    need_rows = lines.needs
    starts = sorted({row[3] for row in rows})
    year = insights.year_of_days(request.user, today)
    cells, heat_width, heat_height = charts.heatmap(year)
    category_table = _table(categories)
    names = charts.DateNames()
    linked = insights.most_linked(request.user, since, today)
    # The repeated markup (chart frames, rows, a year of days) is built in Python in one pass: a template
    # loop over it costs more than the rest of the page. Every user-controlled string is escaped there.
    range_words = label.lower()
    category_chart = charts.multi_line_chart(categories, period=period)
    feelings_chart = charts.multi_line_chart(presenters.feeling_series(overall, feelings), period=period)
    return render(
        request,
        "journal/insights.html",
        {
            "range_key": range_key,
            "range_label": label,
            "ranges": charts.offered_ranges(),
            "period": period,
            "category_chart": category_chart
            and charts.line_chart_markup(
                category_chart,
                chart_id="categories",
                title=f"{period.adjective} average score by category, {range_words}",
                summary=f"{period.adjective} averages (0–10) for each category over {range_words}.",
            ),
            "categories": categories,
            "category_table": category_table,
            "category_rows": presenters.table_body(
                (period.name(row["week"], names), row["values"]) for row in category_table
            ),
            "feelings_chart": feelings_chart
            and charts.line_chart_markup(
                feelings_chart,
                chart_id="feelings",
                title=f"{period.adjective} anxiety, self-confidence and needs met, {range_words}",
                summary=f"{period.adjective} averages of the anxiety and self-confidence you noted in reflections,"
                f" beside how well your needs were met, over {range_words}.",
            ),
            "feeling_table": feeling_table,
            "feeling_rows": presenters.table_body(
                (period.name(row["week"], names), [row["needs"], row.get("anxiety"), row.get("confidence")])
                for row in feeling_table
            ),
            "needs": need_rows,
            "need_rows": presenters.need_trend_rows(need_rows, slots=starts, period=period),
            "patterns": insights.feeling_patterns(request.user, today),
            "min_days": insights.MIN_PAIRED_DAYS,
            "linked": linked,
            "linked_items": presenters.linked_items(linked),
            "heat_cells": cells,
            "heat_marks": charts.heatmap_marks(cells),
            "heat_width": heat_width,
            "heat_height": heat_height,
            "month_rows": presenters.month_rows(insights.months_summary(year)),
            "active_days": sum(1 for _, avg, n in year if avg is not None or n),
            "today": today,
        },
    )


def _table(series) -> list[dict]:
    """Rows of period → value per series, for the screen-reader table under a chart."""
    weeks = sorted({week for _, _, points in series for week, _ in points})
    lookup = {key: dict(points) for key, _, points in series}
    return [{"week": week, "values": [lookup[key].get(week) for key, _, _ in series]} for week in weeks]
