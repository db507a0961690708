"""Deleting a person's account and everything they own."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction

from needs.services.derived import person_lock


@transaction.atomic
def account_delete(*, user) -> None:
    """Sign the person out everywhere and delete them. Every owned row goes with the user
    (on_delete=CASCADE), the data key with them: any backup of their ciphertext can no longer be opened."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    person_lock(user.pk)  # before the check-in rows go, as every check-in write
    user.delete()
