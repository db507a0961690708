"""The person's profile and their own "today": time zone and the hour their day ends."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from needs.models.accounts import Profile

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
