"""Day One's JSON export: each entry a reflection on its local date, tags named like a need linking it, every
other detail written under the text, photos and other media counted and named for the report."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from journal.portability.checks import ImportRefused
from journal.portability.other_apps.shared import (
    Converted,
    as_export,
    basename,
    needs_by_name,
    reflection_records,
    shown,
    text_of,
    title_and_body,
)

DAY_ONE = "Day One"
MEDIA_LINK = re.compile(r"!\[[^\]\n]*\]\(dayone-moment:/*(?:([a-z]+)/)?([^)\s]*)\)")
MEDIA_KINDS = {"photos": "photo", "videos": "video", "audios": "audio recording", "pdfAttachments": "PDF"}


def from_day_one(user, journals: dict, media: dict) -> Converted:
    converted = Converted({}, source=DAY_ONE)
    needs = needs_by_name(user)
    linked: set = set()
    reflections = []
    found_entries = False
    for name, journal in journals.items():
        entries = journal.get("entries") if isinstance(journal, dict) else None
        if not isinstance(entries, list):
            continue
        found_entries = True
        journal_name = basename(name).rsplit(".", 1)[0] if len(journals) > 1 else ""
        for index, entry in enumerate(entries):
            where = f"entry #{index + 1} of “{shown(basename(name))}”"
            reflections += _day_one_entry(entry, where, journal_name, needs, linked, media, converted)
    if not found_entries:
        raise ImportRefused(
            "This Day One file holds no entries (its Journal.json has no “entries” list). Export the journal "
            "from Day One again, as JSON, and import the new .zip."
        )
    converted.data = as_export(needs, linked, reflections)
    return converted


def _day_one_entry(entry, where, journal_name, needs, linked, media, converted: Converted) -> list[dict]:
    if not isinstance(entry, dict) or not isinstance(entry.get("uuid"), str) or not entry["uuid"].strip():
        raise ImportRefused(f"This Day One file isn’t complete: {where} has no uuid.")
    moment = _instant(entry.get("creationDate"))
    if moment is None:
        raise ImportRefused(
            f"This Day One file has a date Attune can’t read: {where} has no creationDate like "
            "2021-03-04T22:15:00Z."
        )
    local = moment.astimezone(_zone(entry.get("timeZone")))
    text = text_of(entry.get("text"))
    tags = entry.get("tags") if isinstance(entry.get("tags"), list) else []
    tags = list(dict.fromkeys(t.strip() for t in tags if isinstance(t, str) and t.strip()))
    need_ids = sorted({needs[t.lower()] for t in tags if t.lower() in needs})
    linked.update(need_ids)
    other_tags = [t for t in tags if t.lower() not in needs]

    media_names = _day_one_media(entry, local, media, converted)
    text = MEDIA_LINK.sub(lambda m: f"*({_media_word(m.group(1))} not imported)*", text)

    details = [f"From Day One, written at {local:%H:%M} ({local.tzname() or 'UTC'})"]
    if journal_name:
        details.append(f"Journal: {journal_name}")
    if entry.get("starred") is True:
        details.append("Starred")
    if entry.get("isPinned") is True:
        details.append("Pinned")
    lines = [" · ".join(details)]
    if other_tags:
        lines.append("Tags: " + ", ".join(other_tags))
    place = _place(entry.get("location"))
    if place:
        lines.append("Place: " + place)
    weather = _weather(entry.get("weather"))
    if weather:
        lines.append("Weather: " + weather)
    if media_names:
        lines.append("Not imported (Attune keeps no images yet): " + ", ".join(media_names))
    title, body = title_and_body(text, short_line=True)
    return reflection_records(
        f"dayone:{entry['uuid'].strip()[:50]}", local.date(), title, body, lines, need_ids,
        f"Day One entry of {local:%Y-%m-%d %H:%M}",
    )  # fmt: skip


def _day_one_media(entry, local, media: dict, converted: Converted) -> list[str]:
    names = []
    for key, word in MEDIA_KINDS.items():
        items = entry.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            item = item if isinstance(item, dict) else {}
            md5 = str(item.get("md5") or "").lower()
            name = media.get(md5) or (f"{md5}.{item.get('type')}" if md5 and item.get("type") else "")
            name = name or str(item.get("identifier") or word)
            names.append(basename(name))
            if key == "photos":
                converted.photos_skipped += 1
            converted.skip(name, f"a {word} of the Day One entry of {local:%Y-%m-%d %H:%M}")
    return names


def _media_word(kind: str | None) -> str:
    return {"video": "A video", "audio": "An audio recording", "pdf": "A PDF"}.get(kind or "", "A photo")


def _instant(value) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:  # Day One writes UTC ("…Z"); a time without a zone is read as UTC too
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _zone(name) -> dt.tzinfo:
    """The entry's time zone; a name this server doesn't know leaves the entry on its UTC date."""
    if isinstance(name, str) and name and len(name) < 64:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC


def _place(location) -> str:
    if not isinstance(location, dict):
        return ""
    parts = [location.get(k) for k in ("placeName", "localityName", "administrativeArea", "country")]
    parts = list(dict.fromkeys(p.strip() for p in parts if isinstance(p, str) and p.strip()))
    return ", ".join(parts)


def _weather(weather) -> str:
    if not isinstance(weather, dict):
        return ""
    parts = []
    if isinstance(weather.get("conditionsDescription"), str) and weather["conditionsDescription"].strip():
        parts.append(weather["conditionsDescription"].strip())
    temperature = weather.get("temperatureCelsius")
    if isinstance(temperature, int | float) and not isinstance(temperature, bool):
        parts.append(f"{temperature:.0f} °C")
    return ", ".join(parts)
