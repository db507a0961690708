"""Insights, in three views of their own: trends (each category and each need), feelings (beside the needs,
with patterns and the needs written about most) and a year of days. Each is a first view of its own, built from
the kept rows in a few reads."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal import presenters
from journal.services import insights
from needs import charts
from needs.services.accounts import local_today


def _range(request, today: dt.date):
    """The chosen range (key, label, first day or None) and the period its charts are drawn in: over years,
    weeks would be hundreds of points per line, so months (or longer) keep the page small, and the database
    sums the kept weekly rows into them."""
    range_key, label, days = charts.chosen_range(request.GET.get("range"))
    since = today - dt.timedelta(days=days - 1) if days else None
    first = insights.first_day(request.user, since, today)
    return range_key, label, since, charts.period_for([first, today] if first else [])


def _ranged(range_key, label, period) -> dict:
    return {
        "range_key": range_key,
        "range_label": label,
        "ranges": charts.offered_ranges(),
        "period": period,
    }


@require_safe
def insights_page(request):
    """Trends: how well each category was met, period by period, and each need's own line."""
    today = local_today(request.user)
    range_key, label, since, period = _range(request, today)
    rows = insights.need_weeks(request.user, since, today, months=period.months)
    lines = insights.trends(rows)
    categories = lines.categories
    category_table = _table(categories)
    names = charts.DateNames()
    # The repeated markup (chart frames, rows) is built in Python in one pass: a template loop over it costs
    # more than the rest of the page. Every user-controlled string is escaped there.
    range_words = label.lower()
    category_chart = charts.multi_line_chart(categories, period=period)
    return render(
        request,
        "journal/insights.html",
        {
            **_ranged(range_key, label, period),
            "view": "trends",
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
            "needs": lines.needs,
            "need_rows": presenters.need_trend_rows(
                lines.needs, slots=sorted({row[3] for row in rows}), period=period
            ),
        },
    )


@require_safe
def insights_feelings(request):
    """Feelings beside the needs, the patterns between them, and the needs written about most."""
    today = local_today(request.user)
    range_key, label, since, period = _range(request, today)
    overall = insights.overall(request.user, since, today, months=period.months)
    feelings = insights.feelings_weekly(request.user, since, today, months=period.months)
    feeling_table = presenters.feeling_table(overall, feelings)
    linked = insights.most_linked(request.user, since, today)
    names = charts.DateNames()
    range_words = label.lower()
    feelings_chart = charts.multi_line_chart(presenters.feeling_series(overall, feelings), period=period)
    return render(
        request,
        "journal/insights_feelings.html",
        {
            **_ranged(range_key, label, period),
            "view": "feelings",
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
            "patterns": insights.feeling_patterns(request.user, today),
            "min_days": insights.MIN_PAIRED_DAYS,
            "linked": linked,
            "linked_items": presenters.linked_items(linked),
        },
    )


@require_safe
def insights_year(request):
    """The last 365 days, each shaded by how well the needs were met, with a table by month. A range chosen on
    the other views is only carried back to them."""
    today = local_today(request.user)
    carried = request.GET.get("range")
    year = insights.year_of_days(request.user, today)
    cells, heat_width, heat_height = charts.heatmap(year)
    return render(
        request,
        "journal/insights_year.html",
        {
            "view": "year",
            "range_key": carried if carried in charts.RANGES else "",
            "heat_cells": cells,
            "heat_marks": charts.heatmap_marks(cells),
            "heat_width": heat_width,
            "heat_height": heat_height,
            "month_rows": presenters.month_rows(insights.months_summary(year)),
            "active_days": sum(1 for _, avg, n in year if avg is not None or n),
        },
    )


def _table(series) -> list[dict]:
    """Rows of period → value per series, for the screen-reader table under a chart."""
    weeks = sorted({week for _, _, points in series for week, _ in points})
    lookup = {key: dict(points) for key, _, points in series}
    return [{"week": week, "values": [lookup[key].get(week) for key, _, _ in series]} for week in weeks]
