"""Needs: the four categories, the staff catalogue, a person's needs and their check-ins."""

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from needs.crypto import DataKey, SealedFieldsMixin
from needs.owned import OwnedModel, OwnedQuerySet

__all__ = [
    "DataKey", "Category", "CatalogueNeed", "Profile", "Need", "CheckIn", "Statement", "LoveProfile", "Card",
    "Invitation", "Connection", "SharedNeed", "Answer", "Relationship", "RelationshipRating", "PausePlan",
    "StaffAction",
]  # fmt: skip

TEXT_LIMIT = 10_000


class Category(models.TextChoices):
    MENTAL = "mental", "Mental"
    PHYSICAL = "physical", "Physical"
    SPIRITUAL = "spiritual", "Spiritual"
    EMOTIONAL = "emotional", "Emotional"


CATEGORY_DESCRIPTIONS = {
    Category.MENTAL: "Room to think, learn, focus and make your own choices.",
    Category.PHYSICAL: "Sleep, food, movement, rest, touch and a place that feels safe.",
    Category.SPIRITUAL: "Meaning, stillness, wonder and living close to what you value.",
    Category.EMOTIONAL: "Being heard, accepted and cared for, with room for every feeling.",
}


class CatalogueNeed(models.Model):
    """A staff-curated suggestion a person can adopt as their own need."""

    slug = models.SlugField(max_length=80, unique=True, help_text="Stable id used by the starter content.")
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=12, choices=Category.choices)
    description = models.TextField(max_length=600)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = "catalogue need"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="catalogueneed_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ColourMode(models.TextChoices):
    AUTO = "auto", "Follow my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


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
    # Replaced after every change to the person's data: their cached pages are never served again.
    page_generation = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = OwnedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"profile of person {self.owner_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class NeedQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Need(SealedFieldsMixin, OwnedModel):
    """Something a person needs. Its name is plain text; their own words about it are sealed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=12, choices=Category.choices)
    importance = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # Sealed (encrypted) texts: tokens, opened only with the owner (see needs.crypto).
    met_looks_like = models.TextField(blank=True, editable=False)
    what_helps = models.TextField(blank=True, editable=False)
    catalogue_need = models.ForeignKey(
        CatalogueNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="adoptions"
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("met_looks_like", "what_helps")
    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-importance", "name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="need_unique_name_per_owner"),
            models.UniqueConstraint(fields=["owner", "catalogue_need"], name="need_adopt_catalogue_once"),
            models.CheckConstraint(
                condition=models.Q(importance__gte=1, importance__lte=5), name="need_importance_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["owner", "archived_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class CheckIn(SealedFieldsMixin, OwnedModel):
    """How well one need was met on one local date, 0–10, with an optional sealed note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    note = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("note",)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["need", "date"], name="checkin_one_per_need_per_date"),
            models.CheckConstraint(condition=models.Q(score__lte=10), name="checkin_score_0_to_10"),
        ]
        indexes = [models.Index(fields=["owner", "date"]), models.Index(fields=["need", "date"])]

    def __str__(self) -> str:
        return f"check-in {self.date}"


# Openness and stepping back live in their own module; imported here so Django sees the models.
from needs.openness import (  # noqa: E402
    Answer,
    Card,
    Connection,
    Invitation,
    LoveProfile,
    PausePlan,
    Relationship,
    RelationshipRating,
    SharedNeed,
    Statement,
)


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
