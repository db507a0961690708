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
    categories = insights.category_trends(rows)
    overall = insights.overall_weekly(rows)
    feeling_table = presenters.feeling_table(overall, feelings)
    need_rows = insights.need_trends(rows)
    starts = sorted({row[3] for row in rows})
    for need in need_rows:
        need["sparkline"] = charts.sparkline(need["weekly"], weeks_back=starts, width=160)
    year = insights.year_of_days(request.user, today)
    cells, heat_width, heat_height = charts.heatmap(year)
    category_table = _table(categories)
    names = charts.DateNames()
    return render(
        request,
        "journal/insights.html",
        {
            "range_key": range_key,
            "range_label": label,
            "ranges": charts.offered_ranges(),
            "period": period,
            "category_chart": charts.multi_line_chart(categories, period=period),
            "categories": categories,
            "category_table": category_table,
            "category_rows": presenters.table_body(
                (period.name(row["week"], names), row["values"]) for row in category_table
            ),
            "feelings_chart": charts.multi_line_chart(
                presenters.feeling_series(overall, feelings), period=period
            ),
            "feeling_table": feeling_table,
            "feeling_rows": presenters.table_body(
                (period.name(row["week"], names), [row["needs"], row.get("anxiety"), row.get("confidence")])
                for row in feeling_table
            ),
            "needs": need_rows,
            "patterns": insights.feeling_patterns(request.user, today),
            "min_days": insights.MIN_PAIRED_DAYS,
            "linked": insights.most_linked(request.user, since, today),
            "heat_cells": cells,
            "heat_marks": charts.heatmap_marks(cells),
            "heat_width": heat_width,
            "heat_height": heat_height,
            "months": insights.months_summary(year),
            "active_days": sum(1 for _, avg, n in year if avg is not None or n),
            "today": today,
        },
    )


def _table(series) -> list[dict]:
    """Rows of period → value per series, for the screen-reader table under a chart."""
    weeks = sorted({week for _, _, points in series for week, _ in points})
    lookup = {key: dict(points) for key, _, points in series}
    return [{"week": week, "values": [lookup[key].get(week) for key, _, _ in series]} for week in weeks]
