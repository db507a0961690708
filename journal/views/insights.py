"""Insights and the weekly review."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal.models import Reflection
from journal.services import insights
from journal.services.calendar import FIRST_JOURNAL_DAY, week_from_param
from needs import charts
from needs.pagecache import cached_page
from needs.privacy.crypto import reveal_each
from needs.services.accounts import local_today


@require_safe
@cached_page("range")
def insights_page(request):
    today = local_today(request.user)
    range_key, label, days = charts.chosen_range(request.GET.get("range"))
    since = today - dt.timedelta(days=days - 1) if days else None
    rows = insights.need_weeks(request.user, since, today)
    categories = insights.category_trends(rows)
    overall = insights.overall_weekly(rows)
    feelings = insights.feelings_weekly(request.user, since, today)
    feeling_series = [
        ("needs", "Needs met (average)", sorted(overall.items())),
        ("anxiety", "Anxiety", [(f["week"], f["anxiety"]) for f in feelings if f["anxiety"] is not None]),
        (
            "confidence",
            "Self-confidence",
            [(f["week"], f["confidence"]) for f in feelings if f["confidence"] is not None],
        ),
    ]
    feeling_table = [
        {"week": week, "needs": overall.get(week), **next((f for f in feelings if f["week"] == week), {})}
        for week in sorted(set(overall) | {f["week"] for f in feelings})
    ]
    need_rows = insights.need_trends(rows)
    all_weeks = sorted({week for _, _, _, week, _, _ in rows})
    for need in need_rows:
        need["sparkline"] = charts.sparkline(need["weekly"], weeks_back=all_weeks, width=160)
    year = insights.year_of_days(request.user, today)
    cells, heat_width, heat_height = charts.heatmap(year)
    return render(
        request,
        "journal/insights.html",
        {
            "range_key": range_key,
            "range_label": label,
            "ranges": charts.offered_ranges(),
            "category_chart": charts.multi_line_chart(categories),
            "categories": categories,
            "category_table": _table(categories),
            "feelings_chart": charts.multi_line_chart([s for s in feeling_series if s[2]]),
            "feeling_table": feeling_table,
            "needs": need_rows,
            "patterns": insights.feeling_patterns(request.user, today),
            "min_days": insights.MIN_PAIRED_DAYS,
            "linked": insights.most_linked(request.user, since, today),
            "heat_cells": cells,
            "heat_width": heat_width,
            "heat_height": heat_height,
            "months": insights.months_summary(year),
            "active_days": sum(1 for _, avg, n in year if avg is not None or n),
            "today": today,
        },
    )


def _table(series) -> list[dict]:
    """Rows of week → value per series, for the screen-reader table under a chart."""
    weeks = sorted({week for _, _, points in series for week, _ in points})
    lookup = {key: dict(points) for key, _, points in series}
    return [{"week": week, "values": [lookup[key].get(week) for key, _, _ in series]} for week in weeks]


@require_safe
@cached_page("week")
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
            "previous": monday - dt.timedelta(days=7) if monday > FIRST_JOURNAL_DAY else None,
            "following": monday + dt.timedelta(days=7) if monday + dt.timedelta(days=7) <= today else None,
            "unknown_week": unknown,
        },
    )
