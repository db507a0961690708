"""Keeping the reflection numbers (journal.models.ReflectionDay, NeedLinkDay) equal to the reflections, in the
writer's transaction, and rebuilding every kept number of one person (needs.services.derived holds the check-in
side, and the feeling sums that pair check-ins with these days).

Each write names the dates it touched and those dates (and their weeks' feeling sums) are recomputed from the
reflections themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum

from journal.models import NeedLinkDay, Reflection, ReflectionDay
from needs.services.derived import checkins_rebuild_many, feelings_changed, feelings_rebuild_many, person_lock
from needs.services.writes import rows_insert


def reflections_changed(*, owner_id: int, dates: Iterable[dt.date]) -> None:
    """Recompute the kept numbers for reflections of these local dates (call inside the write's transaction)."""
    dates = set(dates)
    if not dates:
        return
    person_lock(owner_id)
    ReflectionDay.objects.filter(owner_id=owner_id, date__in=dates).delete()
    rows = _day_numbers(Reflection.objects.filter(owner_id=owner_id, date__in=dates), "date")
    ReflectionDay.objects.bulk_create(ReflectionDay(owner_id=owner_id, **row) for row in rows)
    feelings_changed(owner_id=owner_id, dates=dates)
    NeedLinkDay.objects.filter(owner_id=owner_id, date__in=dates).delete()
    NeedLinkDay.objects.bulk_create(
        NeedLinkDay(owner_id=owner, need_id=need_id, date=date, count=count)
        for owner, need_id, date, count in _link_days(
            Reflection.objects.filter(owner_id=owner_id, date__in=dates)
        )
    )


def derived_rebuild(*, user) -> None:
    """Recompute all of one person's kept numbers from their check-ins and reflections."""
    derived_rebuild_many(owner_ids=[user.pk])


def derived_rebuild_many(*, owner_ids: list[int]) -> None:
    """Recompute all kept numbers of these people, grouped in the database (imports, seeding, repairs)."""
    checkins_rebuild_many(owner_ids=owner_ids, feelings=False)
    ReflectionDay.objects.filter(owner_id__in=owner_ids).delete()
    rows = list(
        _day_numbers(Reflection.objects.filter(owner_id__in=owner_ids), "owner_id", "date").values_list(
            "owner_id", "date", *NUMBERS
        )
    )
    rows_insert(ReflectionDay, ("owner_id", "date", *NUMBERS), rows)
    feelings_rebuild_many(owner_ids=owner_ids)
    NeedLinkDay.objects.filter(owner_id__in=owner_ids).delete()
    links = _link_days(Reflection.objects.filter(owner_id__in=owner_ids))
    rows_insert(NeedLinkDay, ("owner_id", "need_id", "date", "count"), links)


NUMBERS = ("count", "anxiety_total", "anxiety_count", "confidence_total", "confidence_count")


def _link_days(reflections) -> list[tuple]:
    """[(owner_id, need_id, date, count)]: how many of these live reflections of each date link to each of
    their owner's needs."""
    return list(
        Reflection.needs.through.objects.filter(
            reflection__in=reflections.filter(deleted_at__isnull=True).order_by().values("pk"),
            need__owner_id=F("reflection__owner_id"),
        )
        .order_by()
        .values("reflection__owner_id", "need_id", "reflection__date")
        .annotate(count=Count("id"))
        .values_list("reflection__owner_id", "need_id", "reflection__date", "count")
    )


def _day_numbers(reflections, *group):
    return (
        reflections.filter(deleted_at__isnull=True)
        .order_by()
        .values(*group)
        .annotate(
            count=Count("id"),
            anxiety_total=Sum("anxiety", default=0),
            anxiety_count=Count("id", filter=Q(anxiety__isnull=False)),
            confidence_total=Sum("confidence", default=0),
            confidence_count=Count("id", filter=Q(confidence__isnull=False)),
        )
    )
