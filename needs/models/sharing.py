"""Sharing: needs statements, "how I want to be loved", needs cards shared by link, and the exchange between two
connected accounts (invitations, connections, shared needs, answers). Everything a person writes here is sealed
like the rest of their journal."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from needs.privacy.crypto import SealedFieldsMixin
from needs.privacy.owned import OwnedModel, OwnedQuerySet

TOKEN_BYTES = 24  # 192 bits of randomness in every shared link and invitation


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Links are looked up by their hash: a copy of the database holds no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Statement(SealedFieldsMixin, OwnedModel):
    """A needs statement: what happened, what I felt, what I need, what I ask."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="statements")
    observation = models.TextField(editable=False)
    feeling = models.TextField(editable=False)
    need_words = models.TextField(editable=False)
    request = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("observation", "feeling", "need_words", "request")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return "a needs statement"


class LoveProfile(SealedFieldsMixin, OwnedModel):
    """'How I want to be loved': a few lines in the person's words and the needs that matter most there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    text = models.TextField(editable=False)
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    sealed_fields = ("text",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner"], name="love_profile_one_per_person")]

    def __str__(self) -> str:
        return "a love profile"


class CardQuerySet(OwnedQuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class Card(SealedFieldsMixin, OwnedModel):
    """A read-only, revocable view of chosen needs, shared by link."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = models.TextField(editable=False)  # sealed: who it's for, in the person's words
    token = models.TextField(editable=False)  # sealed: so the owner can copy the link again
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    needs = models.ManyToManyField("needs.Need", related_name="+")
    statements = models.ManyToManyField(Statement, blank=True, related_name="+")
    include_profile = models.BooleanField(default=False)
    include_scores = models.BooleanField(default=False)
    # Each need's "what met looks like", in the person's words.
    include_meaning = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_count = models.PositiveIntegerField(default=0, editable=False)
    last_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("label", "token")
    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "a needs card"


class Invitation(SealedFieldsMixin, OwnedModel):
    """A one-time code to connect with another person's account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.TextField(editable=False)  # sealed, shown to the inviter
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("code",)

    def __str__(self) -> str:
        return "an invitation"


class ConnectionQuerySet(models.QuerySet):
    def for_participant(self, user):
        """Active connections this person is part of: the only way views reach a connection."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(inviter=user) | Q(invitee=user), ended_at__isnull=True)


class Connection(models.Model):
    """Two accounts that exchange needs cards, each sharing what they choose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # When each side last opened the connection, and when each was last emailed about something new: what the other
    # person shared or answered after `*_seen_at` is news for the home page and for at most one email until seen.
    inviter_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    invitee_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    inviter_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    invitee_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConnectionQuerySet.as_manager()

    def __str__(self) -> str:
        return "a connection"

    def other(self, user):
        return self.invitee if self.inviter_id == user.pk else self.inviter


class SharedNeed(OwnedModel):
    """One need (optionally with a statement) that its owner shares in a connection."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="shared")
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "need"], name="shared_need_once")]

    def __str__(self) -> str:
        return "a shared need"


class Answer(SealedFieldsMixin, OwnedModel):
    """One person's answer to the other's shared need: 'I can offer this' or 'tell me more', with a note."""

    OFFER, MORE = "offer", "more"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shared = models.ForeignKey(SharedNeed, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(max_length=8, choices=[(OFFER, "I can offer this"), (MORE, "Tell me more")])
    note = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    sealed_fields = ("note",)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "an answer"
