"""Needs: the four categories, the staff catalogue, a person's needs and their check-ins."""

import uuid
from dataclasses import dataclass
from operator import attrgetter

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from needs.privacy.crypto import SealedFieldsMixin
from needs.privacy.owned import OwnedModel, OwnedQuerySet

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


@dataclass
class CategoryGroup:
    """Items of one category, for pages that list things under the four category headings."""

    value: str
    label: str
    description: str
    items: list


def by_category(
    items, *, category_of=attrgetter("category"), keep_empty: bool = False
) -> list[CategoryGroup]:
    """Items grouped under the four categories in their fixed order; items keep their order within a group.

    Empty groups are left out unless `keep_empty`; items whose category is not one of the four are left out.
    """
    groups = {value: [] for value in Category.values}
    for item in items:
        group = groups.get(category_of(item))
        if group is not None:
            group.append(item)
    return [
        CategoryGroup(value, label, CATEGORY_DESCRIPTIONS[value], groups[value])
        for value, label in Category.choices
        if groups[value] or keep_empty
    ]


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
            models.UniqueConstraint(
                Lower("name"),
                name="catalogueneed_unique_name_ci",
                violation_error_message="The catalogue already has a need with this name (capitals aside). "
                "Choose another name, or edit the one that is there.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
    # Sealed (encrypted) texts: tokens, opened only with the owner (see needs.privacy.crypto).
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
    # The (owner, date) index serves every lookup by owner; a second one on owner alone tempts the planner
    # into reading all of a person's years to keep a month.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
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
