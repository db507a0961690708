"""Drafts: the reflection form's text, autosaved and sealed, so that no writing is ever lost.

- A draft is removed only by the form that wrote it (`form_drafts_discard`, called when that form's
  reflection is saved) or by the person (`draft_discard`). An autosave whose draft was removed meanwhile
  (before it was read, or between reading and writing it) is kept as a new draft unless it holds exactly
  what is saved; a removed draft never comes back under its old id.
- A draft never belongs to a reflection in the trash, where no page lists it: the text of a form whose
  reflection was trashed is kept as a draft of a new reflection.
- Drafts are capped like reflections (size) and per person (count). A new draft beyond the count is
  refused with a reason the page shows; updating an existing draft always works.
- `holds_exactly` compares what a form holds with what a reflection has saved: both a reflection save
  (the same edit sent twice) and an autosave (nothing left unsaved) ask it.
"""

from __future__ import annotations

import json
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from journal.forms import BODY_LIMIT, TITLE_LIMIT, ReflectionForm
from journal.models import DRAFTS_PER_PERSON, Draft, Reflection

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
    plain = reflection.reveal_all(owner=user)
    return (
        reflection.date.isoformat(),
        plain.title,
        plain.body,
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


def holds_exactly(reflection: Reflection, data: dict, *, user) -> bool:
    """The reflection has saved exactly this cleaned form data."""
    return _saved(reflection, user=user) == _cleaned(data)


def _already_saved(payload: dict, candidates, *, user) -> bool:
    posted = _posted(payload)
    return any(_saved(reflection, user=user) == posted for reflection in candidates)


# --- Writing and removing drafts -----------------------------------------------------------------------


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


def _live(user):
    return Reflection.objects.for_user(user).live()


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
            elif draft.reflection_id is not None and not _live(user).filter(pk=draft.reflection_id).exists():
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


def _draft_new(*, user, payload: dict, form_key, reflection, base_version, gone: bool) -> Draft:
    """A new draft, unless the one this page wrote to is `gone` because exactly this text was saved."""
    created = _live(user).filter(form_key=form_key).first() if form_key and reflection is None else None
    if gone:
        # The draft this page wrote to is gone: its form (or another window) saved the reflection,
        # or the draft was discarded elsewhere. Keep this text unless it is exactly what is saved.
        if reflection is not None:
            candidates = [reflection]
        elif created is not None:
            candidates = [created]
        else:  # a form from before one-time keys, or whose reflection is in the trash: the ones just saved
            candidates = _live(user).order_by("-updated_at")[:3]
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


def form_drafts_discard(*, user, draft_id=None, form_key=None) -> None:
    """Remove the drafts one form wrote: the one it names, and any whose id had not reached the page yet.
    No other window's drafts go."""
    written_by = Q()
    if draft_id:
        written_by |= Q(pk=draft_id)
    if form_key:
        written_by |= Q(form_key=form_key)
    if written_by:
        Draft.objects.for_user(user).filter(written_by).delete()


def draft_discard(*, draft: Draft) -> None:
    """The person chose to throw this draft away."""
    draft.delete()


# --- Reading drafts ------------------------------------------------------------------------------------


def draft_payload(draft: Draft, *, user) -> dict:
    return json.loads(draft.reveal_all(owner=user).payload or "{}")


def draft_is_stale(draft: Draft, reflection: Reflection) -> bool:
    """Written from a version of the reflection that was since replaced by a save elsewhere."""
    return draft.base_version is not None and draft.base_version < reflection.version


def draft_differs(draft: Draft, reflection: Reflection, *, user) -> bool:
    return not _already_saved(draft_payload(draft, user=user), [reflection], user=user)
