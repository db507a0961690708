"""The person's profile and their own "today": time zone and the hour their day ends."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from needs.models.accounts import Profile
from needs.privacy.crypto import keep_wrapped_key

# --- Profile and the person's own "today" -------------------------------------------------------


# The person's settings and, in the same round trip, their wrapped data key (most pages open a text). Limited
# to the person by its WHERE, the key by the same owner; read as a model (its fields converted as the ORM
# converts them), so not through OwnedSQL, whose rows are plain tuples.
PROFILE_AND_KEY = """
SELECT p.*, k.master_key_id AS data_key_master, k.wrapped AS data_key_wrapped
  FROM needs_profile p LEFT JOIN needs_datakey k ON k.owner_id = p.owner_id
 WHERE p.owner_id = %s
"""
_PROFILE = Profile._meta.get_field("owner").remote_field  # the user's `profile`, to ask whether it is read


def profile_for(user) -> Profile:
    """The person's profile, created on first use. Cached on the user for the request (`user.profile`), with
    their wrapped data key, read with it. A profile looked up before and found missing is created now."""
    if _PROFILE.is_cached(user) and _PROFILE.get_cached_value(user) is not None:
        return user.profile
    found = list(Profile.objects.raw(PROFILE_AND_KEY, [user.pk]))
    if found:
        profile = found[0]
        keep_wrapped_key(user, profile.data_key_master, profile.data_key_wrapped)
        # The key goes no further than the request's user.
        del profile.data_key_master, profile.data_key_wrapped
    else:
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
