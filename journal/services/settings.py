"""A person's settings: their profile (time zone, day end, low-score threshold, streak, colours, the name shown to
the people they are connected with and whether news from them is emailed) and their reminder emails. The settings page, the importer and the demo account all save them here."""

from __future__ import annotations

from django.db import transaction

from journal.models import Reminder
from needs.services.accounts import profile_for

PROFILE_FIELDS = (
    "time_zone",
    "day_ends_at",
    "low_score_threshold",
    "show_streak",
    "colour_mode",
    "display_name",
    "partner_emails",
)

REMINDER_FIELDS = (
    "daily_enabled",
    "daily_time",
    "weekly_enabled",
    "weekly_day",
    "weekly_time",
    "daily_channel",
    "weekly_channel",
    "check_back_channel",
)


def reminder_for(user) -> Reminder:
    """The person's reminder settings, created (in their time zone) on first use."""
    reminder, _ = Reminder.objects.get_or_create(
        owner=user, defaults={"time_zone": profile_for(user).time_zone}
    )
    return reminder


@transaction.atomic
def settings_save(
    *, user, profile: dict | None = None, reminders: dict | None = None, confirm_time_zone: bool = False
) -> None:
    """Save cleaned settings: `profile` (PROFILE_FIELDS) and `reminders` (REMINDER_FIELDS), either may be
    left out. `confirm_time_zone` marks the time zone as chosen by the person (the settings page does).

    Reminders are sent in the person's time zone, so the reminder row always takes the profile's.
    """
    person = profile_for(user)
    if profile is not None or confirm_time_zone:
        for name in PROFILE_FIELDS:
            if profile and name in profile:
                setattr(person, name, profile[name])
        if confirm_time_zone:
            person.time_zone_confirmed = True
        person.save()
    if reminders is not None:
        reminder = reminder_for(user)
        for name in REMINDER_FIELDS:
            if name in reminders:
                setattr(reminder, name, reminders[name])
        reminder.time_zone = person.time_zone
        reminder.save()
