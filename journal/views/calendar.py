"""The month calendar of reflections and check-ins."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.urls import reverse
from django.utils.dates import MONTHS
from django.views.decorators.http import require_safe

from journal.services import calendar, calendar_markup
from needs.services.accounts import local_today


@require_safe
def journal_calendar(request):
    today = local_today(request.user)
    asked = request.GET.get("month", "")
    first = calendar.month_from_param(asked, today)
    # A malformed or out-of-range month (an old bookmark, a typed address) shows this month and says so.
    unknown = bool(asked) and first is None
    first = first or today.replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1) if first > calendar.FIRST_JOURNAL_DAY else None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    weeks = calendar.month_calendar(user=request.user, year=first.year, month=first.month, today=today)
    return render(
        request,
        "journal/calendar.html",
        {
            "weeks": weeks,
            "weeks_html": calendar_markup.weeks_html(
                weeks, month_name=MONTHS[first.month], list_url=reverse("journal:reflection_list")
            ),
            "month": first,
            "previous": previous,
            "following": following if following <= calendar.last_calendar_month(today) else None,
            "unknown_month": unknown,
        },
    )
