"""Export everything a person owns, decrypted for them: JSON (for import), Markdown zip, CSV.

Each export streams: rows are read in chunks, each chunk's texts opened together (`reveal_each`), and
written as they come, so a ten-year journal starts downloading at once and never sits whole in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import zipfile
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from journal.models import PersonalPrompt, Reflection, Reminder
from needs.models.needs import CheckIn, Need
from needs.models.relationships import PausePlan, Relationship
from needs.models.sharing import LoveProfile, Statement
from needs.privacy.crypto import reveal_each
from needs.services.accounts import profile_for

SCHEMA_VERSION = 1

CHUNK = 500


def _in_range(queryset, field: str, date_from: dt.date | None, date_to: dt.date | None):
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lte": date_to})
    return queryset


def _revealed(queryset, *, user) -> Iterator:
    """The queryset's rows, read CHUNK at a time, each with its texts opened on `record.plain`."""
    for chunk in itertools.batched(queryset.iterator(chunk_size=CHUNK), CHUNK, strict=False):
        yield from reveal_each(chunk, owner=user)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def need_record(need: Need) -> dict:
    """A need as the JSON export writes it; its texts opened already (`reveal_each`)."""
    return {
        "id": str(need.pk),
        "name": need.name,
        "category": need.category,
        "importance": need.importance,
        "met_looks_like": need.plain.met_looks_like,
        "what_helps": need.plain.what_helps,
        "catalogue_slug": need.catalogue_need.slug if need.catalogue_need_id else None,
        "archived": need.archived_at is not None,
        "created_at": need.created_at.isoformat(),
    }


def json_chunks(*, user, date_from=None, date_to=None) -> Iterator[str]:
    """The JSON export, piece by piece. Dated records (check-ins, reflections) follow the date range."""
    profile = profile_for(user)
    reminder = Reminder.objects.for_user(user).first()
    settings = {
        "time_zone": profile.time_zone,
        "day_ends_at": profile.day_ends_at.strftime("%H:%M"),
        "low_score_threshold": profile.low_score_threshold,
        "show_streak": profile.show_streak,
        "colour_mode": profile.colour_mode,
        "reminders": {
            "daily_enabled": reminder.daily_enabled,
            "daily_time": reminder.daily_time.strftime("%H:%M"),
            "weekly_enabled": reminder.weekly_enabled,
            "weekly_day": reminder.weekly_day,
            "weekly_time": reminder.weekly_time.strftime("%H:%M"),
        }
        if reminder
        else None,
    }
    head = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "date_range": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "settings": settings,
    }
    yield _json(head)[:-1]  # leave the object open for the lists below

    yield ', "needs": ['
    needs = Need.objects.for_user(user).select_related("catalogue_need").order_by("created_at", "pk")
    for index, need in enumerate(_revealed(needs, user=user)):
        yield ("," if index else "") + _json(need_record(need))
    yield "]"

    yield ', "statements": ['
    statements = Statement.objects.for_user(user).order_by("created_at", "pk")
    for index, statement in enumerate(_revealed(statements, user=user)):
        record = {
            "need": str(statement.need_id),
            **{n: getattr(statement.plain, n) for n in Statement.sealed_fields},
        }
        yield ("," if index else "") + _json(record)
    yield "]"

    love_profile = LoveProfile.objects.for_user(user).first()
    love = None
    if love_profile:
        love = {
            "text": love_profile.reveal_all(owner=user).text,
            "needs": sorted(str(pk) for pk in love_profile.needs.values_list("pk", flat=True)),
        }
    yield ', "love_profile": ' + _json(love)

    yield ', "relationships": ['
    relationships = Relationship.objects.for_user(user).order_by("created_at", "pk")
    plans = {p.relationship_id: p for p in reveal_each(PausePlan.objects.for_user(user), owner=user)}
    for index, rel in enumerate(_revealed(relationships, user=user)):
        plan = plans.get(rel.pk)
        ratings = _in_range(rel.ratings.all(), "date", date_from, date_to).order_by("date", "need_id")
        record = {
            "id": str(rel.pk),
            "nickname": rel.plain.nickname,
            "kind": rel.kind,
            "ratings": [{"need": str(r.need_id), "date": r.date.isoformat(), "score": r.score} for r in ratings],
            "pause_plan": {"what_must_change": plan.plain.what_must_change,
                           "check_back_on": plan.check_back_on.isoformat()} if plan else None,
        }  # fmt: skip
        yield ("," if index else "") + _json(record)
    yield "]"

    yield ', "personal_prompts": ['
    prompts = PersonalPrompt.objects.for_user(user).order_by("created_at", "pk")
    for index, prompt in enumerate(_revealed(prompts, user=user)):
        record = {
            "id": str(prompt.pk),
            "text": prompt.plain.text,
            "category": prompt.category or None,
            "step": prompt.step,
            "active": prompt.is_active,
        }
        yield ("," if index else "") + _json(record)
    yield "]"

    yield ', "checkins": ['
    checkins = _in_range(CheckIn.objects.for_user(user), "date", date_from, date_to).order_by(
        "date", "need_id"
    )
    for index, checkin in enumerate(_revealed(checkins, user=user)):
        record = {
            "need": str(checkin.need_id),
            "date": checkin.date.isoformat(),
            "score": checkin.score,
            "note": checkin.plain.note,
        }
        yield ("," if index else "") + _json(record)
    yield "]"

    yield ', "reflections": ['
    reflections = _in_range(Reflection.objects.for_user(user).live(), "date", date_from, date_to)
    links = _links(user, reflections)
    prompts = dict(
        Reflection.objects.for_user(user).filter(prompt__isnull=False).values_list("pk", "prompt__slug")
    )
    for index, reflection in enumerate(_revealed(reflections.order_by("date", "created_at"), user=user)):
        record = {
            "id": str(reflection.pk),
            "date": reflection.date.isoformat(),
            "title": reflection.plain.title,
            "body": reflection.plain.body,
            "needs": links.get(reflection.pk, []),
            "prompt_slug": prompts.get(reflection.pk),
            "personal_prompt": str(reflection.personal_prompt_id) if reflection.personal_prompt_id else None,
            "anxiety": reflection.anxiety,
            "confidence": reflection.confidence,
            "created_at": reflection.created_at.isoformat(),
        }
        yield ("," if index else "") + _json(record)
    yield "]}"


def _links(user, reflections) -> dict:
    links: dict = {}
    through = Reflection.needs.through
    for reflection_id, need_id in (
        through.objects.filter(reflection__in=reflections.order_by().values("pk"))
        .values_list("reflection_id", "need_id")
        .iterator(chunk_size=5000)
    ):
        links.setdefault(reflection_id, []).append(str(need_id))
    for value in links.values():
        value.sort()
    return links


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…) sends data away).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A cell of the person's own text, made inert the way OWASP recommends: a leading apostrophe.

    Only text cells go through here; numbers the app writes (scores, feelings) stay numbers.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_chunks(*, user, date_from=None, date_to=None) -> Iterator[str]:
    """Check-ins and feelings, one row each, for a spreadsheet or a therapist. Text that would run as a
    formula starts with an apostrophe (`spreadsheet_text`); see README.txt in the Markdown export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(["date", "kind", "need", "category", "score", "anxiety", "self_confidence", "note"])
    yield flush()
    checkins = _in_range(CheckIn.objects.for_user(user), "date", date_from, date_to).select_related("need")
    for checkin in _revealed(checkins.order_by("date", "need__name"), user=user):
        writer.writerow(
            [checkin.date.isoformat(), "check-in", spreadsheet_text(checkin.need.name), checkin.need.category,
             checkin.score, "", "", spreadsheet_text(checkin.plain.note)]
        )  # fmt: skip
        if buffer.tell() > 64_000:
            yield flush()
    feelings = _in_range(Reflection.objects.for_user(user).live(), "date", date_from, date_to).filter(
        Q(anxiety__isnull=False) | Q(confidence__isnull=False)
    )
    for date, anxiety, confidence in (
        feelings.order_by("date").values_list("date", "anxiety", "confidence").iterator()
    ):
        writer.writerow([date.isoformat(), "feelings", "", "", "", _blank(anxiety), _blank(confidence), ""])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()


def _blank(value) -> str:
    return "" if value is None else str(value)


class _Sink(io.RawIOBase):
    """An unseekable file that hands what is written to the streaming response."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def front_matter(reflection: Reflection, *, title: str, needs: list[str], prompt: str) -> str:
    lines = ["---", f"date: {reflection.date.isoformat()}"]
    if title:
        lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
    if needs:
        lines.append("needs: [" + ", ".join(json.dumps(n, ensure_ascii=False) for n in needs) + "]")
    if prompt:
        lines.append(f"prompt: {json.dumps(prompt, ensure_ascii=False)}")
    if reflection.anxiety is not None:
        lines.append(f"anxiety: {reflection.anxiety}")
    if reflection.confidence is not None:
        lines.append(f"self_confidence: {reflection.confidence}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


README = """Your Attune export
=================

This folder holds your reflections, one Markdown file each, named by date and title. The part between
the two --- lines at the top of each file (the front matter) lists its date, title, linked needs, the
prompt it answered and your feelings ratings, if any. The text below it is exactly what you wrote.

Attune's data page offers three exports:

- Everything (JSON): every need, check-in, reflection, statement, relationship, your own prompts and
  settings, word for word. It is the only file Attune can import back; the Markdown files and the CSV
  can't be imported.
- Reflections as Markdown (this zip): for reading and keeping in any editor.
- Check-ins and feelings (CSV): for a spreadsheet. A spreadsheet treats a cell that starts with =, +, -,
  @, a tab or a carriage return as a formula and may run it. So in the CSV, a need name or a check-in
  note of yours that starts with one of those begins with an apostrophe (') that you didn't type: the
  spreadsheet then shows your words as text and runs nothing. Scores and feelings stay plain numbers.
  The JSON export has no such apostrophe: it keeps your words exactly as you wrote them.
"""


def markdown_zip_chunks(*, user, date_from=None, date_to=None) -> Iterator[bytes]:
    """A zip with one Markdown file per reflection (front matter on top) and a README.txt, streamed."""
    sink = _Sink()
    names = {str(pk): name for pk, name in Need.objects.for_user(user).values_list("pk", "name")}
    own_prompts = {p.pk: p.plain.text for p in reveal_each(PersonalPrompt.objects.for_user(user), owner=user)}
    reflections = _in_range(Reflection.objects.for_user(user).live(), "date", date_from, date_to)
    links = _links(user, reflections)
    used: set[str] = set()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attune-journal/README.txt", README)
        ordered = reflections.select_related("prompt").order_by("date", "created_at")
        for reflection in _revealed(ordered, user=user):
            title = reflection.plain.title
            prompt = reflection.prompt.text if reflection.prompt_id else ""
            if reflection.personal_prompt_id:
                prompt = own_prompts.get(reflection.personal_prompt_id, "")
            base = f"{reflection.date.isoformat()}-{slugify(title)[:50] or 'reflection'}"
            name, n = f"{base}.md", 2
            while name in used:
                name, n = f"{base}-{n}.md", n + 1
            used.add(name)
            need_names = sorted(names[pk] for pk in links.get(reflection.pk, []) if pk in names)
            text = front_matter(reflection, title=title, needs=need_names, prompt=prompt)
            text += reflection.plain.body + "\n"
            archive.writestr(f"attune-journal/{name}", text)
            chunk = sink.take()
            if chunk:
                yield chunk
    yield sink.take()
