"""Insights over time: weekly trends, feelings beside needs, patterns, most-linked needs, a year of days,
and the weekly review. Each piece is one aggregate query, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncWeek, TruncYear

from journal.models import Reflection, ReflectionDay
from needs.models.derived import CheckInDay, NeedWeek
from needs.models.needs import Need, by_category
from needs.services.derived import week_of

MIN_PAIRED_DAYS = 20  # fewer paired days than this and a correlation says nothing

MIN_STRENGTH = 0.3


def _week(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# A period's length in months (0: weeks) → how the database finds a date's period start.
TRUNCATE = {1: TruncMonth, 3: TruncQuarter, 12: TruncYear}


def first_day(user, since: dt.date | None, today: dt.date) -> dt.date | None:
    """The first week with check-ins or day with reflections in the range, from the kept rows."""
    weeks = NeedWeek.objects.for_user(user).filter(week__lte=today)
    days = ReflectionDay.objects.for_user(user).filter(date__lte=today)
    if since:
        weeks, days = weeks.filter(week__gte=week_of(since)), days.filter(date__gte=since)
    found = [
        day
        for day in (
            weeks.order_by("week").values_list("week", flat=True).first(),
            days.order_by("date").values_list("date", flat=True).first(),
        )
        if day is not None
    ]
    return min(found) if found else None


def need_weeks(user, since: dt.date | None, today: dt.date, *, months: int = 0):
    """[(need_id, name, category, start, average, count)] per need and week (or per period of `months`
    months, summed in the database), from the kept weekly rows, oldest first.

    `since` counts from the Monday of its week: a week is shown whole or not at all; a week belongs to the
    period of its Monday.
    """
    # The need's owner is named too: the planner then reads the person's needs, not every need of every person.
    queryset = NeedWeek.objects.for_user(user).filter(week__lte=today, need__owner=user)
    if since:
        queryset = queryset.filter(week__gte=week_of(since))
    if months:
        queryset = (
            queryset.annotate(start=TRUNCATE[months]("week", output_field=DateField()))
            .values("need_id", "need__name", "need__category", "start")
            .annotate(total=Sum("total"), count=Sum("count"))
        )
    else:
        queryset = queryset.annotate(start=F("week"))
    rows = queryset.order_by("start").values_list(
        "need_id", "need__name", "need__category", "start", "total", "count"
    )
    return [
        (need_id, name, category, _week(start), total / count, count)
        for need_id, name, category, start, total, count in rows
    ]


def category_trends(rows) -> list[tuple[str, str, list[tuple[dt.date, float]]]]:
    sums: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for _, _, category, week, average, count in rows:
        cell = sums[category][week]
        cell[0] += average * count
        cell[1] += count
    return [
        (
            group.value,
            group.label,
            [(week, round(total / n, 1)) for week, (total, n) in sorted(sums[group.value].items())],
        )
        for group in by_category(sums, category_of=lambda category: category)
    ]


def need_trends(rows) -> list[dict]:
    needs: dict = {}
    for need_id, name, category, week, average, _ in rows:
        entry = needs.setdefault(need_id, {"id": need_id, "name": name, "category": category, "weekly": []})
        entry["weekly"].append((week, round(average, 1)))
    return sorted(needs.values(), key=lambda n: (n["category"], n["name"]))


def overall_weekly(rows) -> dict[dt.date, float]:
    sums: dict = defaultdict(lambda: [0.0, 0])
    for _, _, _, week, average, count in rows:
        sums[week][0] += average * count
        sums[week][1] += count
    return {week: round(total / n, 1) for week, (total, n) in sums.items()}


def feelings_weekly(user, since, today, *, months: int = 0) -> list[dict]:
    """[{"week", "anxiety", "confidence"}] per week (or per period of `months` months), averages of every
    live reflection's feelings in it, oldest first."""
    queryset = ReflectionDay.objects.for_user(user).filter(date__lte=today)
    if since:
        queryset = queryset.filter(date__gte=since)
    truncate = TRUNCATE[months] if months else TruncWeek
    rows = (
        queryset.annotate(week=truncate("date", output_field=DateField()))
        .values("week")
        .annotate(
            anxiety_total=Sum("anxiety_total"),
            anxiety_count=Sum("anxiety_count"),
            confidence_total=Sum("confidence_total"),
            confidence_count=Sum("confidence_count"),
        )
        .order_by("week")
    )
    return [
        {
            "week": _week(r["week"]),
            "anxiety": _mean(r["anxiety_total"], r["anxiety_count"]),
            "confidence": _mean(r["confidence_total"], r["confidence_count"]),
        }
        for r in rows
    ]


def _mean(total, count) -> float | None:
    return round(total / count, 1) if count else None


def pearson_from_sums(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    if n < MIN_PAIRED_DAYS:
        return None
    var_x, var_y = n * sxx - sx * sx, n * syy - sy * sy
    if var_x <= 0 or var_y <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


@dataclass
class Pattern:
    need_name: str
    category: str
    feeling: str
    r: float
    days: int

    @property
    def sentence(self) -> str:
        feeling = "anxiety" if self.feeling == "anxiety" else "self-confidence"
        direction = "higher" if self.r > 0 else "lower"
        strength = "often" if abs(self.r) >= 0.5 else "somewhat"
        return (
            f"On days when “{self.need_name}” was better met, your {feeling} was {strength} {direction} "
            f"— a pattern across {self.days} days, not proof of a cause."
        )


# Per need: the sums a Pearson correlation needs, pairing each day's score with that day's average feeling.
# One grouped query over a year of check-ins, so the page doesn't pull thousands of rows into Python.
PATTERN_SQL = """
SELECT c.need_id, {sums}
FROM needs_checkin c
JOIN (
    SELECT d.date AS day,
        CASE WHEN d.anxiety_count > 0 THEN CAST(d.anxiety_total AS DOUBLE PRECISION) / d.anxiety_count END
            AS anxiety,
        CASE WHEN d.confidence_count > 0 THEN CAST(d.confidence_total AS DOUBLE PRECISION) / d.confidence_count END
            AS confidence
    FROM journal_reflectionday d
    WHERE d.owner_id = %s AND d.date >= %s AND d.date <= %s AND d.count > 0
) f ON f.day = c.date
WHERE c.owner_id = %s AND c.date >= %s AND c.date <= %s
GROUP BY c.need_id
"""


FEELINGS = ("anxiety", "confidence")


def _sums_sql() -> str:
    parts = []
    for name in FEELINGS:
        has = f"CASE WHEN f.{name} IS NOT NULL THEN 1 ELSE 0 END"
        x = f"(c.score * {has})"
        parts += [
            f"SUM({has})",
            f"SUM({x})",
            f"SUM(COALESCE(f.{name}, 0))",
            f"SUM({x} * c.score)",
            f"SUM(COALESCE(f.{name}, 0) * COALESCE(f.{name}, 0))",
            f"SUM(c.score * COALESCE(f.{name}, 0))",
        ]
    return ", ".join(parts)


def feeling_patterns(user, today: dt.date, days: int = 365) -> list[Pattern]:
    """Which needs move together with the feelings over the last year, where there is enough data."""
    since = today - dt.timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute(PATTERN_SQL.format(sums=_sums_sql()), [user.pk, since, today, user.pk, since, today])
        rows = cursor.fetchall()
    if not rows:
        return []
    names = dict(
        (str(pk), (name, category))
        for pk, name, category in Need.objects.for_user(user).values_list("pk", "name", "category")
    )
    patterns = []
    for row in rows:
        need_id = str(uuid.UUID(str(row[0]))) if not isinstance(row[0], uuid.UUID) else str(row[0])
        for index, feeling in enumerate(FEELINGS):
            n, sx, sy, sxx, syy, sxy = (float(v or 0) for v in row[1 + index * 6 : 7 + index * 6])
            r = pearson_from_sums(int(n), sx, sy, sxx, syy, sxy)
            if r is not None and abs(r) >= MIN_STRENGTH and need_id in names:
                name, category = names[need_id]
                patterns.append(Pattern(name, category, feeling, round(r, 2), int(n)))
    return sorted(patterns, key=lambda p: -abs(p.r))[:6]


def most_linked(user, since, today, limit=8) -> list[dict]:
    """The needs the person's live reflections of the period link to most, starting from those reflections.

    Up to a year of them, by their ids read first; over longer periods, by a join from the person's reflections.
    As `IN (subquery)` the planner guessed from the average person and scanned every person's links (90 ms
    among 10,000 people; 4 ms for 90 days by ids, 45 ms for ten years by the join)."""
    reflections = Reflection.objects.for_user(user).live().filter(date__lte=today)
    if since:
        reflections = reflections.filter(date__gte=since)
    ids = list(reflections.order_by().values_list("pk", flat=True)[: LINKED_BY_IDS + 1])
    through = Reflection.needs.through
    if len(ids) <= LINKED_BY_IDS:
        links = through.objects.filter(reflection_id__in=ids)
    else:
        links = through.objects.filter(
            reflection__owner=user, reflection__deleted_at__isnull=True, reflection__date__lte=today
        )
        if since:
            links = links.filter(reflection__date__gte=since)
    return list(
        links.filter(need__owner=user)
        .values("need_id", "need__name", "need__category")
        .annotate(count=Count("id"))
        .order_by("-count")[:limit]
    )


LINKED_BY_IDS = 400


def year_of_days(user, today: dt.date) -> list[tuple[dt.date, float | None, int]]:
    since = today - dt.timedelta(days=364)
    averages = {
        day: total / count
        for day, total, count in CheckInDay.objects.for_user(user)
        .filter(date__gte=since, date__lte=today)
        .values("date")
        .annotate(total=Sum("total"), count=Sum("count"))
        .values_list("date", "total", "count")
    }
    written = dict(
        ReflectionDay.objects.for_user(user)
        .filter(date__gte=since, date__lte=today, count__gt=0)
        .values_list("date", "count")
    )
    days = []
    for offset in range(365):
        day = since + dt.timedelta(days=offset)
        average = averages.get(day)
        days.append((day, round(average, 1) if average is not None else None, written.get(day, 0)))
    return days


def months_summary(days) -> list[dict]:
    months: dict = {}
    for day, average, reflections in days:
        entry = months.setdefault(
            day.replace(day=1), {"month": day.replace(day=1), "active": 0, "scores": [], "reflections": 0}
        )
        if average is not None or reflections:
            entry["active"] += 1
        if average is not None:
            entry["scores"].append(average)
        entry["reflections"] += reflections
    for entry in months.values():
        entry["average"] = round(sum(entry["scores"]) / len(entry["scores"]), 1) if entry["scores"] else None
    return list(months.values())


def week_changes(user, monday: dt.date) -> tuple[list[dict], list[dict], list[dict]]:
    """Needs that rose, fell or held this week against the week before (weekly averages)."""
    previous = monday - dt.timedelta(days=7)
    rows = need_weeks(user, previous, monday + dt.timedelta(days=6))
    by_need: dict = {}
    for need_id, name, category, week, average, _ in rows:
        entry = by_need.setdefault(need_id, {"name": name, "category": category, "id": need_id})
        entry["this" if week == monday else "before"] = round(average, 1)
    rose, fell, held = [], [], []
    for entry in by_need.values():
        if "this" not in entry or "before" not in entry:
            continue
        entry["change"] = round(entry["this"] - entry["before"], 1)
        (rose if entry["change"] >= 0.5 else fell if entry["change"] <= -0.5 else held).append(entry)
    rose.sort(key=lambda e: -e["change"])
    fell.sort(key=lambda e: e["change"])
    return rose, fell, held
