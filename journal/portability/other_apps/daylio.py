"""Daylio's CSV export: one reflection per entry, on its day, with its mood and activities under the note."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from journal.portability.checks import ImportRefused
from journal.portability.other_apps.shared import (
    ACCEPTED,
    Converted,
    as_export,
    needs_by_name,
    reflection_records,
    shown,
    text_of,
)
from journal.portability.plain_values import TITLE_LIMIT

DAYLIO = "Daylio"
# Daylio writes the time as the phone shows it: "21:30", or "9:30 pm" (any case, "p.m." in some languages).
CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})(?::\d{2})?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE)
DAYLIO_HEADERS = (
    ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"],
    ["full_date", "date", "weekday", "time", "mood", "activities", "note"],  # before note titles
)


def from_daylio(raw: bytes, user) -> Converted:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "This CSV file isn’t UTF-8 text, so its words can’t be read faithfully. Export it from Daylio "
            "again (Daylio writes UTF-8) and import the new file."
        ) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(rows, [])]
    if header not in DAYLIO_HEADERS:
        raise ImportRefused(
            "This CSV file isn’t a Daylio export: its first line should be "
            f"“{','.join(DAYLIO_HEADERS[0])}”. {ACCEPTED}"
        )
    converted = Converted({}, source=DAYLIO)
    needs = needs_by_name(user)
    linked: set = set()
    reflections = []
    sources: dict[str, int] = {}
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportRefused(
                    f"Line {number} of this Daylio file has {len(row)} values instead of {len(header)}. "
                    "It may be damaged: export again from Daylio and import the new file."
                )
            reflections += _daylio_row(dict(zip(header, row, strict=True)), number, needs, linked, sources)
    except csv.Error:
        raise ImportRefused(
            "This Daylio file is damaged (a quoted value never ends). Export again and import the new file."
        ) from None
    converted.data = as_export(needs, linked, reflections)
    return converted


def _daylio_row(row: dict, number: int, needs, linked: set, sources: dict) -> list[dict]:
    full_date, time = row["full_date"].strip(), row["time"].strip()
    try:
        date = dt.date.fromisoformat(full_date)
        if len(full_date) != 10:
            raise ValueError
    except ValueError:
        raise ImportRefused(
            f"Line {number} of this Daylio file has “{shown(full_date)}” where a date like 2024-05-17 belongs."
        ) from None
    activities = [a.strip() for a in row["activities"].split(" | ") if a.strip()]
    need_ids = sorted({needs[a.lower()] for a in activities if a.lower() in needs})
    linked.update(need_ids)
    mood = row["mood"].strip()
    details = [f"From Daylio, at {time}" if time else "From Daylio"]
    if mood:
        details.append(f"Mood: {mood}")
    if activities:
        details.append("Activities: " + ", ".join(activities))
    note = re.sub(r"<br\s*/?>", "\n", row["note"], flags=re.IGNORECASE)
    key = f"{full_date} {_clock(time)}"
    sources[key] = sources.get(key, 0) + 1
    source = f"daylio:{key}" + (f"#{sources[key]}" if sources[key] > 1 else "")
    title = text_of(row.get("note_title", "")).strip()
    if len(title) > TITLE_LIMIT or "\n" in title:  # kept whole, at the top of the text
        note, title = f"{title}\n\n{note}", ""
    return reflection_records(
        source[:64], date, title, text_of(note), [" · ".join(details)], need_ids,
        f"Daylio entry of {full_date} {time}".strip(),
    )  # fmt: skip


def _clock(time: str) -> str:
    """The time as HH:MM whichever clock the phone used, so that the entry's source id stays the same when
    the app's 12/24-hour setting changes; a time in another shape is kept as written."""
    match = CLOCK.match(time)
    if not match:
        return time
    hour, minute, half = int(match.group(1)), int(match.group(2)), (match.group(3) or "").lower()
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    elif half:
        return time
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else time
