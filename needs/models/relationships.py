"""Relationships: the people in a person's life, how well each need is met with them, and pause plans."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from needs.privacy.crypto import SealedFieldsMixin
from needs.privacy.owned import OwnedModel


class RelationshipKind(models.TextChoices):
    PARTNER = "partner", "Partner"
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"
    WORK = "work", "Work"
    OTHER = "other", "Other"


class Relationship(SealedFieldsMixin, OwnedModel):
    """A person in the user's life, by a nickname only the user can read."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nickname = models.TextField(editable=False)
    kind = models.CharField(max_length=10, choices=RelationshipKind.choices)
    # The needs that matter most with this person: rating asks for these, the rest are optional.
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("nickname",)

    def __str__(self) -> str:
        return "a relationship"


class RelationshipRating(OwnedModel):
    """How well one need is met with one person on a date (history kept)."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="ratings")
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "need", "date"], name="relationship_rating_once_a_day"
            ),
            models.CheckConstraint(condition=Q(score__lte=10), name="relationship_rating_0_to_10"),
        ]
        indexes = [models.Index(fields=["relationship", "date"])]

    def __str__(self) -> str:
        return f"rating of {self.date}"


class PausePlan(SealedFieldsMixin, OwnedModel):
    """A step back: what would have to change, and when to look again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.OneToOneField(Relationship, on_delete=models.CASCADE, related_name="pause_plan")
    what_must_change = models.TextField(editable=False)
    check_back_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("what_must_change",)

    def __str__(self) -> str:
        return "a pause plan"
