"""The signed-in home page: today's prompt, a quick check-in, gentle consistency, needs running low,
recent reflections and "on this day" — within a dozen queries however long the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.models import Reflection, ReflectionDay
from journal.services.calendar import on_this_day
from journal.services.prompts import prompt_of_the_day, prompts_for_low_needs
from journal.services.welcome import greeting
from needs.models.derived import CheckInDay
from needs.models.needs import CheckIn
from needs.privacy.crypto import reveal_each
from needs.services.accounts import profile_for
from needs.services.checkins import quick_checkin, running_low
from needs.services.partner_news import news_for

STREAK_HORIZON = 400  # days looked back for the current run


@dataclass
class Consistency:
    active_days: int
    window: int
    streak: int
    active_today: bool

    @property
    def sentence(self) -> str:
        if self.active_days == 0:
            return "Any day is a good day to begin. A single check-in counts."
        if self.active_days == 1:
            return f"You made time for yourself on 1 day of the last {self.window}. That counts."
        return f"You made time for yourself on {self.active_days} of the last {self.window} days."


def consistency(active: set[dt.date], *, today: dt.date, window: int = 30) -> Consistency:
    start = today - dt.timedelta(days=window - 1)
    in_window = sum(1 for d in active if start <= d <= today)
    # A run counts up to today, or up to yesterday while today is still open.
    day = today if today in active else today - dt.timedelta(days=1)
    streak = 0
    while day in active:
        streak += 1
        day -= dt.timedelta(days=1)
    return Consistency(in_window, window, streak, today in active)


def activity_dates(user, *, today: dt.date) -> set[dt.date]:
    """Local dates with a check-in or a live reflection, in one query over the kept day rows."""
    since = today - dt.timedelta(days=STREAK_HORIZON)
    checkins = (
        CheckInDay.objects.for_user(user)
        .filter(date__gte=since, date__lte=today)
        .order_by()
        .values_list("date")
    )
    reflections = (
        ReflectionDay.objects.for_user(user)
        .filter(date__gte=since, date__lte=today, count__gt=0)
        .order_by()
        .values_list("date")
    )
    return {row[0] for row in checkins.union(reflections)}


def dashboard(*, user, today: dt.date) -> dict:
    profile = profile_for(user)
    recent_rows = list(
        CheckIn.objects.for_user(user)
        .filter(date__gt=today - dt.timedelta(days=30), date__lte=today)
        .values_list("need_id", "date", "score")
    )
    rows = quick_checkin(user=user, today=today, recent=recent_rows)
    needs = [row.need for row in rows]
    low = running_low(needs=needs, recent=recent_rows, today=today, threshold=profile.low_score_threshold)
    low_items = []
    if low:
        low_items = prompts_for_low_needs(low, today=today)
    active = activity_dates(user, today=today)
    recent = reveal_each(
        Reflection.objects.for_user(user).live().order_by("-date", "-created_at")[:5], owner=user
    )
    return {
        "prompt": prompt_of_the_day(user=user, today=today),
        "quick_rows": rows,
        "consistency": consistency(active, today=today),
        "greeting": greeting(user, today=today, active=active),
        "show_streak": profile.show_streak,
        "low_needs": low_items,
        "threshold": profile.low_score_threshold,
        "recent": recent,
        "on_this_day": on_this_day(user=user, today=today),
        "today": today,
        "partner_news": news_for(user=user),
    }
