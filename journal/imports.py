"""Import an Attune JSON export into an account (new or existing).

- Every record passes the same forms as the web pages; a record that fails is refused with its reason.
- Importing the same file twice adds nothing: each record's source id is remembered (`ImportedRecord`),
  needs also match an existing need of the same name, check-ins update their (need, date).
- The whole import runs in one transaction: an unexpected failure part-way leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from journal.forms import PersonalPromptForm, ReflectionForm
from journal.models import ImportedRecord, PersonalPrompt, Prompt, Reflection, Reminder
from needs.forms import CheckInEditForm, NeedForm, ProfileSettingsForm
from needs.models import CatalogueNeed, CheckIn, Need
from needs.services import local_today, profile_for

SCHEMA_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # a ten-year journal exports to about 10 MB


class ImportRefused(Exception):  # noqa: N818 - the whole file is refused, with a message for the person
    pass


@dataclass
class Report:
    imported: dict = field(
        default_factory=lambda: {"needs": 0, "personal_prompts": 0, "checkins": 0, "reflections": 0}
    )
    unchanged: dict = field(
        default_factory=lambda: {"needs": 0, "personal_prompts": 0, "checkins": 0, "reflections": 0}
    )
    refused: list = field(default_factory=list)

    def refuse(self, kind: str, index: int, reason: str) -> None:
        self.refused.append({"kind": kind, "number": index + 1, "reason": reason})


def parse(raw: bytes) -> dict:
    if len(raw) > MAX_BYTES:
        raise ImportRefused(
            f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB, more than any Attune export."
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefused(
            "This file isn’t JSON. Choose the .json file that Attune’s export gave you."
        ) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ImportRefused("This JSON isn’t an Attune export: it has no schema_version.")
    if data["schema_version"] != SCHEMA_VERSION:
        raise ImportRefused(
            f"This export uses schema version {data['schema_version']!r}; this Attune reads version {SCHEMA_VERSION}."
        )
    for key in ("needs", "checkins", "reflections", "personal_prompts"):
        if not isinstance(data.get(key, []), list):
            raise ImportRefused(f"“{key}” in this file should be a list.")
    return data


def _errors(form) -> str:
    messages = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{name}: "
        messages.extend(f"{label}{error}" for error in errors)
    return "; ".join(messages)


def _data(values: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = value if isinstance(value, str) else str(value)
    return data


OWN_MODELS = {"need": Need, "prompt": PersonalPrompt, "reflection": Reflection}


def _seen(user, kind: str, source) -> ImportedRecord | None:
    """The earlier import of this record, or the record itself when the file came from this account."""
    if not isinstance(source, str) or not source:
        return None
    record = ImportedRecord.objects.filter(owner=user, kind=kind, source_id=source[:64]).first()
    if record is None:
        try:
            if OWN_MODELS[kind].objects.for_user(user).filter(pk=source).exists():
                return ImportedRecord(owner=user, kind=kind, source_id=source, target_id=source)
        except (ValueError, ValidationError):
            return None
    return record


def _remember(user, kind: str, source, target) -> None:
    if isinstance(source, str) and source:
        ImportedRecord.objects.get_or_create(
            owner=user, kind=kind, source_id=source[:64], defaults={"target_id": str(target)}
        )


def import_data(*, user, data: dict) -> Report:
    report = Report()
    with transaction.atomic():
        _settings(user, data.get("settings"), report)
        need_map = _needs(user, data.get("needs", []), report)
        prompt_map = _personal_prompts(user, data.get("personal_prompts", []), report)
        _checkins(user, data.get("checkins", []), need_map, report)
        _reflections(user, data.get("reflections", []), need_map, prompt_map, report)
    return report


def _settings(user, settings, report: Report) -> None:
    if not isinstance(settings, dict):
        return
    profile = profile_for(user)
    form = ProfileSettingsForm(
        _data({k: settings.get(k) for k in ("time_zone", "day_ends_at", "low_score_threshold", "colour_mode")}
              | {"show_streak": "on" if settings.get("show_streak") else None}),
        instance=profile,
    )  # fmt: skip
    if form.is_valid():
        form.save()
    else:
        report.refuse("settings", 0, _errors(form))
    reminders = settings.get("reminders")
    if isinstance(reminders, dict):
        from journal.forms import ReminderForm

        reminder, _ = Reminder.objects.get_or_create(owner=user, defaults={"time_zone": profile.time_zone})
        values = {k: reminders.get(k) for k in ("daily_time", "weekly_day", "weekly_time")}
        values |= {k: "on" for k in ("daily_enabled", "weekly_enabled") if reminders.get(k)}
        form = ReminderForm(_data(values), instance=reminder)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.time_zone = profile.time_zone
            saved.save()
        else:
            report.refuse("settings", 0, _errors(form))


def _needs(user, records, report: Report) -> dict:
    mapping = {}
    existing = {n.name.lower(): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.refuse("needs", index, "not a need record")
            continue
        source = record.get("id")
        known = _seen(user, "need", source)
        match = existing.get(str(record.get("name", "")).strip().lower())
        if known or match:
            mapping[source] = known.target_id if known else str(match.pk)
            report.unchanged["needs"] += 1
            continue
        form = NeedForm(
            _data(
                {k: record.get(k) for k in ("name", "category", "importance", "met_looks_like", "what_helps")}
            ),
            owner=user,
        )
        if not form.is_valid():
            report.refuse("needs", index, _errors(form))
            continue
        need = form.save(commit=False)
        if record.get("catalogue_slug"):
            need.catalogue_need = CatalogueNeed.objects.filter(slug=record["catalogue_slug"]).first()
        if record.get("archived"):
            from django.utils import timezone

            need.archived_at = timezone.now()
        need.save()
        existing[need.name.lower()] = need
        mapping[source] = str(need.pk)
        _remember(user, "need", source, need.pk)
        report.imported["needs"] += 1
    return mapping


def _personal_prompts(user, records, report: Report) -> dict:
    mapping = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.refuse("personal_prompts", index, "not a prompt record")
            continue
        source = record.get("id")
        known = _seen(user, "prompt", source)
        if known:
            mapping[source] = known.target_id
            report.unchanged["personal_prompts"] += 1
            continue
        values = {k: record.get(k) for k in ("text", "category", "step")}
        values["is_active"] = "on" if record.get("active", True) else None
        form = PersonalPromptForm(_data(values))
        if not form.is_valid():
            report.refuse("personal_prompts", index, _errors(form))
            continue
        prompt = PersonalPrompt(owner=user, category=form.cleaned_data["category"], step=form.cleaned_data["step"],
                                is_active=form.cleaned_data["is_active"])  # fmt: skip
        prompt.seal("text", form.cleaned_data["text"], owner=user)
        prompt.save()
        mapping[source] = str(prompt.pk)
        _remember(user, "prompt", source, prompt.pk)
        report.imported["personal_prompts"] += 1
    return mapping


def _date(value, today: dt.date) -> dt.date:
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"“{str(value)[:40]}” is not a date (YYYY-MM-DD)") from None
    if date > today:
        raise ValidationError(f"{date.isoformat()} hasn’t happened yet")
    return date


def _checkins(user, records, need_map: dict, report: Report) -> None:
    today = local_today(user)
    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.refuse("checkins", index, "not a check-in record")
            continue
        need = needs.get(need_map.get(record.get("need"), ""))
        if need is None:
            report.refuse("checkins", index, "it points at a need that isn’t in this file or in your account")
            continue
        try:
            date = _date(record.get("date"), today)
        except ValidationError as error:
            report.refuse("checkins", index, error.messages[0])
            continue
        form = CheckInEditForm(_data({"score": record.get("score"), "note": record.get("note", "")}))
        if not form.is_valid():
            report.refuse("checkins", index, _errors(form))
            continue
        checkin = CheckIn.objects.for_user(user).filter(need=need, date=date).first()
        note = form.cleaned_data["note"]
        if (
            checkin
            and checkin.score == form.cleaned_data["score"]
            and checkin.reveal("note", owner=user) == note
        ):
            report.unchanged["checkins"] += 1
            continue
        checkin = checkin or CheckIn(owner=user, need=need, date=date)
        checkin.score = form.cleaned_data["score"]
        checkin.seal("note", note, owner=user)
        checkin.save()
        report.imported["checkins"] += 1


def _reflections(user, records, need_map: dict, prompt_map: dict, report: Report) -> None:
    from journal import services

    today = local_today(user)
    prompts = dict(Prompt.objects.values_list("slug", "pk"))
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.refuse("reflections", index, "not a reflection record")
            continue
        source = record.get("id")
        if _seen(user, "reflection", source):
            report.unchanged["reflections"] += 1
            continue
        need_ids = record.get("needs") or []
        if not isinstance(need_ids, list) or any(n not in need_map for n in need_ids):
            report.refuse(
                "reflections", index, "it links to a need that isn’t in this file or in your account"
            )
            continue
        values = {
            "date": record.get("date"),
            "title": record.get("title", ""),
            "body": record.get("body"),
            "needs": [need_map[n] for n in need_ids],
            "anxiety": record.get("anxiety"),
            "confidence": record.get("confidence"),
            "prompt": prompts.get(record.get("prompt_slug")) if record.get("prompt_slug") else None,
            "personal_prompt": prompt_map.get(record.get("personal_prompt"))
            if record.get("personal_prompt")
            else None,
        }
        form = ReflectionForm(_data(values), owner=user, today=today, linked_needs=values["needs"])
        if not form.is_valid():
            report.refuse("reflections", index, _errors(form))
            continue
        reflection = services.reflection_save(
            user=user, reflection=Reflection(owner=user), data=form.cleaned_data
        )
        _remember(user, "reflection", source, reflection.pk)
        report.imported["reflections"] += 1
