"""Import an Attune JSON export into an account (new or existing): the entry points, and the journal's own
records (settings, personal prompts, reflections). The needs side is in import_needs.py, what every part
shares (the report, remembered records) in records.py.

- The file's shape is checked whole before anything is written (checks.py): a value of the wrong
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
- Needs, prompts, statements and relationships are written through the services the web pages use
  (need_save, personal_prompt_save, ...). Check-ins and reflections, thousands in a long journal, are
  validated the same way and written in bulk (a ten-year journal in seconds, well inside a request); the
  numbers kept per day and the search index are then rebuilt for the person, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from journal.forms import CHANNEL_FIELDS, PersonalPromptForm, ReflectionForm, ReminderForm
from journal.models import Prompt, Reflection
from journal.portability.checks import (
    MAX_BYTES,
    SCHEMA_VERSION,
    ImportRefused,
    check_shape,
    check_size,
    parse,
)
from journal.portability.import_needs import (
    checkins_import,
    checkins_write,
    love_profile_import,
    needs_import,
    relationships_import,
    statements_import,
)
from journal.portability.plain_values import form_values, reflection_values
from journal.portability.records import (
    KINDS,
    Remembered,
    Report,
    canonical,
    form_data,
    form_errors,
    remember,
    seen,
    source_of,
)
from journal.services.derived import derived_rebuild
from journal.services.prompts import personal_prompt_save
from journal.services.push import push_enabled
from journal.services.search_index import index_add
from journal.services.settings import reminder_for, settings_save
from needs.forms.accounts import ProfileSettingsForm
from needs.forms.sharing import PartnerSettingsForm
from needs.privacy.crypto import seal_text
from needs.services.accounts import local_today, profile_for
from needs.services.writes import rows_insert

REFLECTION_COLUMNS = ("id", "owner", "date", "title", "body", "prompt", "personal_prompt", "anxiety", "confidence",
                      "version", "form_key", "deleted_at", "created_at", "updated_at")  # fmt: skip

# The file checks live in checks.py; the import page and tests reach them through here.
__all__ = [
    "MAX_BYTES",
    "SCHEMA_VERSION",
    "ImportRefused",
    "Report",
    "check_shape",
    "check_size",
    "import_data",
    "import_file",
    "parse",
]


def import_file(*, user, raw: bytes, progress: Callable[[str], None] | None = None) -> Report:
    """Parse, check the shape, import in one transaction. `ImportRefused` means nothing changed."""
    return import_data(user=user, data=parse(raw), progress=progress)


def import_data(*, user, data: dict, progress: Callable[[str], None] | None = None) -> Report:
    """Import a parsed export in one transaction (the command line, tests). `progress`, if given, hears a
    line as each part is done. The import page runs `import_steps` in the background instead (jobs.py)."""
    check_shape(data)  # before the first write: a refused file leaves the account exactly as it was
    with transaction.atomic():
        return import_steps(user=user, data=data, report=Report(), steps=Steps(progress))


STEPS = ("setup", "checkins", "people", "reflections", "numbers")
# Rows written per transaction in the background: each step of progress, and what a killed worker redoes.
WRITE_BATCH = {"checkins": 20_000, "reflections": 500}
ALIVE_EVERY = 1000  # records checked between two signs of life (reflections are sealed as they are checked)


class Steps:
    """What an import tells as it goes. A step is *counted* once its records are checked and its counts are in
    the report, and then *written* in batches. The background job (jobs.py) keeps both in its row, in the same
    transactions as the writes, and on a resume says which steps were counted already: those are checked again
    only to find what is left to write (what was written is "already here" now), into a report thrown away.
    This plain one only tells `progress`."""

    counted: frozenset = frozenset()

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress or (lambda line: None)

    def report_for(self, step: str, report: Report) -> Report:
        return Report() if step in self.counted else report

    def alive(self, step: str) -> None:
        """Still at work on `step` (called every few thousand records while they are checked)."""

    def count(self, step: str, report: Report, *, settled: int) -> None:
        self.progress(f"{step}: checked")

    def wrote(self, step: str, count: int) -> None:
        self.progress(f"{step} written: {count}")

    def finish(self, report: Report) -> None:
        self.progress("import finished")


def records_in(data: dict, *kinds: str) -> int:
    kinds = kinds or KINDS
    return sum(len(data.get(kind) or []) for kind in kinds)


def import_steps(*, user, data: dict, report: Report, steps: Steps) -> Report:
    """The import, step by step, each step's writes in transactions of their own (inside the caller's, if any).
    Every step adds nothing twice, so running it again after a stop part-way finishes the import."""
    with transaction.atomic():
        here = steps.report_for("setup", report)
        _settings(user, data.get("settings"), here)
        need_map = needs_import(user, data.get("needs") or [], here)
        prompt_map = _personal_prompts(user, data.get("personal_prompts") or [], here)
        steps.count("setup", here, settled=records_in(data, "needs", "personal_prompts"))
    here = steps.report_for("checkins", report)
    planned = checkins_import(
        user, data.get("checkins") or [], need_map, here, alive=lambda: steps.alive("checkins")
    )
    _in_batches("checkins", planned, functools.partial(checkins_write, user), steps, here, records_in(data, "checkins"))  # fmt: skip
    with transaction.atomic():
        here = steps.report_for("people", report)
        statements_import(user, data.get("statements") or [], need_map, here)
        love_profile_import(user, data.get("love_profile"), need_map, here)
        relationships_import(user, data.get("relationships") or [], need_map, here)
        steps.count("people", here, settled=records_in(data, "statements", "relationships"))
    here = steps.report_for("reflections", report)
    known = Remembered(user, "reflection")
    alive = functools.partial(steps.alive, "reflections")
    planned = _reflections(user, data.get("reflections") or [], need_map, prompt_map, here, known, alive)
    write = functools.partial(_reflections_write, user, known)
    _in_batches("reflections", planned, write, steps, here, records_in(data, "reflections"))
    steps.alive("numbers")
    with transaction.atomic():
        # Check-ins and reflections went in bulk, past the services that keep these up to date on each write.
        if report.imported["checkins"] or report.imported["reflections"]:
            derived_rebuild(user=user)
        steps.finish(report)
    return report


def _in_batches(step: str, planned: list, write, steps: Steps, here: Report, records: int) -> None:
    with transaction.atomic():
        steps.count(step, here, settled=records - len(planned))
    size = WRITE_BATCH[step]
    for start in range(0, len(planned), size):
        batch = planned[start : start + size]
        with transaction.atomic():
            write(batch)
            steps.wrote(step, len(batch))


def _settings(user, settings, report: Report) -> None:
    if not isinstance(settings, dict):
        return
    form = ProfileSettingsForm(
        form_data({k: settings.get(k) for k in ("time_zone", "day_ends_at", "low_score_threshold", "colour_mode")}
              | {"show_streak": "on" if settings.get("show_streak") else None}),
        instance=profile_for(user),
    )  # fmt: skip
    if form.is_valid():
        settings_save(user=user, profile=form.cleaned_data)
    else:
        report.refuse("settings", 0, form_errors(form))
    if (
        "display_name" in settings or "partner_emails" in settings
    ):  # files from before these settings lack them
        profile = profile_for(user)
        values = {"display_name": settings.get("display_name", profile.display_name)}
        if settings.get("partner_emails", profile.partner_emails) is True:
            values["partner_emails"] = "on"
        form = PartnerSettingsForm(form_data(values))
        if form.is_valid():
            settings_save(user=user, profile=form.cleaned_data)
        else:
            report.refuse("settings", 0, form_errors(form))
    reminders = settings.get("reminders")
    if isinstance(reminders, dict):
        values = {k: reminders.get(k) for k in ("daily_time", "weekly_day", "weekly_time")}
        values |= {k: "on" for k in ("daily_enabled", "weekly_enabled") if reminders.get(k)}
        # How each kind is sent (files from before push lack it: the saved choice stays). A server without push
        # keeps every reminder an email, as its settings page does.
        values |= {k: reminders[k] for k in CHANNEL_FIELDS if k in reminders}
        form = ReminderForm(form_data(values), instance=reminder_for(user), push_available=push_enabled())
        if form.is_valid():
            settings_save(user=user, reminders=form.cleaned_data)
        else:
            report.refuse("settings", 0, form_errors(form))


def _personal_prompts(user, records, report: Report) -> dict:
    mapping = {}
    for index, record in enumerate(records):
        source = source_of(record)
        known = seen(user, "prompt", source)
        if known:
            mapping[source] = known
            report.unchanged["personal_prompts"] += 1
            continue
        values = {k: record.get(k) for k in ("text", "category", "step")}
        values["is_active"] = "on" if record.get("active", True) else None
        form = PersonalPromptForm(form_data(values))
        if not form.is_valid():
            report.refuse("personal_prompts", index, form_errors(form))
            continue
        prompt = personal_prompt_save(user=user, data=form.cleaned_data)
        if source:
            mapping[source] = str(prompt.pk)
        remember(user, "prompt", source, prompt.pk)
        report.imported["personal_prompts"] += 1
    return mapping


def _reflections(
    user, records, need_map: dict, prompt_map: dict, report: Report, known: Remembered, alive
) -> list:
    """Reflections pass ReflectionForm (plain_values.py spares it where it would change nothing). Returns what
    to write, sealed, for `_reflections_write` in batches: (row, linked needs, texts to index, source id)."""
    today = local_today(user)
    prompts = dict(Prompt.objects.values_list("slug", "pk"))
    seal = functools.partial(seal_text, user, label=Reflection._meta.label_lower)
    now = timezone.now()
    planned = []
    for index, record in enumerate(records):
        if index % ALIVE_EVERY == ALIVE_EVERY - 1:
            alive()
        source = source_of(record)
        if known.seen(source):
            report.unchanged["reflections"] += 1
            continue
        label = record["label"] if isinstance(record.get("label"), str) else ""
        need_ids = record.get("needs") or []
        if any(n not in need_map for n in need_ids):
            report.refuse(
                "reflections", index, "it links to a need that isn’t in this file or in your account", label
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
        cleaned = reflection_values(values, today)
        if cleaned is None:
            form = ReflectionForm(form_data(values), owner=user, today=today, linked_needs=values["needs"])
            if not form.is_valid():
                report.refuse("reflections", index, form_errors(form), label)
                continue
            cleaned = form_values(form.cleaned_data)
        pk = uuid.uuid4()
        # Created one microsecond apart, in the file's order: the exports list a day's reflections by it.
        created = now + dt.timedelta(microseconds=len(planned))
        row = (pk, user.pk, cleaned["date"], seal(cleaned["title"], row_id=pk, field="title"),
               seal(cleaned["body"], row_id=pk, field="body"), cleaned["prompt"], cleaned["personal_prompt"],
               cleaned["anxiety"], cleaned["confidence"], 1, None, None, created, created)  # fmt: skip
        links = [(pk, need) for need in {canonical(str(n)) for n in cleaned["needs"]}]
        planned.append((row, links, (pk, cleaned["title"], cleaned["body"]), source))
        known.remember(source, pk)
        report.imported["reflections"] += 1
        report.need_links += len(links)
    return planned


def _reflections_write(user, known: Remembered, batch: list) -> None:
    """Write planned reflections in bulk, with their linked needs, their search terms and their source ids."""
    rows_insert(Reflection, REFLECTION_COLUMNS, [row for row, _, _, _ in batch])
    rows_insert(
        Reflection.needs.through, ("reflection", "need"), [link for _, links, _, _ in batch for link in links]
    )
    index_add(user=user, texts=[texts for _, _, texts, _ in batch])
    known.save(source for _, _, _, source in batch)
