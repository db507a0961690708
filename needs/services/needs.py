"""Writes of needs (create, edit, archive, restore, delete, adopt from the catalogue), the starter catalogue,
and needs annotated with their latest score."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.services.derived import checkins_rebuild

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


# --- Catalogue ------------------------------------------------------------------------------------


def catalogue_load(*, path: Path = CATALOGUE_FILE) -> int:
    """Add starter catalogue needs that are missing (by slug). Never changes an existing row."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(CatalogueNeed.objects.values_list("slug", flat=True))
    taken_names = {name.lower() for name in CatalogueNeed.objects.values_list("name", flat=True)}
    new = []
    for entry in entries:
        if entry["slug"] in existing or entry["name"].lower() in taken_names:
            continue
        new.append(
            CatalogueNeed(
                slug=entry["slug"],
                name=entry["name"],
                category=entry["category"],
                description=entry["description"],
            )
        )
    CatalogueNeed.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def needs_adopt(*, user, catalogue_needs: list[CatalogueNeed]) -> list[Need]:
    """Adopt catalogue needs as the person's own. Already adopted ones are skipped, never doubled."""
    adopted_ids = set(
        Need.objects.for_user(user)
        .filter(catalogue_need__isnull=False)
        .values_list("catalogue_need_id", flat=True)
    )
    taken = {name.lower() for name in Need.objects.for_user(user).values_list("name", flat=True)}
    created = []
    for item in catalogue_needs:
        if item.pk in adopted_ids or item.name.lower() in taken:
            continue
        need = Need(owner=user, name=item.name, category=item.category, importance=3, catalogue_need=item)
        need.seal("met_looks_like", item.description, owner=user)
        created.append(need)
        taken.add(item.name.lower())
    Need.objects.bulk_create(created)
    return created


# --- The person's own needs -----------------------------------------------------------------------


class NeedNameTaken(Exception):  # noqa: N818 - says what happened, like Django's DoesNotExist
    """Another need of the person took this name between the caller's check and the write."""


def need_save(
    *,
    user,
    name: str,
    category: str,
    importance: int,
    met_looks_like: str = "",
    what_helps: str = "",
    need: Need | None = None,
    catalogue_need: CatalogueNeed | None = None,
    archived: bool = False,
) -> Need:
    """Create a need (`need` None) or change `need`, from already-validated values; seals both texts.

    `catalogue_need` links a new need to the suggestion it came from; `archived` archives it as well.
    Raises `NeedNameTaken` when the database's unique constraint refuses the name (a need added a moment ago in
    another request); nothing is stored then. Any other refusal is raised as it came.
    """
    need = need or Need(owner=user)
    need.name, need.category, need.importance = name, category, importance
    need.seal("met_looks_like", met_looks_like, owner=user)
    need.seal("what_helps", what_helps, owner=user)
    if catalogue_need is not None:
        need.catalogue_need = catalogue_need
    if archived and need.archived_at is None:
        need.archived_at = timezone.now()
    recategorised = not need._state.adding and need.category != _stored_category(need)
    try:
        with transaction.atomic():
            need.save()
            if recategorised:
                checkins_rebuild(owner_id=user.pk)
    except IntegrityError:
        if Need.objects.for_user(user).filter(name__iexact=name).exclude(pk=need.pk).exists():
            raise NeedNameTaken from None
        raise
    return need


def _stored_category(need: Need) -> str | None:
    return Need.objects.filter(pk=need.pk).values_list("category", flat=True).first()


def need_archive(*, need: Need) -> Need:
    """Take a need out of the inventory, keeping its history. Archiving an archived need changes nothing."""
    if need.archived_at is None:
        need.archived_at = timezone.now()
        need.save(update_fields=["archived_at", "updated_at"])
    return need


def need_restore(*, need: Need) -> Need:
    need.archived_at = None
    need.save(update_fields=["archived_at", "updated_at"])
    return need


def need_delete(*, need: Need) -> None:
    """Delete a need with its check-ins, statements and ratings."""
    with transaction.atomic():
        need.delete()
        checkins_rebuild(owner_id=need.owner_id)


# --- Scores over time ----------------------------------------------------------------------------


def with_latest_scores(queryset):
    """Annotate needs with their latest check-in's score and date (one query, no N+1)."""
    latest = CheckIn.objects.filter(need=OuterRef("pk")).order_by("-date")
    return queryset.annotate(
        latest_score=Subquery(latest.values("score")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )
