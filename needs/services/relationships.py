"""Writes of relationships, their needs-met ratings and pause plans, and the rule that surfaces a strained
relationship."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count

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


@transaction.atomic
def relationship_create(*, user, nickname: str, kind: str, needs: Iterable[Need] = ()) -> Relationship:
    """A new relationship from an already-validated nickname and kind; the nickname is sealed. `needs` (the
    person's own, checked by the caller) are the ones that matter with them."""
    relationship = Relationship(owner=user, kind=kind)
    relationship.seal("nickname", nickname, owner=user)
    relationship.save()
    relationship.needs.set(list(needs))
    return relationship


@transaction.atomic
def relationship_update(
    *, user, relationship: Relationship, nickname: str, kind: str, needs: Iterable[Need] = ()
) -> Relationship:
    """Rename a relationship, change its kind and the needs that matter with them (the caller checked the
    needs are the person's own). Archived needs chosen earlier stay chosen: the form only offers active ones."""
    relationship.seal("nickname", nickname, owner=user)
    relationship.kind = kind
    relationship.save()
    archived = list(relationship.needs.filter(archived_at__isnull=False))
    relationship.needs.set([*needs, *archived])
    return relationship


def relationship_delete(*, relationship: Relationship) -> None:
    """Remove a relationship with its ratings and pause plan."""
    relationship.delete()


def rating_needs(*, relationship: Relationship, active: list[Need]) -> tuple[list[Need], list[Need]]:
    """The needs a rating asks for (the ones that matter with this person) and the ones it offers as optional,
    each in the order of `active`. With none chosen, it asks for every active need, as it always did."""
    chosen = set(relationship.needs.values_list("pk", flat=True))
    asked = [need for need in active if need.pk in chosen]
    if not asked:
        return active, []
    return asked, [need for need in active if need.pk not in chosen]


@dataclass(frozen=True)
class RemovalSummary:
    """What removing a relationship takes with it, for the confirmation page."""

    ratings: int
    dates: int
    plan: PausePlan | None


def removal_summary(*, relationship: Relationship) -> RemovalSummary:
    counts = relationship.ratings.aggregate(ratings=Count("pk"), dates=Count("date", distinct=True))
    plan = PausePlan.objects.filter(relationship=relationship).first()
    return RemovalSummary(counts["ratings"], counts["dates"], plan)


# --- The overview: each person's important needs, latest rating first ------------------------------------

RISING, FALLING, STEADY, FIRST = "rising", "falling", "steady", "first"


def direction(latest: int, previous: int | None) -> str:
    """How the latest rating of a need with a person compares with the one before it."""
    if previous is None:
        return FIRST
    if latest > previous:
        return RISING
    if latest < previous:
        return FALLING
    return STEADY


@dataclass
class NeedCell:
    need: Need
    latest: int | None = None
    latest_on: dt.date | None = None
    previous: int | None = None

    @property
    def direction(self) -> str | None:
        return None if self.latest is None else direction(self.latest, self.previous)


@dataclass
class PersonRow:
    relationship: Relationship
    cells: list[NeedCell] = field(default_factory=list)
    chosen: bool = False  # False: no needs chosen, so the cells are the needs rated with them
    strained: list[Need] = field(default_factory=list)

    @property
    def lowest(self) -> int | None:
        scores = [c.latest for c in self.cells if c.latest is not None]
        return min(scores) if scores else None


class OverviewNeed(NamedTuple):
    """What the overview reads of a need."""

    pk: object
    name: str
    importance: int
    archived_at: dt.datetime | None


# The overview's one read, in SQL: the ORM took longer to build this union with its window than the database
# took to run it. Each half reads only the person's rows (owner_id), and only the person's own needs.
_OVERVIEW_SQL = """
SELECT r.relationship_id, r.need_id, n.name, n.importance, n.archived_at, r.date, r.score
FROM (
    SELECT relationship_id, need_id, date, score,
        ROW_NUMBER() OVER (PARTITION BY relationship_id, need_id ORDER BY date DESC) AS newest
    FROM {rating} WHERE owner_id = %s
) r JOIN {need} n ON n.id = r.need_id AND n.owner_id = %s
WHERE r.newest <= 2 OR r.date > %s
UNION ALL
SELECT c.relationship_id, c.need_id, n.name, n.importance, n.archived_at, NULL, NULL
FROM {chosen} c JOIN {relationship} p ON p.id = c.relationship_id
    JOIN {need} n ON n.id = c.need_id AND n.owner_id = %s
WHERE p.owner_id = %s
"""


def _overview_rows(user, since: dt.date) -> list[tuple]:
    """(relationship id, need id, need name, importance, archived at, date, score) of the last two ratings of
    each need with each person and of every rating after `since`, oldest first, after (date and score None) each
    need chosen for a person: one query however long the history."""
    sql = _OVERVIEW_SQL.format(
        rating=RelationshipRating._meta.db_table,
        need=Need._meta.db_table,
        chosen=Relationship.needs.through._meta.db_table,
        relationship=Relationship._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, connection.ops.adapt_datefield_value(since), user.pk, user.pk])
        found = cursor.fetchall()
    rows = [
        (_uuid(rel_id), _uuid(need_id), name, importance, archived_at, _date(day), score)
        for rel_id, need_id, name, importance, archived_at, day, score in found
    ]
    rows.sort(key=lambda row: (row[5] is not None, row[5] or dt.date.min))
    return rows


def _uuid(value) -> uuid.UUID:
    """A key as a raw cursor gives it (SQLite gives hex text)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _date(value) -> dt.date | None:
    """A date as a raw cursor gives it (SQLite gives text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def overview(*, user, relationships: list[Relationship], today: dt.date) -> list[PersonRow]:
    """One row per person with the needs that matter with them (chosen, else the ones rated with them): each
    need's latest rating and its direction. The most strained first: people with an important need low for weeks
    (`strained`), then by their lowest latest rating; within a person, lowest first; unrated needs and people
    last. Archived needs are left out."""
    since = today - dt.timedelta(days=STRETCH)
    latest: dict = defaultdict(list)  # {(relationship id, need id): [(date, score)], newest first}
    recent: dict = defaultdict(
        list
    )  # {relationship id: [(need id, date, score)] after `since`}, oldest first
    chosen: dict = defaultdict(list)
    needs: dict = {}
    for rel_id, need_id, name, importance, archived_at, day, score in _overview_rows(user, since):
        needs[need_id] = OverviewNeed(need_id, name, importance, archived_at)
        if score is None:
            chosen[rel_id].append(need_id)
            continue
        latest[(rel_id, need_id)].append((day, score))
        if day > since:
            recent[rel_id].append((need_id, day, score))
    for found in latest.values():
        found.sort(reverse=True)
    rated: dict = defaultdict(list)
    for rel_id, need_id in latest:
        rated[rel_id].append(need_id)
    rows = []
    for rel in relationships:
        ids = [i for i in chosen.get(rel.pk, []) if needs[i].archived_at is None]
        row = PersonRow(rel, chosen=bool(ids))
        for need_id in ids or [i for i in rated.get(rel.pk, []) if needs[i].archived_at is None]:
            cell = NeedCell(needs[need_id])
            pair = latest.get((rel.pk, need_id), [])[:2]
            if pair:
                cell.latest_on, cell.latest = pair[0]
            if len(pair) > 1:
                cell.previous = pair[1][1]
            row.cells.append(cell)
        row.cells.sort(key=lambda c: (c.latest is None, c.latest or 0, c.need.name.lower()))
        row.strained = strained(recent.get(rel.pk, []), needs, today)
        rows.append(row)
    # Strained first (an important need low for weeks), then by the lowest latest rating; stable otherwise.
    rows.sort(key=lambda r: (not r.strained, r.lowest is None, r.lowest or 0))
    return rows


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
