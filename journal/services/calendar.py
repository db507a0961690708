"""The journal's dates: the month calendar, reading month and week parameters, and "on this day"."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from journal.models import Reflection
from needs.models.derived import CheckInDay
from needs.privacy.owned import Listed, OwnedSQL, as_saved, one_of


@dataclass
class Day:
    date: dt.date | None
    reflections: int = 0
    checked_in: bool = False
    is_today: bool = False


# Journal dates run from here (a Monday) to the person's today: the calendar and the weekly review show
# nothing outside, and their previous/next links stop at the edges instead of leaving the date range.
FIRST_JOURNAL_DAY = dt.date(1900, 1, 1)

MONTH_PARAM = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


def month_from_param(value: str, today: dt.date) -> dt.date | None:
    """The first day of the month named `YYYY-MM`, if it is one the calendar shows (1900 up to this month)."""
    match = MONTH_PARAM.fullmatch(value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None
    first = dt.date(year, month, 1)
    return first if FIRST_JOURNAL_DAY <= first <= last_calendar_month(today) else None


def last_calendar_month(today: dt.date) -> dt.date:
    """The calendar ends with this month: reflections and check-ins are never dated in the future, so a month
    to come would only ever be empty."""
    return today.replace(day=1)


def week_from_param(value: str, today: dt.date) -> dt.date | None:
    """The Monday of the week holding an ISO date, if that week is between 1900 and this week."""
    try:
        chosen = dt.date.fromisoformat(value)
    except ValueError:
        return None
    monday = chosen - dt.timedelta(days=chosen.weekday())
    this_monday = today - dt.timedelta(days=today.weekday())
    return monday if FIRST_JOURNAL_DAY <= monday <= this_monday else None


def month_calendar(*, user, year: int, month: int, today: dt.date) -> list[list[Day]]:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    counts: dict[dt.date, int] = defaultdict(int)
    for day in (
        Reflection.objects.for_user(user)
        .live()
        .filter(date__range=(first, last))
        .values_list("date", flat=True)
    ):
        counts[day] += 1
    checked = set(
        CheckInDay.objects.for_user(user).filter(date__range=(first, last)).values_list("date", flat=True)
    )
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                Day(d, counts.get(d, 0), d in checked, d == today) if d.month == month else Day(None)
                for d in week
            ]
        )
    return weeks


ON_THIS_DAY_YEARS = 150


# The person's live reflections on any of the given dates, newest first, each date looked up in the (owner, date)
# index. Found first, then ordered: asked for the newest few at once, PostgreSQL walked the person's reflections
# backwards from today checking each date against the list (1,800 rows for ten years of daily writing, all of
# them when no earlier year matches).
ON_THIS_DAY = {
    vendor: OwnedSQL(
        f"""
        WITH found AS MATERIALIZED (
            SELECT id, date FROM journal_reflection
             WHERE owner_id = %(owner)s AND deleted_at IS NULL AND {among}
        )
        SELECT id, date FROM found ORDER BY date DESC LIMIT %(limit)s
        """,  # noqa: S608 - only the fixed fragments of `one_of` are written into it
        uuids=(0,),
        dates=(1,),
    )
    for vendor, among in one_of("date", "dates", "date").items()
}


def on_this_day(*, user, today: dt.date, limit: int = 5) -> list[Reflection]:
    """Reflections written on this month and day in earlier years (29 February: in leap years), as their id and
    date (all the list shows).

    Exact dates rather than month/day arithmetic, so the (owner, date) index answers it however long the
    journal is.
    """
    years = range(today.year - 1, today.year - ON_THIS_DAY_YEARS - 1, -1)
    if (today.month, today.day) == (2, 29):  # 29 February: in leap years only
        years = [year for year in years if calendar.isleap(year)]
    dates = Listed(dt.date(year, today.month, today.day) for year in years)
    found = []
    for pk, date in ON_THIS_DAY[connection.vendor].rows(user, dates=dates, limit=limit):
        found.append(as_saved(Reflection(id=pk, owner_id=user.pk, date=date)))
    return found
