"""Saving reflections and drafts so that no text is ever lost or silently overwritten.

- Every save of an existing reflection names the version it was opened at (or that the conflict view
  showed). Any other version is a `Conflict`: the view shows the newest saved text next to the person's own,
  and each resolution is checked against the version current at that moment.
- A new-reflection form carries a one-time key, stored on the reflection it creates (unique per person).
  The same form sent again answers with that reflection instead of storing a second one. If that
  reflection went to the trash meanwhile, sending the form brings it back (the answer says so): text a
  person sends is never written into the trash, where it would be purged unseen.
- A draft (the autosaved form, sealed) is removed only by the form that wrote it. An autosave whose draft
  was removed meanwhile (before it was read, or between reading and writing it) is kept as a new draft
  unless it holds exactly what is saved; a removed draft never comes back under its old id.
- A draft never belongs to a reflection in the trash, where no page lists it: the text of a form whose
  reflection was trashed is kept as a draft of a new reflection.
- Drafts are capped like reflections (size) and per person (count). A new draft beyond the count is
  refused with a reason the page shows; updating an existing draft always works.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from journal.forms import BODY_LIMIT, TITLE_LIMIT, ReflectionForm
from journal.models import (
    DRAFTS_PER_PERSON,
    TRASH_DAYS,
    Draft,
    Reflection,
)
from needs import pagecache


def trash_purge(*, now: dt.datetime | None = None) -> int:
    """Delete reflections that have been in the trash for more than TRASH_DAYS days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=TRASH_DAYS)
    expired = Reflection.objects.filter(deleted_at__lt=cutoff)
    owners = set(expired.values_list("owner_id", flat=True).distinct())
    deleted, _ = expired.delete()
    pagecache.forget(*owners)
    return deleted


# The fields a draft keeps: the reflection form's own, nothing else a request may carry.
DRAFT_FIELDS = frozenset(ReflectionForm.base_fields) - {"draft_id"}


# Dates, numbers and ids are short; the needs checkboxes are the only field with many values.
SHORT_LIMIT = 100


VALUES_LIMIT = 1000


VERSION_LIMIT = 2**31 - 1


TOO_LONG = (
    f"This is longer than a reflection can be (the text up to {BODY_LIMIT:,} characters, the title up to "
    f"{TITLE_LIMIT}), so it isn’t saved as a draft. Everything you wrote is still here on the page."
)


TOO_MANY = (
    f"You already have {DRAFTS_PER_PERSON} unsaved drafts, so this writing isn’t saved as a draft yet. "
    "It is all still here on the page: save it, or discard drafts you no longer need, and it will be kept."
)


class Conflict(Exception):  # noqa: N818
    """The reflection changed elsewhere since this edit was opened (or since the conflict view showed it)."""

    def __init__(self, current: Reflection):
        super().__init__("reflection changed since it was opened")
        self.current = current


class DraftGone(Exception):  # noqa: N818
    """An autosave holds exactly what is saved in the reflection already: there is nothing to keep."""


class DraftRefused(Exception):  # noqa: N818
    """A draft over the size or count cap. `reason` is for the script, `message` for the person."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason, self.message = reason, message


# --- Comparing what was written with what is saved ----------------------------------------------------


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def _optional(value) -> str:
    return "" if value is None else str(value)


def _saved(reflection: Reflection, *, user) -> tuple:
    return (
        reflection.date.isoformat(),
        reflection.reveal("title", owner=user),
        reflection.reveal("body", owner=user),
        sorted(str(pk) for pk in reflection.needs.values_list("pk", flat=True)),
        _optional(reflection.anxiety),
        _optional(reflection.confidence),
        _optional(reflection.prompt_id),
        _optional(reflection.personal_prompt_id),
    )


def _cleaned(data: dict) -> tuple:
    prompt, personal = data.get("prompt"), data.get("personal_prompt")
    return (
        data["date"].isoformat(),
        data.get("title", ""),
        data["body"],
        sorted(str(need.pk) for need in data.get("needs") or []),
        _optional(data.get("anxiety")),
        _optional(data.get("confidence")),
        _optional(prompt.pk if prompt else None),
        _optional(personal.pk if personal else None),
    )


def _first(payload: dict, name: str) -> str:
    values = payload.get(name) or [""]
    return values[0]


def _posted(payload: dict) -> tuple:
    """A draft's fields as the form would save them. A field the browser left out (an unticked box, a
    skipped rating) is empty, as it is when the form is sent."""
    return (
        _first(payload, "date"),
        _text(_first(payload, "title")),
        _text(_first(payload, "body")),
        sorted(payload.get("needs", [])),
        _first(payload, "anxiety"),
        _first(payload, "confidence"),
        _first(payload, "prompt"),
        _first(payload, "personal_prompt"),
    )


# --- Reflections ---------------------------------------------------------------------------------------


def _drop_form_drafts(user, data: dict) -> None:
    """The drafts this form wrote: the one it names, and any whose id had not reached the page yet."""
    written_by = Q()
    if data.get("draft_id"):
        written_by |= Q(pk=data["draft_id"])
    if data.get("form_key"):
        written_by |= Q(form_key=data["form_key"])
    if written_by:
        Draft.objects.for_user(user).filter(written_by).delete()


def _write(reflection: Reflection, *, user, data: dict) -> Reflection:
    reflection.owner = user
    reflection.date = data["date"]
    reflection.anxiety = data.get("anxiety")
    reflection.confidence = data.get("confidence")
    reflection.prompt = data.get("prompt")
    reflection.personal_prompt = data.get("personal_prompt")
    reflection.seal("title", data.get("title", ""), owner=user)
    reflection.seal("body", data["body"], owner=user)
    reflection.save()
    reflection.needs.set(data.get("needs", []))
    return reflection


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
        if (form_key or locked.version != base_version) and _saved(locked, user=user) == _cleaned(data):
            _drop_form_drafts(user, data)
            return locked
        if base_version is not None and locked.version != base_version:
            return Conflict(locked)
        reflection.version = locked.version + 1
    _write(reflection, user=user, data=data)
    _drop_form_drafts(user, data)
    return reflection


# --- Drafts --------------------------------------------------------------------------------------------


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None


def _as_version(value: str) -> int | None:
    try:
        version = int(value)
    except (ValueError, TypeError):
        return None
    return version if 0 < version <= VERSION_LIMIT else None


def _too_long(payload: dict) -> bool:
    limits = {"body": BODY_LIMIT, "title": TITLE_LIMIT}
    if sum(len(values) for values in payload.values()) > VALUES_LIMIT:
        return True
    return any(
        len(value) > limits.get(name, SHORT_LIMIT) for name, values in payload.items() for value in values
    )


def _already_saved(payload: dict, candidates, *, user) -> bool:
    posted = _posted(payload)
    return any(_saved(reflection, user=user) == posted for reflection in candidates)


def draft_save(*, user, draft_id, payload: dict, reflection: Reflection | None) -> Draft:
    """Create or replace an autosaved draft. The form's fields are sealed as JSON.

    `reflection` is the one being edited (None for a new one). Raises `DraftRefused` over the caps and
    `DraftGone` when the draft named was removed because its text was saved, exactly as it is here.
    """
    payload = {
        name: [str(v) for v in (values if isinstance(values, list) else [values])]
        for name, values in payload.items()
        if name in DRAFT_FIELDS
    }
    if _too_long(payload):
        raise DraftRefused("too long", TOO_LONG)
    form_key = _as_uuid(_first(payload, "form_key"))
    drafts = Draft.objects.for_user(user)
    with transaction.atomic():
        # Locked: a save of its form that removes it now waits for this write, or has removed it already.
        draft = drafts.select_for_update().filter(pk=draft_id).first() if _as_uuid(str(draft_id)) else None
        if draft is None and form_key:
            draft = drafts.select_for_update().filter(form_key=form_key).first()
        base_version = _as_version(_first(payload, "version")) if reflection else None
        gone = bool(draft_id)
        if draft is not None:
            if reflection is not None:
                draft.base_version = base_version
            elif (
                draft.reflection_id is not None
                and not live_reflections(user).filter(pk=draft.reflection_id).exists()
            ):
                # The reflection this form created went to the trash: the text is a new one's now.
                draft.reflection, draft.base_version = None, None
                payload.pop("version", None)
            draft.form_key = form_key or draft.form_key
            draft.seal("payload", json.dumps(payload, ensure_ascii=False), owner=user)
            try:
                with transaction.atomic():  # a savepoint: the failed update leaves the transaction usable
                    draft.save(force_update=True)  # never an insert: a removed draft stays removed
            except Draft.NotUpdated:
                gone = True  # removed after it was read (where the lock can't hold it, as on SQLite)
            else:
                return draft
        return _draft_new(
            user=user,
            payload=payload,
            form_key=form_key,
            reflection=reflection,
            base_version=base_version,
            gone=gone,
        )


def live_reflections(user):
    """The person's reflections that are not in the trash."""
    return Reflection.objects.for_user(user).live()


def _draft_new(*, user, payload: dict, form_key, reflection, base_version, gone: bool) -> Draft:
    """A new draft, unless the one this page wrote to is `gone` because exactly this text was saved."""
    created = (
        live_reflections(user).filter(form_key=form_key).first() if form_key and reflection is None else None
    )
    if gone:
        # The draft this page wrote to is gone: its form (or another window) saved the reflection,
        # or the draft was discarded elsewhere. Keep this text unless it is exactly what is saved.
        if reflection is not None:
            candidates = [reflection]
        elif created is not None:
            candidates = [created]
        else:  # a form from before one-time keys, or whose reflection is in the trash: the ones just saved
            candidates = live_reflections(user).order_by("-updated_at")[:3]
        if _already_saved(payload, candidates, user=user):
            raise DraftGone
    elif reflection is not None and _already_saved(payload, [reflection], user=user):
        raise DraftGone  # an edit page left as it was: nothing unsaved
    if created is not None:
        # This form already created a reflection and the text changed since: an unsaved edit of it.
        reflection, base_version = created, 1
        payload["version"] = ["1"]
    # One person's autosaves take turns here, so two at once cannot both pass the cap.
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    if Draft.objects.for_user(user).count() >= DRAFTS_PER_PERSON:
        raise DraftRefused("too many drafts", TOO_MANY)
    draft = Draft(owner=user, reflection=reflection, base_version=base_version, form_key=form_key)
    draft.seal("payload", json.dumps(payload, ensure_ascii=False), owner=user)
    draft.save(force_insert=True)
    return draft


def draft_payload(draft: Draft, *, user) -> dict:
    return json.loads(draft.reveal("payload", owner=user) or "{}")


def draft_is_stale(draft: Draft, reflection: Reflection) -> bool:
    """Written from a version of the reflection that was since replaced by a save elsewhere."""
    return draft.base_version is not None and draft.base_version < reflection.version


def draft_differs(draft: Draft, reflection: Reflection, *, user) -> bool:
    return not _already_saved(draft_payload(draft, user=user), [reflection], user=user)


def form_drafts_discard(*, user, draft_id=None, form_key=None) -> None:
    """Remove the drafts one form wrote, and no other window's (the person kept the saved version)."""
    _drop_form_drafts(user, {"draft_id": draft_id, "form_key": form_key})


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
