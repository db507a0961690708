"""The needs side of an import: needs, check-ins, statements, the love profile and relationships (with their
ratings and pause plans). Each record passes the web page's form, then the service the page uses; check-ins,
a hundred thousand in ten years, are validated the same way (plain_values.py spares the form where it would
change nothing) and written in bulk."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from journal.portability.plain_values import checkin_values
from journal.portability.records import (
    Report,
    form_data,
    form_errors,
    journal_date,
    remember,
    seen,
    source_of,
)
from needs.forms.checkins import CheckInEditForm
from needs.forms.needs import NeedForm
from needs.forms.relationships import PausePlanForm, RelationshipForm
from needs.forms.sharing import LoveProfileForm, StatementForm
from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.models.relationships import PausePlan, Relationship
from needs.models.sharing import Statement
from needs.privacy.crypto import reveal_each, seal_text, text_opener
from needs.services.accounts import local_today
from needs.services.derived import person_lock
from needs.services.needs import NeedNameTaken, need_save
from needs.services.relationships import pause_plan_save, relationship_create, relationship_ratings_save
from needs.services.sharing import love_profile_save, statement_save
from needs.services.writes import rows_insert

BATCH = 2000
ALIVE_EVERY = 20_000

NEED_FIELDS = ("name", "category", "importance", "met_looks_like", "what_helps")


def needs_import(user, records, report: Report) -> dict:
    mapping = {}
    existing = {n.name.lower(): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
        source = record.get("id")
        known = seen(user, "need", source)
        match = existing.get(str(record.get("name", "")).strip().lower())
        if known or match:
            if source:
                mapping[source] = known or str(match.pk)
            report.unchanged["needs"] += 1
            continue
        form = NeedForm(form_data({k: record.get(k) for k in NEED_FIELDS}), owner=user)
        if not form.is_valid():
            report.refuse("needs", index, form_errors(form))
            continue
        slug = record.get("catalogue_slug")
        try:
            need = need_save(
                user=user,
                **{k: form.cleaned_data[k] for k in NEED_FIELDS},
                catalogue_need=CatalogueNeed.objects.filter(slug=slug).first() if slug else None,
                archived=bool(record.get("archived")),
            )
        except NeedNameTaken:  # added in another window since the check above
            report.refuse("needs", index, "name: you already have a need with this name")
            continue
        existing[need.name.lower()] = need
        if source:
            mapping[source] = str(need.pk)
        remember(user, "need", source, need.pk)
        report.imported["needs"] += 1
    return mapping


def checkins_import(user, records, need_map: dict, report: Report, alive=None) -> list[tuple]:
    """Check-ins are matched by (need, date): one already here with the same score and note is unchanged,
    another is updated. Validates every record and returns what to write, as (need, date, score, note, the
    check-in here to update or None), for `checkins_write` in batches; nothing is written yet. Run again after
    some batches were written, it returns only the rest (the written ones are now "already here"). `alive` is
    called every ALIVE_EVERY records."""
    today = local_today(user)
    needs = {str(pk): pk for pk in Need.objects.for_user(user).values_list("pk", flat=True)}
    stored = {
        (need_id, date): (pk, score, note)
        for need_id, date, pk, score, note in CheckIn.objects.for_user(user)
        .values_list("need_id", "date", "pk", "score", "note")
        .iterator(chunk_size=BATCH)
    }
    open_note = text_opener(user, label=CheckIn._meta.label_lower, field="note")
    dates: dict = {}
    wanted: dict = {}
    for index, record in enumerate(records):
        if alive and index % ALIVE_EVERY == ALIVE_EVERY - 1:
            alive()
        need = needs.get(need_map.get(record.get("need"), ""))
        if need is None:
            report.refuse("checkins", index, "it points at a need that isn’t in this file or in your account")
            continue
        date = _date(record.get("date"), today, dates)
        if isinstance(date, str):
            report.refuse("checkins", index, date)
            continue
        values = checkin_values(record)
        if values is None:
            form = CheckInEditForm(form_data({"score": record.get("score"), "note": record.get("note", "")}))
            if not form.is_valid():
                report.refuse("checkins", index, form_errors(form))
                continue
            values = form.cleaned_data["score"], form.cleaned_data["note"]
        key = (need, date)
        current = wanted.get(key)
        if current is None and key in stored:
            pk, score, note = stored[key]
            current = (
                (score, open_note(pk, note)) if score == values[0] else None
            )  # a note opens only if needed
        if current == values:
            report.unchanged["checkins"] += 1
            continue
        wanted[key] = values
        report.imported["checkins"] += 1
    return [
        (need, date, score, note, (stored.get((need, date)) or (None,))[0])
        for (need, date), (score, note) in wanted.items()
    ]


def _date(value, today: dt.date, known: dict) -> dt.date | str:
    """`journal_date`, remembered per value (a file holds each date once per need): a date or a reason."""
    key = (type(value), value)
    if key not in known:
        try:
            known[key] = journal_date(value, today)
        except ValidationError as error:
            known[key] = error.messages[0]
    return known[key]


CHECKIN_COLUMNS = ("id", "owner", "need", "date", "score", "note", "created_at", "updated_at")


def checkins_write(user, items: list[tuple]) -> None:
    """Write check-ins planned by `checkins_import`, in bulk (the caller rebuilds what is derived from them).
    The person's turn first, as every check-in write: a check-in saved meanwhile waits for the batch."""
    person_lock(user.pk)
    now = timezone.now()
    seal = functools.partial(seal_text, user, label=CheckIn._meta.label_lower, field="note")
    new, changed = [], []
    for need, date, score, note, found in items:
        pk = found or uuid.uuid4()
        sealed = seal(note, row_id=pk) if note else ""
        if found:
            changed.append(CheckIn(id=pk, owner_id=user.pk, score=score, note=sealed, updated_at=now))
        else:
            new.append((pk, user.pk, need, date, score, sealed, now, now))
    rows_insert(CheckIn, CHECKIN_COLUMNS, new)
    CheckIn.objects.bulk_update(changed, ["score", "note", "updated_at"], batch_size=BATCH)


def statements_import(user, records, need_map: dict, report: Report) -> None:
    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    existing = {
        (s.need_id, tuple(getattr(s.plain, n) for n in Statement.sealed_fields))
        for s in reveal_each(Statement.objects.for_user(user), owner=user)
    }
    for index, record in enumerate(records):
        need = needs.get(need_map.get(record.get("need"), ""))
        if need is None:
            report.refuse(
                "statements", index, "it is about a need that isn’t in this file or in your account"
            )
            continue
        form = StatementForm(form_data({n: record.get(n) for n in Statement.sealed_fields}))
        if not form.is_valid():
            report.refuse("statements", index, form_errors(form))
            continue
        key = (need.pk, tuple(form.cleaned_data[n] for n in Statement.sealed_fields))
        if key in existing:
            report.unchanged["statements"] += 1
            continue
        statement_save(user=user, need=need, **form.cleaned_data)
        existing.add(key)
        report.imported["statements"] += 1


def love_profile_import(user, record, need_map: dict, report: Report) -> None:
    if not isinstance(record, dict):
        return
    form = LoveProfileForm(
        form_data(
            {"text": record.get("text"), "needs": [need_map.get(n, "") for n in record.get("needs") or []]}
        ),
        owner=user,
    )
    if not form.is_valid():
        report.refuse("love_profile", 0, form_errors(form))
        return
    love_profile_save(user=user, text=form.cleaned_data["text"], needs=form.cleaned_data["needs"])


def relationships_import(user, records, need_map: dict, report: Report) -> None:
    today = local_today(user)
    needs = {str(n.pk): n for n in Need.objects.for_user(user)}
    for index, record in enumerate(records):
        source = source_of(record)
        known = seen(user, "relationship", source)
        if known:
            rel = Relationship.objects.for_user(user).get(pk=known)
            report.unchanged["relationships"] += 1
        else:
            form = RelationshipForm(
                form_data({"nickname": record.get("nickname"), "kind": record.get("kind")})
            )
            if not form.is_valid():
                report.refuse("relationships", index, form_errors(form))
                continue
            chosen = [needs.get(need_map.get(n, "")) for n in record.get("needs") or []]
            if None in chosen:
                report.refuse("relationships", index, "a need that matters with them is not in the file")
            rel = relationship_create(user=user, **form.cleaned_data, needs=[n for n in chosen if n])
            remember(user, "relationship", source, rel.pk)
            report.imported["relationships"] += 1
        ratings, bad = _ratings(record.get("ratings") or [], needs, need_map, today)
        for _ in range(bad):
            report.refuse(
                "relationships", index, "a rating has an unknown need, a bad date or a score outside 0–10"
            )
        relationship_ratings_save(user=user, relationship=rel, ratings=ratings)
        plan = record.get("pause_plan")
        if isinstance(plan, dict) and not PausePlan.objects.for_user(user).filter(relationship=rel).exists():
            # The pause plan page's own form. Only its "a day after today" rule is left out: a plan whose
            # day has passed is part of the journal being moved and is kept as it was, marked as reminded,
            # so no email goes out about a day that is over (an export doesn't say whether one did).
            form = PausePlanForm(
                form_data({n: plan.get(n) for n in ("what_must_change", "check_back_on")}), today=dt.date.min
            )
            if not form.is_valid():
                report.refuse("relationships", index, f"its pause plan: {form_errors(form)}")
                continue
            check_back = form.cleaned_data["check_back_on"]
            pause_plan_save(
                user=user,
                relationship=rel,
                what_must_change=form.cleaned_data["what_must_change"],
                check_back_on=check_back,
                reminded_on=today if check_back <= today else None,
            )


def _ratings(records, needs: dict, need_map: dict, today: dt.date) -> tuple[list, int]:
    """The (need, date, score) ratings of one relationship that can be saved, and how many cannot."""
    good, bad = [], 0
    for rating in records:
        need = needs.get(need_map.get(rating.get("need"), ""))
        try:
            date = journal_date(rating.get("date"), today) if need else None
            score = int(str(rating.get("score")))  # through str: a float (even inf) is refused, not cut
        except (ValidationError, ValueError):
            date = None
        if need is None or date is None or not 0 <= score <= 10:
            bad += 1
        else:
            good.append((need, date, score))
    return good, bad
