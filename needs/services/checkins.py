"""Writes of check-ins, and what is read from them: weekly averages, sparklines, the 30-day comparison, the
needs wheel, the home page's quick check-in and the "stayed low" rule."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from statistics import mean

from django.db import transaction

from needs.models.derived import CheckInDay, NeedWeek
from needs.models.needs import CheckIn, Need, by_category
from needs.privacy.owned import OwnedSQL
from needs.services.derived import checkins_changed, person_lock

# --- Check-ins ------------------------------------------------------------------------------------

# Writing kept offline and sent as an ordinary form names itself (`offline_id`, a random id the browser made);
# once saved, the session remembers it under this key and the next /offline/state/ tells that browser it may
# let go of it.
OFFLINE_SENT_KEY = "offline_sent"
OFFLINE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ChangedElsewhere(Exception):  # noqa: N818 - an answer for the person, not an error
    """Ratings that would overwrite check-ins saved elsewhere since they were written: nothing was saved."""

    def __init__(self, changed: list[tuple[Need, CheckIn]]):
        super().__init__("changed elsewhere")
        self.changed = changed


@transaction.atomic
def checkins_save(
    *,
    user,
    date: dt.date,
    ratings: dict[Need, tuple[int | None, str | None]],
    based_on: dict | None = None,
) -> int:
    """Save one date's ratings: create or update one check-in per need and date, never a duplicate.

    A need rated None is left as it was (an existing check-in is kept). A note of None was not on the form
    (the quick check-in, one written offline): a note saved earlier stays as it was; "" clears it.

    The person's writes take turns before any check-in row is touched (every check-in write does, so two
    never wait on each other's rows). With `based_on` (the scores the form showed, see
    `checkins_changed_elsewhere`), a rating saved by another device at the same moment is therefore seen and
    raises ChangedElsewhere instead of being overwritten unseen.
    """
    person_lock(user.pk)
    if based_on:
        changed = checkins_changed_elsewhere(user=user, date=date, ratings=ratings, based_on=based_on)
        if changed:
            raise ChangedElsewhere(changed)
    existing = {c.need_id: c for c in CheckIn.objects.for_user(user).filter(date=date)}
    saved = 0
    for need, (score, note) in ratings.items():
        if score is None:
            continue
        checkin = existing.get(need.pk) or CheckIn(owner=user, need=need, date=date)
        checkin.score = score
        if note is not None or checkin._state.adding:
            checkin.seal("note", note or "", owner=user)
        checkin.save()
        saved += 1
    if saved:
        checkins_changed(owner_id=user.pk, dates=[date])
    return saved


def checkins_changed_elsewhere(
    *, user, date: dt.date, ratings: dict[Need, tuple[int | None, str]], based_on: dict
) -> list[tuple[Need, CheckIn]]:
    """The ratings that would overwrite a check-in saved elsewhere after they were written.

    `based_on` maps a need's id to the score the form showed when it was written (None: none). A saved
    check-in that differs from it was changed since; if it also differs from the new score, saving would
    overwrite it unseen. A saved score equal to the new one is the same rating sent again: nothing to ask.
    """
    saved = {c.need_id: c for c in CheckIn.objects.for_user(user).filter(date=date)}
    changed = []
    for need, (score, _note) in ratings.items():
        found = saved.get(need.pk)
        if score is None or found is None or need.pk not in based_on:
            continue
        if found.score != based_on[need.pk] and found.score != score:
            changed.append((need, found))
    return changed


@transaction.atomic
def checkin_update(*, user, checkin: CheckIn, score: int, note: str) -> CheckIn:
    """Change one check-in's score and note (already validated)."""
    person_lock(user.pk)  # first, as every check-in write (see checkins_save)
    checkin.score = score
    checkin.seal("note", note, owner=user)
    checkin.save()
    checkins_changed(owner_id=user.pk, dates=[checkin.date])
    return checkin


@transaction.atomic
def checkin_delete(*, checkin: CheckIn) -> None:
    person_lock(checkin.owner_id)  # first, as every check-in write (see checkins_save)
    checkin.delete()
    checkins_changed(owner_id=checkin.owner_id, dates=[checkin.date])


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_averages(points: list[tuple[dt.date, int]]) -> list[tuple[dt.date, float]]:
    """[(date, score)] → [(Monday of the week, average score)], oldest first."""
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    for day, score in points:
        weeks[week_start(day)].append(score)
    return [(week, round(mean(scores), 1)) for week, scores in sorted(weeks.items())]


def sparklines(*, user, needs: list[Need], today: dt.date, weeks: int = 12) -> dict:
    """{need id: [(week, average)]} for the last `weeks` weeks, from the kept weekly rows in one query."""
    since = week_start(today) - dt.timedelta(weeks=weeks - 1)
    rows = (
        NeedWeek.objects.for_user(user)
        .filter(need__in=[n.pk for n in needs], week__gte=since, week__lte=today)
        .order_by("week")
        .values_list("need_id", "week", "total", "count")
    )
    lines: dict = defaultdict(list)
    for need_id, week, total, count in rows:
        lines[need_id].append((week, round(total / count, 1)))
    return dict(lines)


@dataclass
class NeedHistory:
    weekly: list[tuple[dt.date, float]]
    comparison: Comparison
    checkin_count: int
    # The newest check-ins as (id, date, score, sealed note), newest first, when the same query read enough of
    # them; None: the caller reads them.
    recent: list[tuple] | None = None


# Up to this many days back, a need page's weeks are summed from the check-ins themselves: one query reads the
# weeks, the 30-day comparison and the recent check-ins. Longer ranges read the kept weekly rows.
WEEKS_FROM_CHECKINS_DAYS = 120


def need_history(*, owner, need: Need, today: dt.date, days: int | None, recent: int = 0) -> NeedHistory:
    """A need page's numbers (`need`: one of `owner`'s): weekly averages over the last `days` days (None: all), counted from the Monday of
    the first week, the 30-day comparison from the last 60 days' check-ins, and (asked for with `recent`) the
    newest check-ins."""
    first_week = week_start(today - dt.timedelta(days=days - 1)) if days else None
    compare_after = today - dt.timedelta(days=60)
    if first_week and days <= WEEKS_FROM_CHECKINS_DAYS:
        since = min(first_week, compare_after + dt.timedelta(days=1))
        rows = _checkins_since(owner, need, since)
        sums: dict[dt.date, list[int]] = {}
        for _, day, score, _ in rows:
            week = week_start(day)
            if first_week <= week <= today:  # as the kept weekly rows: whole weeks up to today's
                found = sums.setdefault(week, [0, 0])
                found[0] += score
                found[1] += 1
        weeks = [(week, total, count) for week, (total, count) in sorted(sums.items())]
    else:
        kept = NeedWeek.objects.filter(owner_id=need.owner_id, need=need, week__lte=today)
        if first_week:
            kept = kept.filter(week__gte=first_week)
        weeks = list(kept.order_by("week").values_list("week", "total", "count"))
        rows = _checkins_since(owner, need, compare_after + dt.timedelta(days=1))
    points = [(day, score) for _, day, score, _ in rows if compare_after < day <= today]
    return NeedHistory(
        [(week, round(total / count, 1)) for week, total, count in weeks],
        compare_windows(points, today=today),
        sum(count for _, _, count in weeks),
        # Every check-in left out is older than every one read, so the first `recent` read are the newest.
        rows[:recent] if recent and len(rows) >= recent else None,
    )


# A need's check-ins from a date on, newest first, read through the (need, date) index: the check-ins are limited
# through their need, the person's own (asked of the check-ins themselves, the planner took their (owner, date)
# index as well and read thousands of other needs' rows).
CHECKINS_SINCE = OwnedSQL(
    """
    SELECT c.id, c.date, c.score, c.note
      FROM needs_checkin c
      JOIN needs_need n ON n.id = c.need_id
     WHERE n.owner_id = %(owner)s AND n.id = %(need)s AND c.date >= %(since)s
     ORDER BY c.date DESC
    """,
    uuids=(0,),
    dates=(1,),
)


def _checkins_since(owner, need: Need, since: dt.date) -> list[tuple]:
    """(id, date, score, sealed note) of a need's check-ins from `since` on, newest first."""
    return CHECKINS_SINCE.rows(owner, need=need.pk, since=since)


def recent_checkins(need: Need, count: int) -> list[tuple]:
    """(id, date, score, sealed note) of a need's newest `count` check-ins, newest first."""
    return list(need.checkins.order_by("-date").values_list("id", "date", "score", "note")[:count])


def average(values: list[int]) -> float | None:
    return round(mean(values), 1) if values else None


@dataclass
class Comparison:
    recent: float | None
    before: float | None
    recent_count: int
    before_count: int

    @property
    def change(self) -> float | None:
        if self.recent is None or self.before is None:
            return None
        return round(self.recent - self.before, 1)


def compare_windows(points: list[tuple[dt.date, int]], *, today: dt.date, days: int = 30) -> Comparison:
    """The last `days` days against the `days` before them."""
    recent_start = today - dt.timedelta(days=days - 1)
    before_start = recent_start - dt.timedelta(days=days)
    recent = [s for d, s in points if recent_start <= d <= today]
    before = [s for d, s in points if before_start <= d < recent_start]
    return Comparison(average(recent), average(before), len(recent), len(before))


@dataclass
class WheelSlice:
    category: str
    label: str
    now: float | None
    earlier: float | None


def wheel(*, user, today: dt.date) -> list[WheelSlice]:
    """Each category's average score over the last 30 days, and over the same 30 days 90 days earlier."""
    now_start = today - dt.timedelta(days=29)
    earlier_end = today - dt.timedelta(days=90)
    earlier_start = earlier_end - dt.timedelta(days=29)
    rows = (
        CheckInDay.objects.for_user(user)
        .filter(date__gte=earlier_start, date__lte=today)
        .values_list("category", "date", "total", "count")
    )

    def mean_of(items, start, end):
        total = sum(t for _, day, t, _ in items if start <= day <= end)
        count = sum(n for _, day, _, n in items if start <= day <= end)
        return round(total / count, 1) if count else None

    return [
        WheelSlice(
            group.value,
            group.label,
            mean_of(group.items, now_start, today),
            mean_of(group.items, earlier_start, earlier_end),
        )
        for group in by_category(rows, category_of=itemgetter(0), keep_empty=True)
    ]


# --- Dashboard pieces that belong to needs -----------------------------------------------------------


@dataclass
class QuickRow:
    need: Need
    score: int | None


def quick_checkin(*, user, today: dt.date, recent: list[tuple] | None = None) -> list[QuickRow]:
    """Today's active needs with today's score if rated. `recent` may pass (need_id, date, score) rows."""
    needs = list(Need.objects.for_user(user).active())
    if recent is None:
        recent = list(
            CheckIn.objects.for_user(user).filter(date=today).values_list("need_id", "date", "score")
        )
    today_scores = {need_id: score for need_id, day, score in recent if day == today}
    return [QuickRow(need, today_scores.get(need.pk)) for need in needs]


def stayed_low(points: list[tuple], *, today: dt.date, days: int, below: int) -> set:
    """The ids whose every (id, day, score) over the last `days` days was below `below`, with one point in the
    first and one in the last week of that stretch: the one rule behind "stayed low for N days"."""
    start = today - dt.timedelta(days=days - 1)
    by_id: dict = defaultdict(list)
    for key, day, score in points:
        if start <= day <= today:
            by_id[key].append((day, score))
    return {
        key
        for key, found in by_id.items()
        if max(score for _, score in found) < below
        and min(day for day, _ in found) <= start + dt.timedelta(days=6)
        and max(day for day, _ in found) >= today - dt.timedelta(days=6)
    }


def running_low(*, needs: list[Need], recent: list[tuple], today: dt.date, threshold: int, days: int = 14):
    """Needs whose check-ins stayed below the person's threshold for the last `days` days (see `stayed_low`)."""
    low = stayed_low(recent, today=today, days=days, below=threshold)
    return [need for need in needs if need.pk in low]
