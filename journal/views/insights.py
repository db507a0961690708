"""Insights and the weekly review."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal import presenters
from journal.models import Reflection
from journal.services import insights
from journal.services import weekly_review as review
from journal.services.calendar import FIRST_JOURNAL_DAY, week_from_param
from needs import charts
from needs.privacy.crypto import reveal_each
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


@require_safe
def weekly_review(request):
    today = local_today(request.user)
    asked = request.GET.get("week", "")
    monday = week_from_param(asked, today)
    # A malformed or out-of-range week shows this week and says so.
    unknown = bool(asked) and monday is None
    monday = monday or today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    reflections = reveal_each(
        Reflection.objects.for_user(request.user)
        .live()
        .filter(date__range=(monday, sunday))
        .order_by("date", "created_at"),
        owner=request.user,
    )
    rose, fell, held = insights.week_changes(request.user, monday)
    return render(
        request,
        "journal/weekly_review.html",
        {
            "monday": monday,
            "sunday": sunday,
            "reflections": reflections,
            "rose": rose,
            "fell": fell,
            "held": held,
            "feelings": review.week_feelings(request.user, monday),
            "relationships": review.week_relationships(request.user, monday),
            "helped": review.what_helped(request.user, monday, rose, reflections),
            "closing": review.closing_question(monday, reflections),
            "previous": monday - dt.timedelta(days=7) if monday > FIRST_JOURNAL_DAY else None,
            "following": monday + dt.timedelta(days=7) if monday + dt.timedelta(days=7) <= today else None,
            "unknown_week": unknown,
        },
    )
