"""Reflections: saving them so that no text is silently overwritten, the trash, and small lookups.

- Every save of an existing reflection names the version it was opened at (or that the conflict view
  showed). Any other version is a `Conflict`: the view shows the newest saved text next to the person's own,
  and each resolution is checked against the version current at that moment.
- A new-reflection form carries a one-time key, stored on the reflection it creates (unique per person).
  The same form sent again answers with that reflection instead of storing a second one. If that
  reflection went to the trash meanwhile, sending the form brings it back (the answer says so): text a
  person sends is never written into the trash, where it would be purged unseen.
- Saving a form removes the drafts that form wrote (journal.services.drafts), and only those.
- A reflection moved to the trash stays there TRASH_DAYS days, restorable, then `trash_purge` deletes it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from journal.models import TRASH_DAYS, Reflection
from journal.services.derived import reflections_changed
from journal.services.drafts import form_drafts_discard, holds_exactly
from journal.services.search_index import index_write
from needs.privacy.owned import OwnedSQL, as_saved


class Conflict(Exception):  # noqa: N818
    """The reflection changed elsewhere since this edit was opened (or since the conflict view showed it)."""

    def __init__(self, current: Reflection):
        super().__init__("reflection changed since it was opened")
        self.current = current


# --- Saving --------------------------------------------------------------------------------------------


def _drop_form_drafts(user, data: dict) -> None:
    form_drafts_discard(user=user, draft_id=data.get("draft_id"), form_key=data.get("form_key"))


def _write(reflection: Reflection, *, user, data: dict) -> Reflection:
    before = _stored_date(reflection)
    reflection.owner = user
    reflection.date = data["date"]
    reflection.anxiety = data.get("anxiety")
    reflection.confidence = data.get("confidence")
    reflection.prompt = data.get("prompt")
    reflection.personal_prompt = data.get("personal_prompt")
    reflection.seal("title", data.get("title", ""), owner=user)
    reflection.seal("body", data["body"], owner=user)
    reflection.save()
    index_write(reflection=reflection, user=user, title=data.get("title", ""), body=data["body"])
    reflection.needs.set(data.get("needs", []))
    reflections_changed(owner_id=user.pk, dates={before, reflection.date} - {None})
    return reflection


def _stored_date(reflection: Reflection) -> dt.date | None:
    if reflection._state.adding:
        return None
    return Reflection.objects.filter(pk=reflection.pk).values_list("date", flat=True).first()


def _created_by(user, form_key) -> Reflection | None:
    """The reflection this form created, in the trash or not (the key stays unique either way)."""
    return Reflection.objects.for_user(user).filter(form_key=form_key).first()


def reflection_save(
    *, user, reflection: Reflection, data: dict, base_version: int | None = None
) -> Reflection:
    """Create or update a reflection from cleaned form data.

    An update names the version it was opened at; any other version raises `Conflict`, unless the saved
    reflection already holds exactly this (the same edit sent twice). `base_version=None` skips the check
    (only for callers that write without a form a person saw).

    A new reflection whose `form_key` was used before is the same form sent again: the answer is the
    reflection the first sending created. If the text differs (the person changed it and sent again after
    a lost answer), it is an edit of that reflection at its first version.

    A save that lands on a reflection in the trash (that form's reflection was trashed before it was sent
    again, or another window trashed it during the save) restores it: the answer, or the `Conflict`'s
    `current`, has `restored_from_trash` set so the page can say so. The restore stands even with a
    conflict, so the conflict view's choice can be saved; nothing else is written then.
    """
    with transaction.atomic():
        outcome = _reflection_save(user=user, reflection=reflection, data=data, base_version=base_version)
    if isinstance(outcome, Conflict):
        raise outcome
    return outcome


def _out_of_trash(locked: Reflection, reflection: Reflection) -> bool:
    """Bring a locked reflection back from the trash; True if it was there."""
    if locked.deleted_at is None:
        return False
    Reflection.objects.filter(pk=locked.pk).update(deleted_at=None)
    reflections_changed(owner_id=locked.owner_id, dates=[locked.date])
    locked.deleted_at = reflection.deleted_at = None
    locked.restored_from_trash = reflection.restored_from_trash = True
    return True


def _reflection_save(
    *, user, reflection: Reflection, data: dict, base_version: int | None
) -> Reflection | Conflict:
    form_key = data.get("form_key") if reflection._state.adding else None
    if form_key:
        first = _created_by(user, form_key)
        if first is None:
            try:
                with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
                    reflection.form_key = form_key
                    _write(reflection, user=user, data=data)
            except IntegrityError:
                first = _created_by(user, form_key)
                if first is None:
                    raise
            else:
                _drop_form_drafts(user, data)
                return reflection
        reflection, base_version = first, 1
    if not reflection._state.adding:
        locked = Reflection.objects.for_user(user).select_for_update().get(pk=reflection.pk)
        _out_of_trash(locked, reflection)
        if (form_key or locked.version != base_version) and holds_exactly(locked, data, user=user):
            _drop_form_drafts(user, data)
            return locked
        if base_version is not None and locked.version != base_version:
            return Conflict(locked)
        reflection.version = locked.version + 1
    _write(reflection, user=user, data=data)
    _drop_form_drafts(user, data)
    return reflection


# --- The trash -----------------------------------------------------------------------------------------


def live_reflections(user):
    """The person's reflections that are not in the trash."""
    return Reflection.objects.for_user(user).live()


# The journal list unfiltered: one page of the person's live reflections, newest first, and how many there are.
LIVE_PAGE = OwnedSQL(
    """
    SELECT id, date, title, body FROM journal_reflection
     WHERE owner_id = %(owner)s AND deleted_at IS NULL
     ORDER BY date DESC, created_at DESC
     LIMIT %(limit)s OFFSET %(offset)s
    """,
    uuids=(0,),
    dates=(1,),
)
LIVE_COUNT = OwnedSQL(
    "SELECT COUNT(*) FROM journal_reflection WHERE owner_id = %(owner)s AND deleted_at IS NULL"
)


class LiveReflections:
    """The person's live reflections newest first, as a paginator reads them (counted, then one slice), each
    read in SQL written once; a page's reflections carry their date and sealed title and body, no more."""

    def __init__(self, user):
        self.user = user

    def count(self) -> int:
        return LIVE_COUNT.rows(self.user)[0][0] if self.user.is_authenticated else 0

    def __getitem__(self, index: slice) -> list[Reflection]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Read a page as one slice.")
        start = index.start or 0
        rows = LIVE_PAGE.rows(self.user, limit=index.stop - start, offset=start)
        return [
            as_saved(Reflection(id=pk, owner_id=self.user.pk, date=date, title=title, body=body))
            for pk, date, title, body in rows
        ]


def reflection_trash(*, reflection: Reflection) -> None:
    """Move a reflection to the trash, where it can be restored for TRASH_DAYS days."""
    with transaction.atomic():
        reflection.deleted_at = timezone.now()
        reflection.save(update_fields=["deleted_at"])
        reflections_changed(owner_id=reflection.owner_id, dates=[reflection.date])


def reflection_restore(*, reflection: Reflection) -> None:
    with transaction.atomic():
        reflection.deleted_at = None
        reflection.save(update_fields=["deleted_at"])
        reflections_changed(owner_id=reflection.owner_id, dates=[reflection.date])


def reflection_destroy(*, reflection: Reflection) -> None:
    """Delete a reflection for good (the person chose to, from the trash)."""
    with transaction.atomic():
        reflection.delete()
        reflections_changed(owner_id=reflection.owner_id, dates=[reflection.date])


def purge_on(reflection: Reflection) -> dt.date:
    """The day a reflection in the trash is deleted for good."""
    return (reflection.deleted_at + dt.timedelta(days=TRASH_DAYS)).date()


def trash_purge(*, now: dt.datetime | None = None) -> int:
    """Delete reflections that have been in the trash for more than TRASH_DAYS days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=TRASH_DAYS)
    deleted, _ = Reflection.objects.filter(deleted_at__lt=cutoff).delete()
    return deleted


# --- Lookups -------------------------------------------------------------------------------------------


def first_or_none(queryset, pk):
    """The row with this pk, or None for a missing or malformed id."""
    try:
        return queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


def merged_text(mine: str, theirs: str) -> str:
    if mine.strip() == theirs.strip():
        return mine
    return f"{mine.rstrip()}\n\n---\n\n(The version saved elsewhere:)\n\n{theirs.strip()}\n"
