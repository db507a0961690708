"""The values nearly every check-in and reflection of an export holds, accepted without building a form.

A ten-year export holds 146,000 check-ins; a form per record would take longer than a request may. Each
function here returns what the page's form would clean the record to, but only when that is plainly the value
itself (an int from 0 to 10, text with nothing to trim, an ISO date in range); otherwise it returns None and
the importer runs the form, for its cleaning or its exact message. tests/journal/test_import_plain_values.py
checks that the two always agree.
"""

from __future__ import annotations

import datetime as dt

from journal.forms import ReflectionForm
from needs.forms.checkins import CheckInEditForm

NOTE_LIMIT = CheckInEditForm.base_fields["note"].max_length
TITLE_LIMIT = ReflectionForm.base_fields["title"].max_length
BODY_LIMIT = ReflectionForm.base_fields["body"].max_length
OLDEST = dt.date(1900, 1, 1)


def plain_text(value, limit: int) -> str | None:
    """Text the form keeps exactly as it is (a missing value is ""), or None."""
    if value is None:
        return ""
    if (
        type(value) is str
        and len(value) <= limit
        and "\r" not in value
        and "\x00" not in value
        and value.strip() == value
    ):
        return value
    return None


def plain_score(value) -> int | None:
    """A score or a feeling from 0 to 10 given as a number (not true/false, not text), or None."""
    return value if type(value) is int and 0 <= value <= 10 else None


def plain_date(value, today: dt.date) -> dt.date | None:
    """A YYYY-MM-DD date from 1900 to today, or None."""
    if type(value) is not str or len(value) != 10:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return date if OLDEST <= date <= today and date.isoformat() == value else None


def checkin_values(record: dict) -> tuple[int, str] | None:
    """A check-in's (score, note) as CheckInEditForm cleans them, or None: run the form."""
    score = plain_score(record.get("score"))
    note = plain_text(record.get("note", ""), NOTE_LIMIT)
    if score is None or note is None:
        return None
    return score, note


def reflection_values(values: dict, today: dt.date) -> dict | None:
    """A reflection's cleaned values as ReflectionForm gives them (needs and prompts as ids, which the importer
    took from this account), or None: run the form."""
    date = plain_date(values["date"], today)
    title = plain_text(values["title"], TITLE_LIMIT)
    body = plain_text(values["body"], BODY_LIMIT)
    feelings = {}
    for name in ("anxiety", "confidence"):
        value = values[name]
        feelings[name] = None if value is None else plain_score(value)
        if value is not None and feelings[name] is None:
            return None
    if date is None or title is None or not body or (values["prompt"] and values["personal_prompt"]):
        return None
    return {
        "date": date,
        "title": title,
        "body": body,
        "needs": list(values["needs"]),
        "prompt": values["prompt"],
        "personal_prompt": values["personal_prompt"],
        **feelings,
    }


def form_values(cleaned: dict) -> dict:
    """ReflectionForm's cleaned data in the shape `reflection_values` gives."""
    return {
        "date": cleaned["date"],
        "title": cleaned["title"],
        "body": cleaned["body"],
        "needs": [need.pk for need in cleaned["needs"]],
        "prompt": cleaned["prompt"].pk if cleaned["prompt"] else None,
        "personal_prompt": cleaned["personal_prompt"].pk if cleaned["personal_prompt"] else None,
        "anxiety": cleaned["anxiety"],
        "confidence": cleaned["confidence"],
    }
