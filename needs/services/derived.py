"""Keeping the check-in numbers (needs.models.derived) equal to the check-ins, in the writer's transaction.

Each write names what it touched: `checkins_changed(owner_id, dates)` recomputes those dates' category rows,
those weeks' need rows and feeling sums, and those weeks' months, from the check-ins themselves, so a kept number
is never adjusted by a difference that could drift. `checkins_rebuild_many(owner_ids)` recomputes all of some
people's (imports, the benchmark, repairs). `feelings_changed(owner_id, dates)` recomputes the feeling sums of
those dates' weeks after a reflection write (it reads the kept ReflectionDay rows, so call it after them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, DateField, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from needs.models.derived import CheckInDay, NeedFeelingWeek, NeedMonth, NeedWeek
from needs.models.needs import CheckIn
from needs.services.writes import rows_insert


def week_of(day: dt.date) -> dt.date:
    """The Monday starting the week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def person_lock(owner_id: int) -> None:
    """One person's recomputations take turns (PostgreSQL: until the write's transaction ends; SQLite writes one
    at a time anyway). A check-in and a reflection of the same week both rewrite its feeling sums, and two weeks
    of one month its month rows: without turns, the second writer would not see the first's uncommitted rows and
    would either collide with them or keep sums without them. Outside a transaction (seeding, a shell) each
    statement stands alone and there is nothing to hold a turn for."""
    if transaction.get_connection().in_atomic_block:
        list(get_user_model().objects.select_for_update().filter(pk=owner_id).values_list("pk", flat=True))


def checkins_changed(*, owner_id: int, dates: Iterable[dt.date]) -> None:
    """Recompute the kept numbers for check-ins of these local dates (call inside the write's transaction)."""
    dates = set(dates)
    if not dates:
        return
    person_lock(owner_id)
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
    _months_changed(owner_id, weeks)
    _feeling_weeks_changed(owner_id, weeks)


def feelings_changed(*, owner_id: int, dates: Iterable[dt.date]) -> None:
    """Recompute the feeling sums of these local dates' weeks (after their ReflectionDay rows were kept)."""
    _feeling_weeks_changed(owner_id, {week_of(day) for day in dates})


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_changed(owner_id: int, weeks: set[dt.date]) -> None:
    """A month's row sums the NeedWeek rows whose Monday falls in it."""
    months = {month_of(week) for week in weeks}
    NeedMonth.objects.filter(owner_id=owner_id, month__in=months).delete()
    rows = _month_sums(
        NeedWeek.objects.filter(owner_id=owner_id, week__gte=min(months), week__lt=_after(max(months)))
    )
    NeedMonth.objects.bulk_create(
        NeedMonth(owner_id=owner_id, need_id=need_id, month=month, total=total, count=count)
        for _, need_id, month, total, count in rows
        if month in months
    )


def _after(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=31)).replace(day=1)


def _month_sums(weeks) -> list[tuple]:
    return [
        _dated(row)
        for row in weeks.order_by()
        .annotate(month=TruncMonth("week", output_field=DateField()))
        .values("owner_id", "need_id", "month")
        .annotate(total=Sum("total"), count=Sum("count"))
        .values_list("owner_id", "need_id", "month", "total", "count")
    ]


FEELINGS = ("anxiety", "confidence")
SUMS = ("n", "x", "y", "xx", "yy", "xy")
FEELING_FIELDS = tuple(f"{feeling}_{part}" for feeling in FEELINGS for part in SUMS)


def _feeling_weeks_changed(owner_id: int, weeks: set[dt.date]) -> None:
    if not weeks:
        return
    NeedFeelingWeek.objects.filter(owner_id=owner_id, week__in=weeks).delete()
    dates = {week + dt.timedelta(days=offset) for week in weeks for offset in range(7)}
    NeedFeelingWeek.objects.bulk_create(
        NeedFeelingWeek(
            owner_id=owner, need_id=need_id, week=week, **dict(zip(FEELING_FIELDS, sums, strict=True))
        )
        for owner, need_id, week, *sums in feeling_week_rows([owner_id], dates)
    )


def feeling_week_rows(owner_ids: list[int], dates: set[dt.date] | None = None) -> list[tuple]:
    """[(owner_id, need_id, week, *sums in FEELING_FIELDS order)]: each check-in paired with the average of
    each feeling on its date, over the live reflections of that date (days without the feeling are left out).

    Summed in Python in (owner, need, date) order, so a week recomputed alone gives exactly the floats a
    rebuild of everything gives."""
    reflection_days = apps.get_model("journal", "ReflectionDay").objects.filter(
        owner_id__in=owner_ids, count__gt=0
    )
    checkins = CheckIn.objects.filter(owner_id__in=owner_ids)
    if dates is not None:
        reflection_days, checkins = reflection_days.filter(date__in=dates), checkins.filter(date__in=dates)
    feelings = {
        (owner, date): (
            anxiety_total / anxiety_count if anxiety_count else None,
            confidence_total / confidence_count if confidence_count else None,
        )
        for owner, date, anxiety_total, anxiety_count, confidence_total, confidence_count in (
            reflection_days.order_by().values_list(
                "owner_id", "date", "anxiety_total", "anxiety_count", "confidence_total", "confidence_count"
            )
        )
    }
    if not feelings:
        return []
    if dates is None:
        checkins = checkins.filter(
            Exists(reflection_days.filter(owner_id=OuterRef("owner_id"), date=OuterRef("date")))
        )
    sums: dict[tuple, list] = {}
    for owner, need_id, date, score in checkins.order_by("owner_id", "need_id", "date").values_list(
        "owner_id", "need_id", "date", "score"
    ):
        pair = feelings.get((owner, date))
        if pair is None or pair == (None, None):
            continue
        cell = sums.get((owner, need_id, week_of(date)))
        if cell is None:
            cell = sums[(owner, need_id, week_of(date))] = [0, 0, 0.0, 0, 0.0, 0.0] * 2
        for index, y in enumerate(pair):
            if y is not None:
                base = index * 6
                cell[base] += 1
                cell[base + 1] += score
                cell[base + 2] += y
                cell[base + 3] += score * score
                cell[base + 4] += y * y
                cell[base + 5] += score * y
    return [(*key, *cell) for key, cell in sums.items()]


def checkins_rebuild(*, owner_id: int) -> None:
    """Recompute all of one person's kept check-in numbers from their check-ins."""
    checkins_rebuild_many(owner_ids=[owner_id])


def checkins_rebuild_many(*, owner_ids: list[int], feelings: bool = True) -> None:
    """Recompute the kept check-in numbers of these people, grouped in the database (`feelings=False` leaves
    the feeling sums to a caller that rebuilds the ReflectionDay rows they read first)."""
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
    NeedMonth.objects.filter(owner_id__in=owner_ids).delete()
    months = _month_sums(NeedWeek.objects.filter(owner_id__in=owner_ids))
    rows_insert(NeedMonth, ("owner_id", "need_id", "month", "total", "count"), months)
    if feelings:
        feelings_rebuild_many(owner_ids=owner_ids)


def feelings_rebuild_many(*, owner_ids: list[int]) -> None:
    """Recompute the feeling sums of these people (after their ReflectionDay rows were kept)."""
    NeedFeelingWeek.objects.filter(owner_id__in=owner_ids).delete()
    rows_insert(
        NeedFeelingWeek, ("owner_id", "need_id", "week", *FEELING_FIELDS), feeling_week_rows(owner_ids)
    )


def _dated(row: tuple) -> tuple:
    week = row[2]
    return (*row[:2], week.date() if isinstance(week, dt.datetime) else week, *row[3:])
