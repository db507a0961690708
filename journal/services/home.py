"""The signed-in home page: today's prompt, a quick check-in, gentle consistency, needs running low,
recent reflections and "on this day" — within a dozen queries however long the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from journal.services.calendar import on_this_day
from journal.services.prompts import prompt_of_the_day, prompts_for_low_needs
from journal.services.reflection_titles import TitledReflection, titled
from journal.services.welcome import greeting
from needs.models.needs import Need
from needs.need_page import url_maker
from needs.privacy.owned import OwnedSQL, as_saved
from needs.services.accounts import profile_for
from needs.services.checkins import QuickRow, stayed_low
from needs.services.partner_news import news_for

STREAK_HORIZON = 400  # days looked back for the current run
LOW_DAYS = 14  # "running low": below the person's threshold for this many days (the rule in `stayed_low`)


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


# Dates with a check-in or a live reflection, from the kept day rows.
ACTIVE_DATES = OwnedSQL(
    """
    SELECT date FROM needs_checkinday
     WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(today)s
    UNION
    SELECT date FROM journal_reflectionday
     WHERE owner_id = %(owner)s AND count > 0 AND date >= %(since)s AND date <= %(today)s
    """,
    dates=(0,),
)


def activity_dates(user, *, today: dt.date) -> set[dt.date]:
    """Local dates with a check-in or a live reflection, in one query over the kept day rows."""
    since = today - dt.timedelta(days=STREAK_HORIZON)
    return {row[0] for row in ACTIVE_DATES.rows(user, since=since, today=today)}


# Whether the person is in any active connection (the same rule as `Connection.objects.for_participant`).
IN_A_CONNECTION = OwnedSQL(
    """
    SELECT 1 FROM needs_connection
     WHERE (inviter_id = %(owner)s OR invitee_id = %(owner)s) AND ended_at IS NULL
     LIMIT 1
    """
)


def partner_news(user) -> list:
    """The partner news cards. The news query is costly to build and plan (eight subqueries) and most people
    have no connection at all, so a plain look for one comes first."""
    if not IN_A_CONNECTION.rows(user):
        return []
    return news_for(user=user)


# Each active need (in the needs' own order) with its aggregates of the last LOW_DAYS days, read through the
# (need, date) index: today's score, the highest score, and the first and last day rated.
NEEDS_TODAY = OwnedSQL(
    """
    SELECT n.id, n.name, n.category, n.importance, n.catalogue_need_id,
           MAX(CASE WHEN c.date = %(today)s THEN c.score END), MAX(c.score), MIN(c.date), MAX(c.date)
      FROM needs_need n
      LEFT JOIN needs_checkin c
             ON c.need_id = n.id AND c.owner_id = %(owner)s AND c.date >= %(start)s AND c.date <= %(today)s
     WHERE n.owner_id = %(owner)s AND n.archived_at IS NULL
     GROUP BY n.id, n.name, n.category, n.importance, n.catalogue_need_id
     ORDER BY n.importance DESC, n.name
    """,
    uuids=(0,),
    dates=(7, 8),
)


def needs_today(user, *, today: dt.date, threshold: int) -> tuple[list[QuickRow], list[Need]]:
    """The quick check-in's rows (active needs with today's score) and the needs running low, in one query:
    each need carries its own aggregates of the last LOW_DAYS days, so neither the rows nor the work grow with
    the history."""
    start = today - dt.timedelta(days=LOW_DAYS - 1)
    rows = NEEDS_TODAY.rows(user, today=today, start=start)
    needs = []
    points = []
    for pk, name, category, importance, catalogue_need_id, today_score, top, first, last in rows:
        need = as_saved(Need(
            id=pk, owner_id=user.pk, name=name, category=category, importance=importance,
            catalogue_need_id=catalogue_need_id,
        ))  # fmt: skip
        needs.append((need, today_score))
        if top is not None:
            # The stretch as its two end points at its highest score: `stayed_low` reads max score, first and
            # last day, so this is the same rule as on every other page.
            points += [(pk, first, top), (pk, last, top)]
    low = stayed_low(points, today=today, days=LOW_DAYS, below=threshold)
    return [QuickRow(need, score) for need, score in needs], [need for need, _ in needs if need.pk in low]


# The latest live reflections, newest first.
RECENT = OwnedSQL(
    """
    SELECT id, date, title, prompt_id FROM journal_reflection
     WHERE owner_id = %(owner)s AND deleted_at IS NULL
     ORDER BY date DESC, created_at DESC
     LIMIT %(limit)s
    """,
    uuids=(0,),
    dates=(1,),
)


def recent_reflections(user, *, limit: int = 5) -> list[TitledReflection]:
    """The latest live reflections, by title."""
    return titled(user, RECENT.rows(user, limit=limit))


def dashboard(*, user, today: dt.date) -> dict:
    profile = profile_for(user)
    rows, low = needs_today(user, today=today, threshold=profile.low_score_threshold)
    low_items = prompts_for_low_needs(low, today=today) if low else []
    active = activity_dates(user, today=today)
    # Each listed row's link, from one reverse per kind of link.
    need_url = url_maker("needs:need_detail")
    for item in low_items:
        item["need_url"] = need_url(item["need"].pk)
    reflection_url = url_maker("journal:reflection_detail")
    recent = recent_reflections(user)
    earlier = on_this_day(user=user, today=today)
    for reflection in (*recent, *earlier):
        reflection.url = reflection_url(reflection.pk)
    return {
        "prompt": prompt_of_the_day(user=user, today=today),
        "quick_rows": rows,
        "consistency": consistency(active, today=today),
        "greeting": greeting(user, today=today, active=active),
        "show_streak": profile.show_streak,
        "low_needs": low_items,
        "threshold": profile.low_score_threshold,
        "recent": recent,
        "on_this_day": earlier,
        "write_url": reverse("journal:reflection_create"),
        "today": today,
        "partner_news": partner_news(user),
    }
