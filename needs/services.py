"""Operations on needs that span models or run from both views and commands."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from needs.models import CatalogueNeed, Category, CheckIn, Need, Profile

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"


# --- Profile and the person's own "today" -------------------------------------------------------


def profile_for(user) -> Profile:
    """The person's profile, created on first use. Cached on the user for the request (`user.profile`)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(owner=user)
        user.profile = profile
        return profile


def local_date_of(moment: dt.datetime, profile: Profile) -> dt.date:
    """The person's date for a moment: their time zone, and their day ends when they say it does."""
    local = moment.astimezone(profile.zone)
    ends = profile.day_ends_at
    return (local - dt.timedelta(hours=ends.hour, minutes=ends.minute)).date()


def local_today(user) -> dt.date:
    """Today's date for the person (time zone and day-end from their settings)."""
    return local_date_of(timezone.now(), profile_for(user))


def local_day_end(date: dt.date, profile: Profile) -> dt.datetime:
    """The moment the person's `date` is over: the next day's start, at their day end, in their time zone.

    The first moment `local_date_of` answers a later date. Day ends are whole hours, so on a
    daylight-saving change `fold=0` names that moment (a skipped hour resolves to the jump itself).
    """
    start = dt.datetime.combine(date + dt.timedelta(days=1), profile.day_ends_at, tzinfo=profile.zone)
    return start.astimezone(dt.UTC)


# --- Catalogue ------------------------------------------------------------------------------------


def catalogue_load(*, path: Path = CATALOGUE_FILE) -> int:
    """Add starter catalogue needs that are missing (by slug). Never changes an existing row."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(CatalogueNeed.objects.values_list("slug", flat=True))
    taken_names = {name.lower() for name in CatalogueNeed.objects.values_list("name", flat=True)}
    new = []
    for entry in entries:
        if entry["slug"] in existing or entry["name"].lower() in taken_names:
            continue
        new.append(
            CatalogueNeed(
                slug=entry["slug"],
                name=entry["name"],
                category=entry["category"],
                description=entry["description"],
            )
        )
    CatalogueNeed.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def needs_adopt(*, user, catalogue_needs: list[CatalogueNeed]) -> list[Need]:
    """Adopt catalogue needs as the person's own. Already adopted ones are skipped, never doubled."""
    adopted_ids = set(
        Need.objects.for_user(user)
        .filter(catalogue_need__isnull=False)
        .values_list("catalogue_need_id", flat=True)
    )
    taken = {name.lower() for name in Need.objects.for_user(user).values_list("name", flat=True)}
    created = []
    for item in catalogue_needs:
        if item.pk in adopted_ids or item.name.lower() in taken:
            continue
        need = Need(owner=user, name=item.name, category=item.category, importance=3, catalogue_need=item)
        need.seal("met_looks_like", item.description, owner=user)
        created.append(need)
        taken.add(item.name.lower())
    Need.objects.bulk_create(created)
    return created


# --- Check-ins ------------------------------------------------------------------------------------


@transaction.atomic
def checkins_save(*, user, date: dt.date, ratings: dict[Need, tuple[int | None, str]]) -> int:
    """Save one date's ratings: create or update one check-in per need and date, never a duplicate.

    A need rated None is left as it was (an existing check-in is kept).
    """
    existing = {c.need_id: c for c in CheckIn.objects.for_user(user).filter(date=date)}
    saved = 0
    for need, (score, note) in ratings.items():
        if score is None:
            continue
        checkin = existing.get(need.pk) or CheckIn(owner=user, need=need, date=date)
        checkin.score = score
        checkin.seal("note", note, owner=user)
        checkin.save()
        saved += 1
    return saved


# --- Scores over time ----------------------------------------------------------------------------


def with_latest_scores(queryset):
    """Annotate needs with their latest check-in's score and date (one query, no N+1)."""
    latest = CheckIn.objects.filter(need=OuterRef("pk")).order_by("-date")
    return queryset.annotate(
        latest_score=Subquery(latest.values("score")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_averages(points: list[tuple[dt.date, int]]) -> list[tuple[dt.date, float]]:
    """[(date, score)] → [(Monday of the week, average score)], oldest first."""
    weeks: dict[dt.date, list[int]] = defaultdict(list)
    for day, score in points:
        weeks[week_start(day)].append(score)
    return [(week, round(mean(scores), 1)) for week, scores in sorted(weeks.items())]


def sparklines(*, user, needs: list[Need], today: dt.date, weeks: int = 12) -> dict:
    """{need id: [(week, average)]} for the last `weeks` weeks, in one query."""
    since = week_start(today) - dt.timedelta(weeks=weeks - 1)
    rows = (
        CheckIn.objects.for_user(user)
        .filter(need__in=[n.pk for n in needs], date__gte=since, date__lte=today)
        .values_list("need_id", "date", "score")
    )
    points: dict = defaultdict(list)
    for need_id, day, score in rows:
        points[need_id].append((day, score))
    return {need_id: weekly_averages(values) for need_id, values in points.items()}


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
        CheckIn.objects.for_user(user)
        .filter(date__gte=earlier_start, date__lte=today)
        .values_list("need__category", "date", "score")
    )
    now: dict[str, list[int]] = defaultdict(list)
    earlier: dict[str, list[int]] = defaultdict(list)
    for category, day, score in rows:
        if day >= now_start:
            now[category].append(score)
        elif earlier_start <= day <= earlier_end:
            earlier[category].append(score)
    return [
        WheelSlice(value, label, average(now[value]), average(earlier[value]))
        for value, label in Category.choices
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
