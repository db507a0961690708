"""Writes of relationships, their needs-met ratings and pause plans, and the rule that surfaces a strained
relationship."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from needs.models.needs import Need
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.services.checkins import stayed_low

IMPORTANT = 4  # needs of this importance or more

LOW = 4  # rated below this...

STRETCH = 30  # ...for this many days


def strained(ratings: list[tuple], needs: dict, today: dt.date) -> list:
    """Important needs that stayed below 4 with this person for 30+ days (the rule in `stayed_low`)."""
    low = stayed_low(ratings, today=today, days=STRETCH, below=LOW)
    in_order = dict.fromkeys(need_id for need_id, _, _ in ratings)  # as rated, like the page lists them
    return [needs[i] for i in in_order if i in low and i in needs and needs[i].importance >= IMPORTANT]


def relationship_create(*, user, nickname: str, kind: str) -> Relationship:
    """A new relationship from an already-validated nickname and kind; the nickname is sealed."""
    relationship = Relationship(owner=user, kind=kind)
    relationship.seal("nickname", nickname, owner=user)
    relationship.save()
    return relationship


def relationship_delete(*, relationship: Relationship) -> None:
    """Remove a relationship with its ratings and pause plan."""
    relationship.delete()


@transaction.atomic
def relationship_ratings_save(
    *, user, relationship: Relationship, ratings: Iterable[tuple[Need, dt.date, int]]
) -> int:
    """Save (need, date, score) ratings of one relationship: one rating per need and date, a later one replaces
    it. Returns how many were saved. Needs must be the person's own and scores 0–10 (the caller checked)."""
    saved = 0
    for need, date, score in ratings:
        RelationshipRating.objects.update_or_create(
            owner=user, relationship=relationship, need=need, date=date, defaults={"score": score}
        )
        saved += 1
    return saved


@transaction.atomic
def pause_plan_save(
    *,
    user,
    relationship: Relationship,
    what_must_change: str,
    check_back_on: dt.date,
    reminded_on: dt.date | None = None,
) -> PausePlan:
    """Create or replace the relationship's pause plan. `reminded_on` None means the reminder is still to come."""
    plan = PausePlan.objects.for_user(user).filter(relationship=relationship).first()
    plan = plan or PausePlan(owner=user, relationship=relationship)
    plan.seal("what_must_change", what_must_change, owner=user)
    plan.check_back_on = check_back_on
    plan.reminded_on = reminded_on
    plan.save()
    return plan


def pause_plan_delete(*, plan: PausePlan) -> None:
    plan.delete()
