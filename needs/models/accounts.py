"""A person's profile (time zone, day end, low-score threshold, display choices) and the record of what staff
did to their account."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from needs.privacy.owned import OwnedModel, OwnedQuerySet


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ColourMode(models.TextChoices):
    AUTO = "auto", "Follow my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class WelcomeStep(models.TextChoices):
    """Where a newcomer is in the first-run path (the welcome pages). Everyone else is DONE."""

    INTRO = "intro", "The idea"
    NEEDS = "needs", "Choosing needs"
    CHECKIN = "checkin", "The first check-in"
    WRITE = "write", "The first reflection"
    DONE = "done", "Done or skipped"


class Profile(models.Model):
    """A person's preferences. Created at sign-up (time zone proposed by the browser) or on first use."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", editable=False
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    time_zone_confirmed = models.BooleanField(default=False)
    day_ends_at = models.TimeField(
        "my day ends at",
        default=dt.time(0, 0),
        help_text="Up late? With 04:00, anything before 4 in the morning still counts as the day before.",
    )
    low_score_threshold = models.PositiveSmallIntegerField(
        "a need is running low below",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Needs that stay below this score for two weeks are gently pointed out on your home page.",
    )
    show_streak = models.BooleanField("show my current run of days", default=True)
    colour_mode = models.CharField(
        "colours", max_length=8, choices=ColourMode.choices, default=ColourMode.AUTO
    )
    display_name = models.CharField(
        "the name people you are connected with see",
        max_length=60,
        blank=True,
        help_text="Shown to the people you exchange needs with, instead of your email address.",
    )
    partner_emails = models.BooleanField(
        "email me when someone I'm connected with shares or answers a need",
        default=True,
        help_text="The email never says which need or what was written, only that there is something new.",
    )
    # Sign-up starts the welcome at INTRO; people who never signed up through the form never see it.
    welcome_step = models.CharField(
        max_length=8, choices=WelcomeStep.choices, default=WelcomeStep.DONE, editable=False
    )

    objects = OwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"profile of person {self.owner_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class StaffAction(OwnedModel):
    """Something staff did to a person's account, shown to that person (`owner`) on their devices page."""

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", "Suspended your account (no signing in)"
        REINSTATED = "reinstated", "Reinstated your account"
        STAFF_GRANTED = "staff_granted", "Gave your account staff access"
        STAFF_REMOVED = "staff_removed", "Removed staff access from your account"
        SUPERUSER_GRANTED = "superuser_granted", "Gave your account every staff permission"
        SUPERUSER_REMOVED = "superuser_removed", "Removed every staff permission from your account"
        PERMISSIONS_CHANGED = "permissions_changed", "Changed your account's staff permissions"

    # Who acted: kept as an email copy too, so the record outlives the staff account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    actor_email = models.EmailField(editable=False)
    action = models.CharField(max_length=24, choices=Kind.choices, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.created_at:%Y-%m-%d}"
