"""Export files of other journaling apps, built in Python from each app's published export format, for the
import tests: Day One's JSON export (a .zip with Journal.json and photos/), Daylio's CSV export, and a .zip of
daily Markdown notes as Obsidian keeps them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile

DAYLIO_HEADER = ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]


def zipped(files: dict[str, bytes | str], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def day_one_entry(
    created: dt.datetime, zone: str, text: str, *, tags=(), starred=False, photos=(), **more
) -> dict:
    """An entry as Day One's JSON export writes it (`created` in UTC)."""
    entry = {
        "uuid": uuid.uuid4().hex.upper(),
        "creationDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modifiedDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timeZone": zone,
        "text": text,
        "richText": json.dumps({"contents": [{"text": text}]}),
        "tags": list(tags),
        "starred": starred,
        "duration": 0,
        "creationDevice": "iPhone",
        "isPinned": False,
        **more,
    }
    if photos:
        entry["photos"] = [
            {
                "identifier": identifier,
                "md5": md5,
                "type": "jpeg",
                "orderInEntry": n,
                "width": 800,
                "height": 600,
            }
            for n, (identifier, md5) in enumerate(photos)
        ]
    return entry


def day_one_zip(
    entries: list[dict], *, photos: dict[str, bytes] | None = None, journal="Journal.json"
) -> bytes:
    files: dict[str, bytes | str] = {
        journal: json.dumps({"metadata": {"version": "1.0"}, "entries": entries})
    }
    for md5, content in (photos or {}).items():
        files[f"photos/{md5}.jpeg"] = content
    return zipped(files)


def day_one_years(count: int = 1000, years: int = 5, start=dt.datetime(2019, 1, 1, 8, tzinfo=dt.UTC)):
    """`count` entries over `years` years, tagged; returns (the entries, the one photo's md5)."""
    step = dt.timedelta(days=365 * years) / count
    md5 = "0cc175b9c0f1b6a831c399e269772661"
    entries = []
    for n in range(count):
        tags = ["Rest", "garden"] if n % 3 == 0 else (["walks"] if n % 3 == 1 else [])
        text = f"# Day {n}\nSlept well and walked by the river, entry {n}."
        photos = ()
        if n == 7:
            text += "\n\n![](dayone-moment://PHOTO7)\n\nThe heron again."
            photos = (("PHOTO7", md5),)
        entries.append(day_one_entry(start + step * n, "Europe/Paris", text, tags=tags, photos=photos))
    return entries, md5


def daylio_csv(rows: list[dict], header=DAYLIO_HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8")


def daylio_row(date: dt.date, time="21:30", mood="good", activities=(), note="", note_title="") -> dict:
    return {
        "full_date": date.isoformat(),
        "date": f"{date:%B} {date.day}",
        "weekday": f"{date:%A}",
        "time": time,
        "mood": mood,
        "activities": " | ".join(activities),
        "note_title": note_title,
        "note": note,
    }


def daylio_years(years: int = 3, end=dt.date(2025, 12, 31)) -> list[dict]:
    """A row per day for `years` years; every fifth day a second entry, every fourth without a note."""
    rows = []
    moods = ["rad", "good", "meh", "bad", "awful"]
    for back in range(365 * years):
        day = end - dt.timedelta(days=back)
        note = "" if back % 4 == 0 else f"Evening {back}: tea with Sam.<br>Early night."
        activities = ["friends", "Rest"] if back % 2 else ["work"]
        rows.append(daylio_row(day, "21:30", moods[back % 5], activities, note))
        if back % 5 == 0:
            rows.append(daylio_row(day, "08:05", "good", ["walk"], f"Morning {back}."))
    return rows


def daily_notes_zip(days: int = 500, start=dt.date(2023, 1, 1), extra: dict | None = None) -> bytes:
    files: dict[str, bytes | str] = {}
    for n in range(days):
        day = start + dt.timedelta(days=n)
        folder = f"Daily/{day.year}/" if n % 2 else ""
        title = f"# {day:%A %d %B}\n\n" if n % 3 == 0 else ""
        files[f"{folder}{day.isoformat()}.md"] = f"{title}- woke at 7\n- note {n}: quiet day\n"
    files.update(extra or {})
    return zipped(files)
