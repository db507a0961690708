"""Insights over time: weekly trends, feelings beside needs, patterns, most-linked needs, a year of days,
and the weekly review. Each piece is one aggregate query, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection

from journal.models import ReflectionDay
from needs.models.derived import NeedWeek
from needs.models.needs import by_category
from needs.privacy.owned import OwnedSQL
from needs.services.derived import FEELING_FIELDS, month_of, week_of

MIN_PAIRED_DAYS = 20  # fewer paired days than this and a correlation says nothing

MIN_STRENGTH = 0.3


def _week(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def first_day(user, since: dt.date | None, today: dt.date) -> dt.date | None:
    """The first week with check-ins or day with reflections in the range, from the kept rows.

    One round trip; each MIN reads one entry of its table's (owner, date) index."""
    since_week = week_of(since) if since else dt.date.min
    since = since or dt.date.min
    with connection.cursor() as cursor:
        cursor.execute(
            FIRST_DAY_SQL.format(weeks=NeedWeek._meta.db_table, days=ReflectionDay._meta.db_table),
            [user.pk, since_week, today, user.pk, since, today],
        )
        found = [_as_date(day) for day in cursor.fetchone() if day is not None]
    return min(found) if found else None


FIRST_DAY_SQL = """
SELECT
    (SELECT MIN(week) FROM {weeks} WHERE owner_id = %s AND week >= %s AND week <= %s),
    (SELECT MIN(date) FROM {days} WHERE owner_id = %s AND date >= %s AND date <= %s)
"""


def _as_date(value) -> dt.date:
    """A date as a raw cursor gives it (SQLite gives text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else _week(value)


# Each need's kept weeks in a range, oldest first, with the need's name and category. The need's owner is named
# too: the planner then reads the person's needs, not every need of every person.
NEED_WEEKS = OwnedSQL(
    """
    SELECT w.need_id, n.name, n.category, w.week, w.total, w.count
      FROM needs_needweek w
      JOIN needs_need n ON n.id = w.need_id AND n.owner_id = %(owner)s
     WHERE w.owner_id = %(owner)s AND w.week >= %(since)s AND w.week <= %(today)s
     ORDER BY w.week
    """,
    uuids=(0,),
    dates=(3,),
)


# A month row's period start (periods of 1, 3 or 12 months), per database. PostgreSQL truncates a timestamp
# without a time zone: a date alone would become one with the session's, converted back and forth for each row.
# SQLite goes back to the quarter's first month by the month's number (`%%` is a literal percent sign beside named
# parameters).
_SQLITE_QUARTER = "date(m.month, '-' || ((CAST(strftime('%%m', m.month) AS INTEGER) - 1) %% 3) || ' months')"
_PERIOD_OF_MONTH = {
    ("postgresql", 1): "m.month",
    ("postgresql", 3): "CAST(date_trunc('quarter', CAST(m.month AS timestamp)) AS date)",
    ("postgresql", 12): "CAST(date_trunc('year', CAST(m.month AS timestamp)) AS date)",
    ("sqlite", 1): "m.month",
    ("sqlite", 3): _SQLITE_QUARTER,
    ("sqlite", 12): "date(m.month, 'start of year')",
}
# Each need's kept month rows summed by period for the months from `first` to before `last` (marked 0), then the
# kept week rows of the range outside those months (marked 1, summed by period in Python), with the need's name
# and category. Summed by need and period before the needs are named: grouped by the name as well, ten years
# took 40 ms to sort, and with the name taken by MIN, comparing names cost more than the sums.
NEED_PERIODS = {
    key: OwnedSQL(
        f"""
        SELECT s.need_id, n.name, n.category, s.start, s.total, s.count, 0
          FROM (SELECT m.need_id, {period} AS start, SUM(m.total) AS total, SUM(m.count) AS count
                  FROM needs_needmonth m
                 WHERE m.owner_id = %(owner)s AND m.month >= %(first)s AND m.month < %(last)s
                 GROUP BY m.need_id, {period}) s
          JOIN needs_need n ON n.id = s.need_id AND n.owner_id = %(owner)s
        UNION ALL
        SELECT w.need_id, n.name, n.category, w.week, w.total, w.count, 1
          FROM needs_needweek w
          JOIN needs_need n ON n.id = w.need_id AND n.owner_id = %(owner)s
         WHERE w.owner_id = %(owner)s AND w.week >= %(since)s AND w.week <= %(today)s
           AND (w.week < %(first)s OR w.week >= %(last)s)
        """,  # noqa: S608 - only the fixed fragments above are written into it
        uuids=(0,),
        dates=(3,),
    )
    for key, period in _PERIOD_OF_MONTH.items()
}


def need_weeks(user, since: dt.date | None, today: dt.date, *, months: int = 0):
    """[(need_id, name, category, start, average, count)] per need and week (or per period of `months`
    months), from the kept rows, oldest first.

    `since` counts from the Monday of its week: a week is shown whole or not at all; a week belongs to the
    period of its Monday. Periods of months read the kept month rows for the months wholly in the range and
    the kept week rows for the months at its ends. Month rows are summed in the database by need and period,
    then named (see NEED_PERIODS).
    """
    if not months:
        return [
            (need_id, name, category, week, total / count, count)
            for need_id, name, category, week, total, count in NEED_WEEKS.rows(
                user, since=week_of(since) if since else dt.date.min, today=today
            )
        ]
    first, last = _whole_months(since, today)
    found = NEED_PERIODS[(connection.vendor, months)].rows(
        user, first=first, last=last, since=week_of(since) if since else dt.date.min, today=today
    )
    rows, names, ends = [], {}, {}
    for need_id, name, category, start, total, count, part in found:
        if part:
            names[need_id] = (name, category)
            cell = ends.setdefault((_period_start(_week(start), months), need_id), [0, 0])
            cell[0] += total
            cell[1] += count
        else:
            rows.append((need_id, name, category, _week(start), total, count))
    # Only the periods at the ends can hold both month rows and week rows.
    starts = {start for start, _ in ends}
    merged = []
    for need_id, name, category, start, total, count in rows:
        if start in starts and (start, need_id) in ends:
            cell = ends[(start, need_id)]
            cell[0] += total
            cell[1] += count
        else:
            merged.append((need_id, name, category, start, total / count, count))
    merged += [
        (need_id, *names[need_id], start, total / count, count)
        for (start, need_id), (total, count) in ends.items()
    ]
    merged.sort(key=lambda row: row[3])
    return merged


# Every check-in of the person's kept weeks summed per week (kind 1), or, for periods of months, the kept month
# rows summed per period for the months from `first` to before `last` (kind 0) and the week rows of the range
# outside those months (kind 1, summed into their period in Python): the "needs met" line without each need's.
OVERALL_WEEKS = """
    SELECT w.week, SUM(w.total), SUM(w.count), 1
      FROM needs_needweek w
     WHERE w.owner_id = %(owner)s AND w.week >= %(since)s AND w.week <= %(today)s
       AND (w.week < %(first)s OR w.week >= %(last)s)
     GROUP BY w.week
"""
OVERALL_PERIODS = {
    key: OwnedSQL(
        f"""
        SELECT {period} AS start, SUM(m.total), SUM(m.count), 0
          FROM needs_needmonth m
         WHERE m.owner_id = %(owner)s AND m.month >= %(first)s AND m.month < %(last)s
         GROUP BY {period}
        UNION ALL
        {OVERALL_WEEKS}
        """,  # noqa: S608 - only the fixed fragments above are written into it
        dates=(0,),
    )
    for key, period in _PERIOD_OF_MONTH.items()
}
OVERALL_PERIODS[(None, 0)] = OwnedSQL(OVERALL_WEEKS, dates=(0,))


def overall(user, since: dt.date | None, today: dt.date, *, months: int = 0) -> dict[dt.date, float]:
    """Period start → the average of every check-in in it (the "needs met" line), in one small read: each need's
    periods summed in the database, for a view that draws no need's own line."""
    first, last = dt.date.max, dt.date.max  # weeks: no month rows, every week row
    sql = OVERALL_PERIODS[(None, 0)]
    if months:
        first, last = _whole_months(since, today)
        sql = OVERALL_PERIODS[(connection.vendor, months)]
    sums: dict = {}
    for start, total, count, part in sql.rows(
        user, first=first, last=last, since=week_of(since) if since else dt.date.min, today=today
    ):
        start = _week(start)
        if part and months:
            start = _period_start(start, months)
        cell = sums.setdefault(start, [0, 0])
        cell[0] += total
        cell[1] += count
    return {start: round(total / count, 1) for start, (total, count) in sorted(sums.items())}


def _whole_months(since: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The months read from the kept month rows for a range: from the first month starting on or after the first
    week's Monday, up to before today's month (whose weeks, and the first partial month's, come from week rows)."""
    first = dt.date.min
    if since:
        first_week = week_of(since)
        first = first_week if first_week.day == 1 else _next_month(first_week)
    return first, month_of(today)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _period_start(day: dt.date, months: int) -> dt.date:
    """The first day of the period of `months` months (1, 3 or 12) that `day` is in."""
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


@dataclass
class Trends:
    """The lines drawn from need_weeks' rows: each category's and each need's."""

    categories: list[tuple[str, str, list[tuple[dt.date, float]]]]  # (category, label, [(start, average)])
    needs: list[dict]  # {"id", "name", "category", "weekly": [(start, average)]}, by category then name


def trends(rows) -> Trends:
    """The trends view's lines from need_weeks' rows (oldest first), in one pass over them: a year of forty needs
    is two thousand rows, and a pass per line cost more than the rest of the reading. (The overall line is
    `overall`, summed in the database.)"""
    categories: dict = {}
    needs: dict = {}
    for need_id, name, category, week, average, count in rows:
        weeks = categories.get(category)
        if weeks is None:
            weeks = categories[category] = {}
        cell = weeks.get(week)
        if cell is None:
            weeks[week] = [average * count, count]
        else:
            cell[0] += average * count
            cell[1] += count
        entry = needs.get(need_id)
        if entry is None:
            entry = needs[need_id] = {"id": need_id, "name": name, "category": category, "weekly": []}
        entry["weekly"].append((week, round(average, 1)))
    return Trends(
        categories=[
            (
                group.value,
                group.label,
                [(week, round(total / n, 1)) for week, (total, n) in sorted(categories[group.value].items())],
            )
            for group in by_category(categories, category_of=lambda category: category)
        ],
        needs=sorted(needs.values(), key=lambda n: (n["category"], n["name"])),
    )


# The start of a day's period (a Monday's week, or a period of 1, 3 or 12 months), per database (PostgreSQL: of a
# timestamp without a time zone, as above).
_SQLITE_WEEKDAY = "((CAST(strftime('%%w', date) AS INTEGER) + 6) %% 7)"  # Monday 0 … Sunday 6
_PERIOD_OF_DAY = {
    ("postgresql", 0): "CAST(date_trunc('week', CAST(date AS timestamp)) AS date)",
    ("postgresql", 1): "CAST(date_trunc('month', CAST(date AS timestamp)) AS date)",
    ("postgresql", 3): "CAST(date_trunc('quarter', CAST(date AS timestamp)) AS date)",
    ("postgresql", 12): "CAST(date_trunc('year', CAST(date AS timestamp)) AS date)",
    ("sqlite", 0): f"date(date, '-' || {_SQLITE_WEEKDAY} || ' days')",
    ("sqlite", 1): "date(date, 'start of month')",
    ("sqlite", 3): "date(date, 'start of month', '-' || ((CAST(strftime('%%m', date) AS INTEGER) - 1) %% 3)"
    " || ' months')",
    ("sqlite", 12): "date(date, 'start of year')",
}
# The kept feeling sums of the person's reflection days in a range, per period, oldest first.
FEELING_PERIODS = {
    key: OwnedSQL(
        f"""
        SELECT {period} AS start, SUM(anxiety_total), SUM(anxiety_count), SUM(confidence_total),
               SUM(confidence_count)
          FROM journal_reflectionday
         WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(today)s
         GROUP BY {period}
         ORDER BY start
        """,  # noqa: S608 - only the fixed fragments above are written into it
        dates=(0,),
    )
    for key, period in _PERIOD_OF_DAY.items()
}


def feelings_weekly(user, since, today, *, months: int = 0) -> list[dict]:
    """[{"week", "anxiety", "confidence"}] per week (or per period of `months` months), averages of every
    live reflection's feelings in it, oldest first."""
    return [
        {
            "week": week,
            "anxiety": _mean(anxiety_total, anxiety_count),
            "confidence": _mean(confidence_total, confidence_count),
        }
        for week, anxiety_total, anxiety_count, confidence_total, confidence_count in FEELING_PERIODS[
            (connection.vendor, months)
        ].rows(user, since=since or dt.date.min, today=today)
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


FEELINGS = ("anxiety", "confidence")


# Each need's kept feeling sums over a range of weeks, with its name and category: summed before the needs are
# named, so the planner reads the person's weeks alone.
FEELING_SUMS = OwnedSQL(
    f"""
    SELECT n.name, n.category, {", ".join(f"s.{name}" for name in FEELING_FIELDS)}
      FROM (SELECT need_id, {", ".join(f"SUM({name}) AS {name}" for name in FEELING_FIELDS)}
              FROM needs_needfeelingweek
             WHERE owner_id = %(owner)s AND week >= %(since)s AND week <= %(today)s
             GROUP BY need_id) s
      JOIN needs_need n ON n.id = s.need_id AND n.owner_id = %(owner)s
    """  # noqa: S608 - only the kept rows' own column names are written into it
)


def feeling_patterns(user, today: dt.date, days: int = 365) -> list[Pattern]:
    """Which needs move together with the feelings over the last year, where there is enough data.

    The last year is counted in whole weeks, from the kept sums of each need's week (check-in scores paired
    with the same day's average feelings): the weeks from the one holding the year's first day to today's."""
    since = week_of(today - dt.timedelta(days=days - 1))
    rows = FEELING_SUMS.rows(user, since=since, today=today)
    patterns = []
    for name, category, *sums in rows:
        for index, feeling in enumerate(FEELINGS):
            n, sx, sy, sxx, syy, sxy = (float(v or 0) for v in sums[index * 6 : index * 6 + 6])
            r = pearson_from_sums(int(n), sx, sy, sxx, syy, sxy)
            if r is not None and abs(r) >= MIN_STRENGTH:
                patterns.append(Pattern(name, category, feeling, round(r, 2), int(n)))
    return sorted(patterns, key=lambda p: -abs(p.r))[:6]


# How many of the person's live reflections link to each need over a range of dates, from the kept counts.
LINK_COUNTS = OwnedSQL(
    """
    SELECT n.id, n.name, n.category, s.count
      FROM (SELECT need_id, SUM(count) AS count FROM journal_needlinkday
             WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(today)s
             GROUP BY need_id) s
      JOIN needs_need n ON n.id = s.need_id AND n.owner_id = %(owner)s
    """,
    uuids=(0,),
)


def most_linked(user, since, today, limit=8) -> list[dict]:
    """The needs the person's live reflections of the period link to most (most first, then by name), from the
    kept counts per need and date.

    Summed before the needs are named: joined first, the planner expected one row per need and sorted every
    day's row (17 ms for ten years instead of 3)."""
    rows = [
        {"need_id": pk, "need__name": name, "need__category": category, "count": count}
        for pk, name, category, count in LINK_COUNTS.rows(user, since=since or dt.date.min, today=today)
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["need__name"]))[:limit]


# A stretch of days' check-in sums (kind 0: total and count over the categories) and live reflection counts
# (kind 1), from the kept day rows.
YEAR_OF_DAYS = OwnedSQL(
    """
    SELECT 0, date, SUM(total), SUM(count) FROM needs_checkinday
     WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(today)s
     GROUP BY date
    UNION ALL
    SELECT 1, date, count, 0 FROM journal_reflectionday
     WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(today)s AND count > 0
    """,
    dates=(1,),
)


def year_of_days(user, today: dt.date) -> list[tuple[dt.date, float | None, int]]:
    since = today - dt.timedelta(days=364)
    averages, written = {}, {}
    for kind, day, total, count in YEAR_OF_DAYS.rows(user, since=since, today=today):
        if kind:
            written[day] = total
        else:
            averages[day] = total / count
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
