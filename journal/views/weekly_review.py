"""The weekly review: one week's check-ins, feelings, people and reflections, and a question to close it."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal.services import insights
from journal.services import weekly_review as review
from journal.services.calendar import FIRST_JOURNAL_DAY, week_from_param
from needs.need_page import url_maker
from needs.services.accounts import local_today


@require_safe
def weekly_review(request):
    today = local_today(request.user)
    asked = request.GET.get("week", "")
    monday = week_from_param(asked, today)
    # A malformed or out-of-range week shows this week and says so.
    unknown = bool(asked) and monday is None
    monday = monday or today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    reflections = review.week_reflections(request.user, monday)
    rose, fell, held = insights.week_changes(request.user, monday)
    relationships = review.week_relationships(request.user, monday)
    helped = review.what_helped(request.user, monday, rose, reflections)
    # Each listed row's link, from one reverse per kind of link.
    reflection_url, relationship_url = (
        url_maker("journal:reflection_detail"),
        url_maker("needs:relationship_detail"),
    )
    need_url = url_maker("needs:need_detail")
    for reflection in reflections:
        reflection.url = reflection_url(reflection.pk)
    for entry in relationships:
        entry.url = relationship_url(entry.relationship.pk)
    for item in helped:
        item.need_url = need_url(item.need.pk)
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
            "relationships": relationships,
            "helped": helped,
            "closing": review.closing_question(monday, reflections),
            "previous": monday - dt.timedelta(days=7) if monday > FIRST_JOURNAL_DAY else None,
            "following": monday + dt.timedelta(days=7) if monday + dt.timedelta(days=7) <= today else None,
            "unknown_week": unknown,
        },
    )
