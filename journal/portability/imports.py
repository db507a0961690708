"""Import an Attune JSON export into an account (new or existing).

- The file's shape is checked whole before anything is written (`import_checks`): a value of the wrong
  kind anywhere the importer reads (a list where an id belongs, a number where a list belongs, a NUL
  character, nesting deeper than any export) refuses the whole file, saying where, and stores nothing.
- Every record then passes the same forms as the web pages; a record that fails is refused with its reason.
  One rule is not the web page's: a pause plan whose check-back day has passed is kept (it is history),
  marked as reminded, so importing an old export never sends an email about a day that is over.
- Importing the same file twice adds nothing: each record's source id is remembered (`ImportedRecord`),
  needs also match an existing need of the same name, check-ins update their (need, date).
- Importing a file again restores: a record from the file whose copy here was deleted since comes back
  (check-ins and statements, which carry no id, always did). A reflection in the trash stays there.
- The whole import runs in one transaction: an unexpected failure part-way leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from journal.forms import PersonalPromptForm, ReflectionForm
from journal.models import ImportedRecord, PersonalPrompt, Prompt, Reflection, Reminder
from journal.portability.checks import MAX_BYTES, SCHEMA_VERSION, ImportRefused, check_shape, parse
from needs.forms.accounts import ProfileSettingsForm
from needs.forms.checkins import CheckInEditForm
from needs.forms.fields import past_or_today
from needs.forms.needs import NeedForm
from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.services.accounts import local_today, profile_for

# The file checks live in import_checks; the import page and tests reach them through here.
__all__ = [
    "MAX_BYTES",
    "SCHEMA_VERSION",
    "ImportRefused",
    "Report",
    "check_shape",
    "import_data",
    "import_file",
    "parse",
]


KINDS = ("needs", "personal_prompts", "checkins", "reflections", "statements", "relationships")


@dataclass
class Report:
    imported: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    refused: list = field(default_factory=list)

    def refuse(self, kind: str, index: int, reason: str) -> None:
        self.refused.append({"kind": kind, "number": index + 1, "reason": reason})


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


def _own_models() -> dict:
    from needs.models.relationships import Relationship

    return {**OWN_MODELS, "relationship": Relationship}


def _exists(user, kind: str, pk: str) -> bool:
    try:
        return _own_models()[kind].objects.for_user(user).filter(pk=pk).exists()
    except (ValueError, ValidationError):  # not a key of that model: a file from elsewhere
        return False


def _seen(user, kind: str, source) -> str | None:
    """The row here that this record of the file already is: an earlier import of it, or the record itself
    when the file came from this account. None when it was never here, or was deleted since: it comes back.
    """
    if not source:
        return None
    record = ImportedRecord.objects.filter(owner=user, kind=kind, source_id=source).first()
    if record is not None and _exists(user, kind, record.target_id):
        return record.target_id
    return source if _exists(user, kind, source) else None


def _remember(user, kind: str, source, target) -> None:
    if source:  # an id the shape check let through: text of at most 64 characters
        ImportedRecord.objects.update_or_create(
            owner=user, kind=kind, source_id=source, defaults={"target_id": str(target)}
        )


def import_file(*, user, raw: bytes) -> Report:
    """The import page's whole job: parse, check the shape, import. `ImportRefused` means nothing changed."""
    return import_data(user=user, data=parse(raw))


def import_data(*, user, data: dict) -> Report:
    check_shape(data)  # before the first write: a refused file leaves the account exactly as it was
    report = Report()
    with transaction.atomic():
        _settings(user, data.get("settings"), report)
        need_map = _needs(user, data.get("needs") or [], report)
        prompt_map = _personal_prompts(user, data.get("personal_prompts") or [], report)
        _checkins(user, data.get("checkins") or [], need_map, report)
        _statements(user, data.get("statements") or [], need_map, report)
        _love_profile(user, data.get("love_profile"), need_map, report)
        _relationships(user, data.get("relationships") or [], need_map, report)
        _reflections(user, data.get("reflections") or [], need_map, prompt_map, report)
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

        reminder = Reminder.objects.for_user(user).first() or Reminder(
            owner=user, time_zone=profile.time_zone
        )
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
        source = record.get("id")
        known = _seen(user, "need", source)
        match = existing.get(str(record.get("name", "")).strip().lower())
        if known or match:
            if source:
                mapping[source] = known or str(match.pk)
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
        if source:
            mapping[source] = str(need.pk)
        _remember(user, "need", source, need.pk)
        report.imported["needs"] += 1
    return mapping


def _personal_prompts(user, records, report: Report) -> dict:
    mapping = {}
    for index, record in enumerate(records):
        source = record.get("id")
        known = _seen(user, "prompt", source)
        if known:
            mapping[source] = known
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
        if source:
            mapping[source] = str(prompt.pk)
        _remember(user, "prompt", source, prompt.pk)
        report.imported["personal_prompts"] += 1
    return mapping


def _date(value, today: dt.date) -> dt.date:
    """A journal date, by the web forms' rule: today or earlier, and not before 1900."""
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"“{str(value)[:40]}” is not a date (YYYY-MM-DD)") from None
    if date > today:
        raise ValidationError(f"{date.isoformat()} hasn’t happened yet")
    return past_or_today(date, today)


def _checkins(user, records, need_map: dict, report: Report) -> None:
    today = local_today(user)
    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
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
    from journal.services import reflections

    today = local_today(user)
    prompts = dict(Prompt.objects.values_list("slug", "pk"))
    for index, record in enumerate(records):
        source = record.get("id")
        if _seen(user, "reflection", source):
            report.unchanged["reflections"] += 1
            continue
        need_ids = record.get("needs") or []
        if any(n not in need_map for n in need_ids):
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
        reflection = reflections.reflection_save(
            user=user, reflection=Reflection(owner=user), data=form.cleaned_data
        )
        _remember(user, "reflection", source, reflection.pk)
        report.imported["reflections"] += 1


def _statements(user, records, need_map: dict, report: Report) -> None:
    from needs.forms.sharing import StatementForm
    from needs.models.sharing import Statement

    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    existing = {
        (s.need_id, tuple(s.reveal(n, owner=user) for n in Statement.sealed_fields))
        for s in Statement.objects.for_user(user)
    }
    for index, record in enumerate(records):
        need = needs.get(need_map.get(record.get("need"), ""))
        if need is None:
            report.refuse(
                "statements", index, "it is about a need that isn’t in this file or in your account"
            )
            continue
        form = StatementForm(_data({n: record.get(n) for n in Statement.sealed_fields}))
        if not form.is_valid():
            report.refuse("statements", index, _errors(form))
            continue
        key = (need.pk, tuple(form.cleaned_data[n] for n in Statement.sealed_fields))
        if key in existing:
            report.unchanged["statements"] += 1
            continue
        statement = Statement(owner=user, need=need)
        for name in Statement.sealed_fields:
            statement.seal(name, form.cleaned_data[name], owner=user)
        statement.save()
        existing.add(key)
        report.imported["statements"] += 1


def _love_profile(user, record, need_map: dict, report: Report) -> None:
    from needs.forms.sharing import LoveProfileForm
    from needs.models.sharing import LoveProfile

    if not isinstance(record, dict):
        return
    form = LoveProfileForm(
        _data(
            {"text": record.get("text"), "needs": [need_map.get(n, "") for n in record.get("needs") or []]}
        ),
        owner=user,
    )
    if not form.is_valid():
        report.refuse("love_profile", 0, _errors(form))
        return
    profile = LoveProfile.objects.for_user(user).first() or LoveProfile(owner=user)
    profile.seal("text", form.cleaned_data["text"], owner=user)
    profile.save()
    profile.needs.set(form.cleaned_data["needs"])


def _relationships(user, records, need_map: dict, report: Report) -> None:
    from needs.forms.relationships import PausePlanForm, RelationshipForm
    from needs.models.relationships import PausePlan, Relationship, RelationshipRating

    today = local_today(user)
    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
        source = record.get("id")
        known = _seen(user, "relationship", source)
        if known:
            rel = Relationship.objects.for_user(user).get(pk=known)
            report.unchanged["relationships"] += 1
        else:
            form = RelationshipForm(_data({"nickname": record.get("nickname"), "kind": record.get("kind")}))
            if not form.is_valid():
                report.refuse("relationships", index, _errors(form))
                continue
            rel = Relationship(owner=user, kind=form.cleaned_data["kind"])
            rel.seal("nickname", form.cleaned_data["nickname"], owner=user)
            rel.save()
            _remember(user, "relationship", source, rel.pk)
            report.imported["relationships"] += 1
        for rating in record.get("ratings") or []:
            need = needs.get(need_map.get(rating.get("need"), ""))
            try:
                date = _date(rating.get("date"), today) if need else None
                score = int(str(rating.get("score")))  # through str: a float (even inf) is refused, not cut
            except (ValidationError, ValueError):
                date = None
            if need is None or date is None or not 0 <= score <= 10:
                report.refuse(
                    "relationships", index, "a rating has an unknown need, a bad date or a score outside 0–10"
                )
                continue
            RelationshipRating.objects.update_or_create(
                owner=user, relationship=rel, need=need, date=date, defaults={"score": score}
            )
        plan = record.get("pause_plan")
        if isinstance(plan, dict) and not PausePlan.objects.filter(relationship=rel).exists():
            # The pause plan page's own form. Only its "a day after today" rule is left out: a plan whose
            # day has passed is part of the journal being moved and is kept as it was, marked as reminded,
            # so no email goes out about a day that is over (an export doesn't say whether one did).
            form = PausePlanForm(
                _data({n: plan.get(n) for n in ("what_must_change", "check_back_on")}), today=dt.date.min
            )
            if not form.is_valid():
                report.refuse("relationships", index, f"its pause plan: {_errors(form)}")
                continue
            check_back = form.cleaned_data["check_back_on"]
            pause = PausePlan(owner=user, relationship=rel, check_back_on=check_back)
            pause.reminded_on = today if check_back <= today else None
            pause.seal("what_must_change", form.cleaned_data["what_must_change"], owner=user)
            pause.save()
