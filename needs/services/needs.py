"""Writes of needs (create, edit, archive, restore, delete, adopt from the catalogue), the starter catalogue,
the catalogue picker, and needs annotated with their latest score."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from needs.models.needs import CATEGORY_DESCRIPTIONS, CatalogueNeed, Category, CheckIn, Need
from needs.services.derived import checkins_rebuild, person_lock

if TYPE_CHECKING:
    from needs.forms.needs import AdoptForm

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


# --- Catalogue ------------------------------------------------------------------------------------


def catalogue_load(*, path: Path = CATALOGUE_FILE, retired: frozenset[str] | set[str] = frozenset()) -> int:
    """Add starter catalogue needs that are missing (by slug), except the `retired` slugs staff deleted. Never
    changes an existing row, so a need staff made inactive stays inactive."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(CatalogueNeed.objects.values_list("slug", flat=True)) | set(retired)
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


# --- The catalogue picker ------------------------------------------------------------------------

# What each kind of need is, in a line: shown next to the picker's jump links.
CATEGORY_KINDS = {
    Category.MENTAL: "What your mind needs to stay clear, curious and your own.",
    Category.PHYSICAL: "What your body needs to rest, move and feel safe.",
    Category.SPIRITUAL: "What gives your days meaning and a sense of something larger.",
    Category.EMOTIONAL: "What your feelings need to be noticed, shared and cared for.",
}

QUERY_LIMIT = 100  # characters of search words; longer adds nothing to a list of a few dozen names


@dataclass
class PickerSection:
    """One category of the picker: its catalogue needs, and how many of them match the search."""

    value: str
    label: str
    kind: str
    description: str
    items: list[CatalogueNeed]
    shown: int


@dataclass
class CataloguePicker:
    """What `templates/needs/_catalogue_picker.html` shows.

    Every active catalogue need is listed, each marked `adopted` (already in the inventory), `chosen` (ticked,
    not yet adopted), `shown` (matches the search) and given its `search_text`. Needs that do not match are
    still listed, hidden, so a ticked one is still sent and the browser's live filter can bring it back.
    """

    sections: list[PickerSection]
    query: str
    total: int  # active catalogue needs, the person's own included
    shown: int  # of them, how many match the search
    chosen: int  # ticked and not yet the person's own
    chosen_hidden: int  # of them, how many the search hides (still sent with the form)
    errors: list[str] = field(default_factory=list)


def search_text(*parts: str) -> str:
    """Lower-case text a search matches against; the browser lower-cases the search words the same way."""
    return " ".join(parts).replace("\u2019", "'").lower()


def search_words(query: str) -> list[str]:
    return search_text(query).split()


def catalogue_picker(*, user, query: str = "", form: AdoptForm | None = None) -> CataloguePicker:
    """The catalogue for `user` to choose from, filtered by the words of `query` (each word must appear in the
    need's name, description or category).

    `form`, the page's `AdoptForm`, gives the ticks it was sent with and its errors; when it was sent by the
    picker's Filter or Show-all button, its posted search words stand in for `query`. Two queries, however large
    the catalogue or the person's inventory.
    """
    chosen_ids: set[str] = set()
    errors: list[str] = []
    if form is not None and form.is_bound:
        chosen_ids = {str(pk) for pk in (form["catalogue_needs"].value() or [])}
        query = form.query
        if not form.filtering:
            errors = list(form.errors.get("catalogue_needs", []))
    query = " ".join(query[:QUERY_LIMIT].split())
    words = search_words(query)
    adopted = set(
        Need.objects.for_user(user)
        .filter(catalogue_need__isnull=False)
        .values_list("catalogue_need_id", flat=True)
    )
    items = list(CatalogueNeed.objects.filter(is_active=True).order_by("name"))
    labels = dict(Category.choices)
    grouped: dict[str, list[CatalogueNeed]] = {value: [] for value in Category.values}
    for item in items:
        if item.category not in grouped:
            continue
        item.adopted = item.pk in adopted
        item.chosen = not item.adopted and str(item.pk) in chosen_ids
        item.search_text = search_text(item.name, item.description, labels[item.category])
        item.shown = all(word in item.search_text for word in words)
        grouped[item.category].append(item)
    sections = [
        PickerSection(
            value=value,
            label=label,
            kind=CATEGORY_KINDS[value],
            description=CATEGORY_DESCRIPTIONS[value],
            items=grouped[value],
            shown=sum(item.shown for item in grouped[value]),
        )
        for value, label in Category.choices
    ]
    listed = [item for section in sections for item in section.items]
    return CataloguePicker(
        sections=sections,
        query=query,
        total=len(listed),
        shown=sum(item.shown for item in listed),
        chosen=sum(item.chosen for item in listed),
        chosen_hidden=sum(item.chosen and not item.shown for item in listed),
        errors=errors,
    )


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
        person_lock(need.owner_id)  # before its check-ins' rows, as every check-in write
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
