"""A .zip of daily notes: each file named by date (YYYY-MM-DD….md or .txt) a reflection on that date."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter

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
    keys = _stable_keys(list(texts))
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
        digest = hashlib.sha256(keys[path].encode("utf-8")).hexdigest()[:40]
        reflections += reflection_records(f"note:{digest}", date, title, body, [], [], f"“{shown(path)}”")
    converted.data = as_export({}, set(), reflections)
    return converted


def _stable_keys(paths: list[str]) -> dict[str, str]:
    """What a note's source id is made from, so that the same notes zipped under another top folder, or from
    inside a folder, or moved between folders, are known again: the file's name when no other note has it
    (a note at the top of the zip keeps the id it always had), else its path below the folder all the notes
    share."""
    names = Counter(basename(path) for path in paths)
    folders = [path.split("/")[:-1] for path in paths]
    common = 0
    if folders:
        shortest = min(folders, key=len)
        while common < len(shortest) and all(f[common] == shortest[common] for f in folders):
            common += 1
    return {
        path: basename(path) if names[basename(path)] == 1 else "/".join(path.split("/")[common:])
        for path in paths
    }
