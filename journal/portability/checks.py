"""The first step of an import: is this file an Attune export at all, and is every value the importer
reads of the right kind? A file that fails is refused whole, before anything is written."""

from __future__ import annotations

import json
import re

from journal.services.settings import REMINDER_FIELDS

SCHEMA_VERSION = 1

# A ten-year journal exports to about 22 MB.
MAX_BYTES = 64 * 1024 * 1024


class ImportRefused(Exception):  # noqa: N818 - the whole file is refused, with a message for the person
    pass


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportRefused(
            f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB, the most Attune imports at once. "
            "Export a shorter date range at a time (the data page lets you choose one) and import each file."
        )


def parse(raw: bytes) -> dict:
    check_size(len(raw))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefused(
            "This file isn’t JSON. Choose the .json file that Attune’s export gave you."
        ) from None
    except RecursionError:
        raise ImportRefused(
            "This file is nested far deeper than any Attune export. Choose the .json file that Attune’s "
            "export gave you."
        ) from None
    except ValueError:  # a number with thousands of digits (Python's integer conversion limit)
        raise ImportRefused(
            "This file holds a number thousands of digits long, which no Attune export has."
        ) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ImportRefused("This JSON isn’t an Attune export: it has no schema_version.")
    version = data["schema_version"]
    if type(version) is not int:
        raise ImportRefused("This JSON isn’t an Attune export: its schema_version isn’t a number.")
    if version != SCHEMA_VERSION:
        shown = str(version) if len(str(version)) <= 20 else "a number this Attune doesn’t know"
        raise ImportRefused(
            f"This export uses schema version {shown}; this Attune reads version {SCHEMA_VERSION}."
        )
    return data


# What the importer reads from a file, by example: a dict is a record (other keys are ignored, a missing
# or null key is empty), a one-item list is a list of such items, and the leaves say what a value may be.
ID = "id"  # text of at most 64 characters: a record's id or a reference to one

TEXT = "text"  # text (a slug)

VALUE = "value"  # text, a number, true or false; the record's form decides whether it fits

_RATING = {"need": ID, "date": VALUE, "score": VALUE}

SHAPE = {
    "settings": {
        **dict.fromkeys(
            (
                "time_zone",
                "day_ends_at",
                "low_score_threshold",
                "show_streak",
                "colour_mode",
                "display_name",
                "partner_emails",
            ),
            VALUE,
        ),  # fmt: skip
        "reminders": dict.fromkeys(REMINDER_FIELDS, VALUE),
    },
    "needs": [
        {"id": ID, "catalogue_slug": TEXT}
        | dict.fromkeys(("name", "category", "importance", "met_looks_like", "what_helps", "archived"), VALUE)
    ],
    "personal_prompts": [{"id": ID} | dict.fromkeys(("text", "category", "step", "active"), VALUE)],
    "checkins": [{"need": ID, "date": VALUE, "score": VALUE, "note": VALUE}],
    "statements": [{"need": ID} | dict.fromkeys(("observation", "feeling", "need_words", "request"), VALUE)],
    "love_profile": {"text": VALUE, "needs": [ID]},
    "relationships": [
        {
            "id": ID,
            "nickname": VALUE,
            "kind": VALUE,
            "needs": [ID],
            "ratings": [_RATING],
            "pause_plan": {"what_must_change": VALUE, "check_back_on": VALUE},
        }
    ],
    "reflections": [
        {"id": ID, "needs": [ID], "prompt_slug": TEXT, "personal_prompt": ID}
        | dict.fromkeys(("date", "title", "body", "anxiety", "confidence"), VALUE)
    ],
}


EXPECTED = {
    ID: "an id (text of at most 64 characters)",
    TEXT: "text",
    VALUE: "text, a number, true or false",
}


# PostgreSQL can't store NUL in text, and an unpaired surrogate isn't a character at all: no export has them.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_shape(data: dict) -> None:
    """Refuse the whole file when any value the importer reads is of the wrong kind: nothing is written yet."""
    _check(data, SHAPE, "")


def _check(value, shape, where: str) -> None:
    # Recursion follows SHAPE (five levels at most), never the file: deeper parts of a file are not read.
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise _wrong(where, "a record (an object)")
        for key, inner in shape.items():
            if value.get(key) is not None:
                _check(value[key], inner, f"{where} → {key}" if where else f"“{key}”")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise _wrong(where, "a list")
        for index, item in enumerate(value):
            _check(item, shape[0], f"{where} #{index + 1}")
    elif not isinstance(value, str):
        if shape != VALUE or not isinstance(value, int | float | bool):
            raise _wrong(where, EXPECTED[shape])
    elif UNSTORABLE.search(value):
        raise ImportRefused(
            f"This file holds a character no Attune export has (a NUL or an unpaired surrogate) in {where}. "
            "It may be damaged: export again and import the new file."
        )
    elif shape == ID and len(value) > 64:
        raise _wrong(where, EXPECTED[ID])


def _wrong(where: str, expected: str) -> ImportRefused:
    return ImportRefused(
        f"This file isn’t shaped like an Attune export: {where or 'the whole file'} should be {expected}. "
        "Choose the .json file that Attune’s export gave you, unedited."
    )
