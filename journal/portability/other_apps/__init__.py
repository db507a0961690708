"""Files from other journaling apps, turned into the shape of an Attune export so that the rest of the import
(checks, forms, idempotency, the background job, the report) is the one Attune's own files go through.

- Day One's JSON export: a .zip holding `Journal.json` (and one `<Journal name>.json` per other journal) and
  `photos/`; or one of those .json files alone. Each entry becomes a reflection on its *local* date (its
  creation time in its own time zone). Tags named like one of the person's needs link that need; the other
  tags, "starred", the local time, place and weather are written under the entry's text, so nothing the
  person wrote is lost. Photos (and other media) are counted and named in the report: Attune keeps no images.
- Daylio's CSV export: one reflection per entry (Daylio's entries are moments of a day, each with its own
  mood), on its `full_date`, with its mood and activities written under the note; an activity named like a
  need links it. An entry with a mood and no note is kept too.
- A .zip of daily notes (`YYYY-MM-DD….md` or `.txt`, in any folder, as Obsidian exports them): each file
  becomes a reflection on its date; every other file is named in the report as not imported.

Every record carries a stable source id (Day One's uuid, Daylio's date and time on a 24-hour clock, the note's
name or its path below the notes' shared folder), so importing the same file again adds nothing. Files in
hidden folders (`.obsidian/`, `.trash/`, `__MACOSX/`) are never read as a journal or a note. A text longer
than a reflection may be is split into parts at paragraph breaks, each part saying which it is: never cut;
lines under an entry longer than half a reflection (thousands of tags) become parts of their own. Zips are
read in memory, with their number of entries counted from the zip's own directory before it is opened, and
a limit on the text they unpack to; nothing is extracted to disk.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

from journal.portability.checks import ImportRefused, check_size, parse
from journal.portability.other_apps.day_one import from_day_one
from journal.portability.other_apps.daylio import from_daylio
from journal.portability.other_apps.notes import DATED_NOTE, NOTES, from_notes
from journal.portability.other_apps.shared import ACCEPTED, Converted, basename, shown

__all__ = ["Converted", "read"]

# A zip with more files than this is not a journal export (Day One's holds one file per photo).
MAX_FILES = 50_000
# The text read from a zip (journals, notes) may unpack to this much: the converted file must stay below
# the size the importer reads (MAX_BYTES), with room for the lines added under each entry.
MAX_TEXT = 48 * 1024 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# The zip format's records read to count the entries before opening it (APPNOTE.TXT 4.3.12-4.3.16).
EOCD, EOCD_SIZE = b"PK\x05\x06", 22
ZIP64_LOCATOR, ZIP64_LOCATOR_SIZE = b"PK\x06\x07", 20
ZIP64_EOCD, ZIP64_EOCD_SIZE = b"PK\x06\x06", 56
CENTRAL = b"PK\x01\x02"


def read(raw: bytes, *, user) -> Converted:
    """The file, whichever of the accepted kinds it is, as an Attune export. `ImportRefused` (with a message
    for the person) for a file that is none of them or is damaged: nothing is stored then."""
    check_size(len(raw))
    if raw.startswith(ZIP_MAGIC):
        return _from_zip(raw, user)
    text_start = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text_start[:1] in (b"{", b"["):
        data = parse(raw) if b'"schema_version"' in raw[:4096] else _json(raw)
        if "schema_version" in data:
            return Converted(data)
        return from_day_one(user, {"Journal.json": data}, {})
    first_line = text_start.split(b"\n", 1)[0].strip()
    if b"full_date" in first_line or b"," in first_line:
        return from_daylio(raw, user)
    raise ImportRefused(f"Attune can’t read this file. {ACCEPTED}")


def _json(raw: bytes) -> dict:
    """A JSON file: Attune's own export (checked by `parse`), or Day One's journal."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return parse(raw)  # its message says what is wrong
    if isinstance(data, dict) and "schema_version" not in data and "entries" in data:
        return data
    return parse(raw)


# --- Zips --------------------------------------------------------------------------------------------------


def _from_zip(raw: bytes, user) -> Converted:
    _check_entry_count(raw)  # before zipfile builds an object for every entry
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ImportRefused(
            "This .zip file is damaged or cut off, so it can’t be opened. Export again and import the new file."
        ) from None
    notes = [i for i in infos if DATED_NOTE.match(basename(i.filename)) and not _hidden(i.filename)]
    journals = [i for i in infos if i.filename.lower().endswith(".json") and not _hidden(i.filename)]
    if journals:
        parsed = {}
        for name, text in _texts(archive, journals).items():
            try:
                parsed[name] = json.loads(text)
            except (ValueError, RecursionError):
                if notes:  # a vault's own JSON file, beside its daily notes
                    continue
                raise ImportRefused(
                    f"“{shown(name)}” in this .zip isn’t readable JSON. Export from Day One again and import "
                    "the new file."
                ) from None
        if not notes or any(
            isinstance(p, dict) and isinstance(p.get("entries"), list) for p in parsed.values()
        ):
            media = {_media_key(i.filename): i.filename for i in infos if _is_media(i.filename)}
            return from_day_one(user, parsed, media)
    if not notes:
        raise ImportRefused(
            "This .zip holds neither a Day One export (a Journal.json) nor daily notes named by date "
            f"(like 2024-05-17.md). {ACCEPTED}"
        )
    converted = Converted({}, source=NOTES)
    chosen = set(map(id, notes))
    for info in infos:
        if id(info) not in chosen:
            converted.skip(info.filename, "not a daily note named by date (YYYY-MM-DD….md or .txt)")
    return from_notes(user, _texts(archive, notes), converted)


def _check_entry_count(raw: bytes) -> None:
    """Refuses a zip whose central directory lists more than MAX_FILES entries, reading only its bytes: the
    end record's count, and the directory's records themselves (an end record may understate them). A zip
    whose end record can't be found is left to zipfile, which refuses it as damaged."""
    end = raw.rfind(EOCD, max(0, len(raw) - EOCD_SIZE - 0xFFFF))
    if end < 0 or len(raw) < end + EOCD_SIZE:
        return
    count, size = struct.unpack_from("<HI", raw, end + 10)
    directory_end = end
    locator = end - ZIP64_LOCATOR_SIZE
    if locator >= 0 and raw[locator : locator + 4] == ZIP64_LOCATOR:
        record = locator - ZIP64_EOCD_SIZE  # where zipfile reads it, just before the locator
        if record >= 0 and raw[record : record + 4] == ZIP64_EOCD:
            count, size = struct.unpack_from("<QQ", raw, record + 32)
            directory_end = record
    if count <= MAX_FILES:
        position, count = max(0, directory_end - size), 0
        while (
            count <= MAX_FILES and position + 46 <= directory_end and raw[position : position + 4] == CENTRAL
        ):
            position += 46 + sum(struct.unpack_from("<HHH", raw, position + 28))  # name, extra, comment
            count += 1
    if count > MAX_FILES:
        raise ImportRefused(
            f"This .zip holds {count:,} files, more than any journal export ({MAX_FILES:,} at most)."
        )


def _texts(archive: zipfile.ZipFile, infos: list) -> dict[str, str]:
    """The files' text, read in memory, refusing a zip that unpacks to more than MAX_TEXT or isn't UTF-8."""
    if sum(info.file_size for info in infos) > MAX_TEXT:
        raise _too_large()
    texts, total = {}, 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportRefused("This .zip is protected by a password. Export it again without one.")
        try:
            with archive.open(info) as member:
                data = member.read(MAX_TEXT - total + 1)  # never more than the limit, whatever the zip says
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            raise ImportRefused(
                f"“{shown(info.filename)}” in this .zip is damaged, so it can’t be read. Export again and "
                "import the new file."
            ) from None
        total += len(data)
        if total > MAX_TEXT:
            raise _too_large()
        try:
            texts[info.filename] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(
                f"“{shown(info.filename)}” in this .zip isn’t UTF-8 text, so its words can’t be read "
                "faithfully. Save it as UTF-8 (most editors offer this) and import the .zip again."
            ) from None
    return texts


def _too_large() -> ImportRefused:
    return ImportRefused(
        f"The text in this .zip unpacks to more than {MAX_TEXT // (1024 * 1024)} MB, more than Attune "
        "imports at once. Export a shorter period at a time and import each file."
    )


def _hidden(path: str) -> bool:
    """A file or folder of the system or of an app, not of the person: `.obsidian/app.json`, `__MACOSX/…`."""
    parts = path.split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def _is_media(path: str) -> bool:
    folders = path.split("/")[:-1]
    return bool(folders) and folders[-1] in ("photos", "videos", "audios", "pdfs")


def _media_key(path: str) -> str:
    return basename(path).rsplit(".", 1)[0].lower()
