"""A .zip of daily notes: each file named by date (YYYY-MM-DD….md or .txt) a reflection on that date."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from journal.portability.other_apps.shared import (
    Converted,
    as_export,
    basename,
    reflection_records,
    shown,
    text_of,
    title_and_body,
)

NOTES = "daily notes"
DATED_NOTE = re.compile(r"^(\d{4}-\d{2}-\d{2})[^/]*\.(md|markdown|txt)$", re.IGNORECASE)


def from_notes(user, texts: dict, converted: Converted) -> Converted:
    reflections = []
    for path in sorted(texts):
        day = DATED_NOTE.match(basename(path)).group(1)
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            converted.skip(path, f"{day} isn’t a date")
            continue
        text = text_of(texts[path])
        if not text.strip():
            converted.skip(path, "the file is empty")
            continue
        title, body = title_and_body(text, short_line=False)
        digest = hashlib.sha256(path.encode("utf-8")).hexdigest()[:40]
        reflections += reflection_records(f"note:{digest}", date, title, body, [], [], f"“{shown(path)}”")
    converted.data = as_export({}, set(), reflections)
    return converted
