from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.db.models import OuterRef, Subquery

from needs.models.needs import CatalogueNeed, CheckIn, Need

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


# --- Scores over time ----------------------------------------------------------------------------


def with_latest_scores(queryset):
    """Annotate needs with their latest check-in's score and date (one query, no N+1)."""
    latest = CheckIn.objects.filter(need=OuterRef("pk")).order_by("-date")
    return queryset.annotate(
        latest_score=Subquery(latest.values("score")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    )
