"""Keeping the check-in numbers (needs.models.derived) equal to the check-ins, in the writer's transaction.

Each write names what it touched: `checkins_changed(owner_id, dates)` recomputes those dates' category rows and
those weeks' need rows from the check-ins themselves, so a kept number is never adjusted by a difference that
could drift. `checkins_rebuild_many(owner_ids)` recomputes all of some people's (imports, the benchmark, repairs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncWeek

from needs.models.derived import CheckInDay, NeedWeek
from needs.models.needs import CheckIn
from needs.services.writes import rows_insert


def week_of(day: dt.date) -> dt.date:
    """The Monday starting the week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def checkins_changed(*, owner_id: int, dates: Iterable[dt.date]) -> None:
    """Recompute the kept numbers for check-ins of these local dates (call inside the write's transaction)."""
    dates = set(dates)
    if not dates:
        return
    weeks = {week_of(day) for day in dates}
    week_dates = {week + dt.timedelta(days=offset) for week in weeks for offset in range(7)}
    CheckInDay.objects.filter(owner_id=owner_id, date__in=dates).delete()
    NeedWeek.objects.filter(owner_id=owner_id, week__in=weeks).delete()
    rows = (
        CheckIn.objects.filter(owner_id=owner_id, date__in=week_dates)
        .order_by()
        .values_list("date", "need_id", "need__category", "score")
    )
    days: dict[tuple, list[int]] = {}
    needs: dict[tuple, list[int]] = {}
    for date, need_id, category, score in rows:
        for key, table in (((date, category), days), ((need_id, week_of(date)), needs)):
            if table is needs or date in dates:
                cell = table.setdefault(key, [0, 0])
                cell[0] += score
                cell[1] += 1
    CheckInDay.objects.bulk_create(
        CheckInDay(owner_id=owner_id, date=date, category=category, total=total, count=count)
        for (date, category), (total, count) in days.items()
    )
    NeedWeek.objects.bulk_create(
        NeedWeek(owner_id=owner_id, need_id=need_id, week=week, total=total, count=count)
        for (need_id, week), (total, count) in needs.items()
    )


def checkins_rebuild(*, owner_id: int) -> None:
    """Recompute all of one person's kept check-in numbers from their check-ins."""
    checkins_rebuild_many(owner_ids=[owner_id])


def checkins_rebuild_many(*, owner_ids: list[int]) -> None:
    """Recompute the kept check-in numbers of these people, grouped in the database."""
    CheckInDay.objects.filter(owner_id__in=owner_ids).delete()
    NeedWeek.objects.filter(owner_id__in=owner_ids).delete()
    checkins = CheckIn.objects.filter(owner_id__in=owner_ids).order_by()
    # Each read whole before its COPY: the connection can't read and COPY at once.
    days = list(
        checkins.values("owner_id", "date", "need__category")
        .annotate(total=Sum("score"), count=Count("id"))
        .values_list("owner_id", "date", "need__category", "total", "count")
    )
    rows_insert(CheckInDay, ("owner_id", "date", "category", "total", "count"), days)
    weeks = list(
        checkins.annotate(week=TruncWeek("date", output_field=DateField()))
        .values("owner_id", "need_id", "week")
        .annotate(total=Sum("score"), count=Count("id"))
        .values_list("owner_id", "need_id", "week", "total", "count")
    )
    rows_insert(NeedWeek, ("owner_id", "need_id", "week", "total", "count"), [_dated(row) for row in weeks])


def _dated(row: tuple) -> tuple:
    week = row[2]
    return (*row[:2], week.date() if isinstance(week, dt.datetime) else week, *row[3:])
