"""What every part of an import shares: the report, a file's values as form data, the reasons a form gave,
the journal-date rule, and which record of a file became which row here (`ImportedRecord`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import QueryDict

from journal.models import ImportedRecord, PersonalPrompt, Reflection
from needs.forms.fields import past_or_today
from needs.models.needs import Need
from needs.models.relationships import Relationship

KINDS = ("needs", "personal_prompts", "checkins", "reflections", "statements", "relationships")


@dataclass
class Report:
    """What an import did, per kind of record: how many were imported, how many were here already, and each
    refused record with its number in the file and the reason."""

    imported: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    refused: list = field(default_factory=list)
    refused_dropped: int = 0  # refused records whose reasons were not kept (a long list, across a resume)
    need_links: int = 0  # links from the imported reflections to needs
    # A file from another app (other_apps.py): which app, and what of it Attune could not keep, named.
    source: str = ""
    photos_skipped: int = 0
    skipped: list = field(default_factory=list)
    skipped_total: int = 0

    def refuse(self, kind: str, index: int, reason: str, label: str = "") -> None:
        refused = {"kind": kind, "number": index + 1, "reason": reason}
        if label:  # where a file from another app had the record: its entry's date, its note's name
            refused["label"] = label
        self.refused.append(refused)


def form_errors(form) -> str:
    """A form's errors as one line for the report, each prefixed with its field's name."""
    messages = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{name}: "
        messages.extend(f"{label}{error}" for error in errors)
    return "; ".join(messages)


def form_data(values: dict) -> QueryDict:
    """A record's values as a form would receive them from a page (missing values left out)."""
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = value if isinstance(value, str) else str(value)
    return data


OWN_MODELS = {"need": Need, "prompt": PersonalPrompt, "reflection": Reflection, "relationship": Relationship}


def _exists(user, kind: str, pk: str) -> bool:
    try:
        return OWN_MODELS[kind].objects.for_user(user).filter(pk=pk).exists()
    except (ValueError, ValidationError):  # not a key of that model: a file from elsewhere
        return False


def seen(user, kind: str, source) -> str | None:
    """The row here that this record of the file already is: an earlier import of it, or the record itself
    when the file came from this account. None when it was never here, or was deleted since: it comes back.
    """
    if not source:
        return None
    record = ImportedRecord.objects.filter(owner=user, kind=kind, source_id=source).first()
    if record is not None and _exists(user, kind, record.target_id):
        return record.target_id
    return source if _exists(user, kind, source) else None


def remember(user, kind: str, source, target) -> None:
    """Note that the file's record `source` is the row `target` here, so importing it again adds nothing."""
    if source:  # an id the shape check let through: text of at most 64 characters
        ImportedRecord.objects.update_or_create(
            owner=user, kind=kind, source_id=source, defaults={"target_id": str(target)}
        )


def source_of(record: dict) -> str:
    """The record's id in the file; for a record without one, a fingerprint of its content, so that importing it
    again (or resuming an import that stopped after writing it) adds it once."""
    source = record.get("id")
    if source:
        return source
    # "surrogatepass": the same bytes for every real text, and no crash on half a surrogate pair in a part of the
    # record the importer never reads (the parts it reads are checked whole before anything is written).
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    return "content:" + digest.hexdigest()[:40]


def canonical(value: str) -> str:
    """An id as this database writes it: a key in any form the database reads (upper case, no hyphens) is
    written the one way; anything else stays as it is."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


class Remembered:
    """`seen` and `remember` for many records of one kind, in a few queries: what was imported before and
    which rows exist are read once; what this import adds is noted as it goes and written by `save`."""

    def __init__(self, user, kind: str):
        self.user, self.kind = user, kind
        self.targets = dict(
            ImportedRecord.objects.filter(owner=user, kind=kind).values_list("source_id", "target_id")
        )
        rows = OWN_MODELS[kind].objects.for_user(user).values_list("pk", flat=True)
        self.existing = {str(pk) for pk in rows}
        self.added: dict[str, str] = {}

    def seen(self, source) -> str | None:
        if not source:
            return None
        target = self.targets.get(source)
        if target is not None and canonical(target) in self.existing:
            return target
        return source if canonical(source) in self.existing else None

    def remember(self, source, target) -> None:
        if source:
            self.targets[source] = self.added[source] = str(target)
            self.existing.add(str(target))

    def save(self, sources=None) -> None:
        """Write what was remembered: of `sources` only, if given (a batch of an import's writes)."""
        added = self.added if sources is None else {s: self.added[s] for s in sources if s in self.added}
        ImportedRecord.objects.bulk_create(
            [
                ImportedRecord(owner=self.user, kind=self.kind, source_id=s, target_id=t)
                for s, t in added.items()
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["owner", "kind", "source_id"],
            update_fields=["target_id"],
        )


def journal_date(value, today: dt.date) -> dt.date:
    """A journal date, by the web forms' rule: today or earlier, and not before 1900."""
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"“{str(value)[:40]}” is not a date (YYYY-MM-DD)") from None
    if date > today:
        raise ValidationError(f"{date.isoformat()} hasn’t happened yet")
    return past_or_today(date, today)
