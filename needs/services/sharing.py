"""Writes of the sharing area: needs statements, the love profile, needs cards, invitations, connections
between two accounts, the needs each shares there and the answers to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from needs.models.needs import Need
from needs.models.sharing import (
    Answer,
    Card,
    Connection,
    Invitation,
    LoveProfile,
    SharedNeed,
    Statement,
    new_token,
    token_hash,
)
from needs.services.accounts import local_date_of, local_day_end, profile_for
from needs.services.partner_news import news_posted

INVITE_DAYS = 7


# --- Statements and the love profile --------------------------------------------------------------


def statement_save(
    *,
    user,
    need: Need,
    observation: str,
    feeling: str,
    need_words: str,
    request: str,
    statement: Statement | None = None,
) -> Statement:
    """Create a statement about `need` (`statement` None) or change `statement`, from already-validated parts;
    each part is sealed."""
    statement = statement or Statement(owner=user, need=need)
    parts = {"observation": observation, "feeling": feeling, "need_words": need_words, "request": request}
    for name, text in parts.items():
        statement.seal(name, text, owner=user)
    statement.save()
    return statement


def statement_delete(*, statement: Statement) -> None:
    statement.delete()


@transaction.atomic
def love_profile_save(*, user, text: str, needs: Iterable[Need]) -> LoveProfile:
    """Create or replace the person's one love profile. The needs must be the person's own (the form checks).
    Two saves at once can both try to create it: the loser raises IntegrityError (run it through `twin_safe`)."""
    profile = LoveProfile.objects.for_user(user).first() or LoveProfile(owner=user)
    profile.seal("text", text, owner=user)
    profile.save()
    profile.needs.set(needs)
    return profile


# --- Needs cards ----------------------------------------------------------------------------------


@transaction.atomic
def card_create(
    *,
    user,
    label: str,
    needs: Iterable[Need],
    statements: Iterable[Statement] = (),
    include_profile: bool = False,
    include_scores: bool = False,
    include_meaning: bool = False,
    expires_on: dt.date | None = None,
) -> Card:
    """A new card with a fresh link. With `expires_on`, the link works through that whole day as the person
    counts their days (time zone and day end), then stops."""
    token = new_token()
    card = Card(owner=user, token_hash=token_hash(token), include_profile=include_profile,
                include_scores=include_scores, include_meaning=include_meaning)  # fmt: skip
    if expires_on:
        card.expires_at = local_day_end(expires_on, profile_for(user))
    card.seal("label", label, owner=user)
    card.seal("token", token, owner=user)
    card.save()
    card.needs.set(needs)
    card.statements.set(statements)
    return card


def card_revoke(*, card: Card) -> Card:
    """Stop the card's link at once. Revoking it again keeps the first moment."""
    card.revoked_at = card.revoked_at or timezone.now()
    card.save(update_fields=["revoked_at"])
    return card


def card_count_open(*, card: Card) -> None:
    """Count one opening of the card's link (in the database, so openings at the same moment all count)."""
    Card.objects.filter(pk=card.pk).update(opened_count=F("opened_count") + 1, last_opened_at=timezone.now())


# --- Partners -------------------------------------------------------------------------------------


def display_name_set(*, user, display_name: str) -> None:
    """The name the person shows the people they are connected with ("" for none), already cleaned."""
    profile = profile_for(user)
    if profile.display_name != display_name:
        profile.display_name = display_name
        profile.save(update_fields=["display_name"])


def invitation_create(*, user) -> Invitation:
    """A one-time code to connect; like a card, it works until its last day is over for the person."""
    profile = profile_for(user)
    code = new_token()
    last_day = local_date_of(timezone.now(), profile) + dt.timedelta(days=INVITE_DAYS)
    invitation = Invitation(
        owner=user, code_hash=token_hash(code), expires_at=local_day_end(last_day, profile)
    )
    invitation.seal("code", code, owner=user)
    invitation.save()
    return invitation


@transaction.atomic
def partner_join(*, user, code: str) -> Connection:
    """Use an invitation code: the invitation is spent and the two people are connected.

    Raises ValidationError, with a message for the person, when the code is unknown, used or expired, is the
    person's own, or names someone they are already connected with.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .filter(code_hash=token_hash(code.strip()), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise ValidationError("This code doesn’t work: it may be mistyped, used already or expired.")
    if invitation.owner_id == user.pk:
        raise ValidationError("That’s your own invitation — send it to the other person.")
    if (
        Connection.objects.for_participant(user)
        .filter(Q(inviter_id=invitation.owner_id) | Q(invitee_id=invitation.owner_id))
        .exists()
    ):
        raise ValidationError("You are already connected with this person.")
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return Connection.objects.create(inviter_id=invitation.owner_id, invitee=user)


@transaction.atomic
def partner_share_set(
    *, user, connection: Connection, needs: Iterable[Need], statements: Iterable[Statement] = ()
) -> None:
    """Share exactly these needs in the connection (each with at most one of its statements); any other need
    the person shared there stops being shared. A need shared anew is news for the other person."""
    chosen = {need.pk for need in needs}
    by_need = {statement.need_id: statement for statement in statements}
    mine = SharedNeed.objects.filter(connection=connection, owner=user)
    mine.exclude(need_id__in=chosen).delete()
    added = False
    for need_id in chosen:
        _, created = SharedNeed.objects.update_or_create(
            connection=connection, owner=user, need_id=need_id, defaults={"statement": by_need.get(need_id)}
        )
        added = added or created
    if added:
        news_posted(connection=connection, sender=user)


@transaction.atomic
def partner_answer_save(*, user, shared: SharedNeed, kind: str, note: str = "") -> Answer:
    """The person's answer to a need the other person shares with them; the note is sealed. It is news for the
    person who shared the need."""
    answer = Answer(owner=user, shared=shared, kind=kind)
    answer.seal("note", note, owner=user)
    answer.save()
    news_posted(connection=shared.connection, sender=user)
    return answer


def partnership_end(*, connection: Connection) -> None:
    """End the connection: neither person sees the other's shared needs or answers any more. Ending it again
    keeps the first moment."""
    Connection.objects.filter(pk=connection.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    connection.refresh_from_db(fields=["ended_at"])
