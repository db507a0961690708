"""Export everything a person owns, decrypted for them: the JSON export (for import) here, the Markdown zip and
the CSV (for reading) in readable.py.

Each export streams in pieces of about PIECE characters: rows are read as plain values in chunks (no model
instance per check-in), each sealed text opened with one `text_opener` per field (an empty text is "" and is
never opened), so a ten-year journal starts downloading at once and never sits whole in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from journal.models import PersonalPrompt, Reflection, Reminder
from needs.models.needs import CheckIn, Need
from needs.models.relationships import PausePlan, Relationship
from needs.models.sharing import LoveProfile, Statement
from needs.privacy.crypto import reveal_each, text_opener
from needs.services.accounts import profile_for

SCHEMA_VERSION = 1

ROWS = 5000  # rows read from the database at a time

PIECE = 64 * 1024  # about this many characters (or bytes) go out at a time

# One encoder for every record: sorted keys, the person's own characters kept as they are.
ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def in_range(queryset, field: str, date_from: dt.date | None, date_to: dt.date | None):
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lte": date_to})
    return queryset


def sealed_opener(user, model, field: str):
    return text_opener(user, label=model._meta.label_lower, field=field)


def pieces(parts: Iterable[str]) -> Iterator[str]:
    """Small strings joined into pieces of at least PIECE characters (the last one may be shorter)."""
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _listed(records: Iterable[str]) -> Iterator[str]:
    """JSON texts of records, separated by commas."""
    for index, record in enumerate(records):
        yield ("," if index else "") + record


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
    return pieces(_json_parts(user, date_from, date_to))


def _head(user, date_from, date_to) -> dict:
    profile = profile_for(user)
    reminder = Reminder.objects.for_user(user).first()
    settings = {
        "time_zone": profile.time_zone,
        "day_ends_at": profile.day_ends_at.strftime("%H:%M"),
        "low_score_threshold": profile.low_score_threshold,
        "show_streak": profile.show_streak,
        "colour_mode": profile.colour_mode,
        "display_name": profile.display_name,
        "partner_emails": profile.partner_emails,
        "reminders": {
            "daily_enabled": reminder.daily_enabled,
            "daily_time": reminder.daily_time.strftime("%H:%M"),
            "weekly_enabled": reminder.weekly_enabled,
            "weekly_day": reminder.weekly_day,
            "weekly_time": reminder.weekly_time.strftime("%H:%M"),
            "daily_channel": reminder.daily_channel,
            "weekly_channel": reminder.weekly_channel,
            "check_back_channel": reminder.check_back_channel,
        }
        if reminder
        else None,
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "date_range": {
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        "settings": settings,
    }


def _json_parts(user, date_from, date_to) -> Iterator[str]:
    encode = ENCODER.encode
    yield encode(_head(user, date_from, date_to))[:-1]  # leave the object open for the lists below

    yield ', "needs": ['
    needs = Need.objects.for_user(user).select_related("catalogue_need").order_by("created_at", "pk")
    yield from _listed(encode(need_record(need)) for need in reveal_each(needs, owner=user))
    yield "]"

    yield ', "statements": ['
    statements = Statement.objects.for_user(user).order_by("created_at", "pk")
    yield from _listed(
        encode({"need": str(s.need_id), **{n: getattr(s.plain, n) for n in Statement.sealed_fields}})
        for s in reveal_each(statements, owner=user)
    )
    yield "]"

    love_profile = LoveProfile.objects.for_user(user).first()
    love = None
    if love_profile:
        love = {
            "text": love_profile.reveal_all(owner=user).text,
            "needs": sorted(str(pk) for pk in love_profile.needs.values_list("pk", flat=True)),
        }
    yield ', "love_profile": ' + encode(love)

    yield ', "relationships": ['
    relationships = Relationship.objects.for_user(user).order_by("created_at", "pk").prefetch_related("needs")
    plans = {p.relationship_id: p for p in reveal_each(PausePlan.objects.for_user(user), owner=user)}
    records = []
    for rel in reveal_each(relationships, owner=user):
        plan = plans.get(rel.pk)
        ratings = in_range(rel.ratings.all(), "date", date_from, date_to).order_by("date", "need_id")
        records.append(encode({
            "id": str(rel.pk),
            "nickname": rel.plain.nickname,
            "kind": rel.kind,
            "needs": sorted(str(need.pk) for need in rel.needs.all()),
            "ratings": [{"need": str(need), "date": date.isoformat(), "score": score}
                        for need, date, score in ratings.values_list("need_id", "date", "score")],
            "pause_plan": {"what_must_change": plan.plain.what_must_change,
                           "check_back_on": plan.check_back_on.isoformat()} if plan else None,
        }))  # fmt: skip
    yield from _listed(records)
    yield "]"

    yield ', "personal_prompts": ['
    prompts = PersonalPrompt.objects.for_user(user).order_by("created_at", "pk")
    yield from _listed(
        encode({"id": str(p.pk), "text": p.plain.text, "category": p.category or None, "step": p.step,
                "active": p.is_active})
        for p in reveal_each(prompts, owner=user)
    )  # fmt: skip
    yield "]"

    yield ', "checkins": ['
    yield from _listed(_checkin_records(user, date_from, date_to))
    yield "]"

    yield ', "reflections": ['
    yield from _listed(_reflection_records(user, date_from, date_to))
    yield "]}"


def _checkin_records(user, date_from, date_to) -> Iterator[str]:
    """Each check-in as `json.dumps(record, sort_keys=True, ensure_ascii=False)` writes it, built from a
    template: dates and ids need no escaping, and the note goes through the encoder."""
    open_note = sealed_opener(user, CheckIn, "note")
    checkins = in_range(CheckIn.objects.for_user(user), "date", date_from, date_to).order_by(
        "date", "need_id"
    )
    need_ids: dict = {}
    for need_id, date, score, note, pk in checkins.values_list(
        "need_id", "date", "score", "note", "pk"
    ).iterator(chunk_size=ROWS):
        need = need_ids.get(need_id)
        if need is None:
            need = need_ids[need_id] = str(need_id)
        text = ENCODER.encode(open_note(pk, note)) if note else '""'
        yield f'{{"date": "{date.isoformat()}", "need": "{need}", "note": {text}, "score": {score}}}'


def _links(user, reflections) -> dict:
    links: dict = {}
    through = Reflection.needs.through
    for reflection_id, need_id in (
        through.objects.filter(reflection__in=reflections.order_by().values("pk"))
        .values_list("reflection_id", "need_id")
        .iterator(chunk_size=ROWS)
    ):
        links.setdefault(reflection_id, []).append(str(need_id))
    for value in links.values():
        value.sort()
    return links


REFLECTION_VALUES = (
    "pk",
    "date",
    "title",
    "body",
    "prompt_id",
    "personal_prompt_id",
    "anxiety",
    "confidence",
)


def reflection_rows(user, date_from, date_to) -> tuple[Iterator[tuple], dict]:
    """The live reflections in the range as rows of REFLECTION_VALUES + created_at, title and body opened,
    in the order of the exports; and their linked needs' ids by reflection."""
    reflections = in_range(Reflection.objects.for_user(user).live(), "date", date_from, date_to)
    links = _links(user, reflections)
    open_title, open_body = sealed_opener(user, Reflection, "title"), sealed_opener(user, Reflection, "body")
    rows = (
        reflections.order_by("date", "created_at")
        .values_list(*REFLECTION_VALUES, "created_at")
        .iterator(chunk_size=500)
    )
    opened = (
        (pk, date, open_title(pk, title), open_body(pk, body), *rest) for pk, date, title, body, *rest in rows
    )
    return opened, links


def _reflection_records(user, date_from, date_to) -> Iterator[str]:
    rows, links = reflection_rows(user, date_from, date_to)
    slugs = dict(
        Reflection.objects.for_user(user).filter(prompt__isnull=False).values_list("pk", "prompt__slug")
    )
    for pk, date, title, body, _prompt, personal_prompt, anxiety, confidence, created_at in rows:
        yield ENCODER.encode({
            "id": str(pk),
            "date": date.isoformat(),
            "title": title,
            "body": body,
            "needs": links.get(pk, []),
            "prompt_slug": slugs.get(pk),
            "personal_prompt": str(personal_prompt) if personal_prompt else None,
            "anxiety": anxiety,
            "confidence": confidence,
            "created_at": created_at.isoformat(),
        })  # fmt: skip
