"""What the readers of other apps' files share: the result (`Converted`), the person's needs by name, the
Attune export they build, and the rule for a reflection's title and for a text too long for one reflection."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from journal.portability.checks import UNSTORABLE
from journal.portability.plain_values import BODY_LIMIT, TITLE_LIMIT
from needs.models.needs import Need

# Names of skipped files and photos kept for the report (all are counted).
NAMED_KEPT = 200
# A first line this short, followed by more text, is the entry's title (as Day One shows it).
SHORT_LINE = 100

HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")

ACCEPTED = (
    "Attune imports its own export (.json), a Day One export (the .zip, or its Journal.json), a Daylio export "
    "(.csv) and a .zip of daily notes named by date (YYYY-MM-DD.md or .txt)."
)


@dataclass
class Converted:
    """A file read for import: the data in an Attune export's shape, and for another app's file what the
    report says besides the counts (the app, photos not imported, files not imported)."""

    data: dict
    source: str = ""
    photos_skipped: int = 0
    skipped: list = field(default_factory=list)
    skipped_total: int = 0

    def skip(self, name: str, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < NAMED_KEPT:
            self.skipped.append({"name": name, "reason": reason})


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "…"


def needs_by_name(user) -> dict[str, str]:
    """The person's needs (not archived) by their name in lower case, to link tags and activities."""
    return {
        name.strip().lower(): str(pk)
        for pk, name in Need.objects.for_user(user).filter(archived_at__isnull=True).values_list("pk", "name")
    }


def as_export(needs: dict, linked: set, reflections: list) -> dict:
    """An Attune export holding the reflections and, as records already here, the needs they link."""
    names = {pk: name for name, pk in needs.items()}
    return {
        "schema_version": 1,
        "needs": [{"id": pk, "name": names[pk]} for pk in sorted(linked)],
        "reflections": reflections,
    }


def text_of(value) -> str:
    if not isinstance(value, str):
        return ""
    # PostgreSQL can't store NUL, and half a surrogate pair is no character at all; a line break is one
    # character in a reflection, as the web form keeps it.
    return UNSTORABLE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def title_and_body(text: str, *, short_line: bool) -> tuple[str, str]:
    """A Markdown heading on the first line is the title (so is a short first line followed by more text,
    when `short_line`); otherwise there is no title and the whole text is the body."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    heading = HEADING.match(first)
    candidate = heading.group(1).strip() if heading else first.strip()
    titled = heading or (short_line and len(candidate) <= SHORT_LINE)
    if titled and rest.strip() and candidate and len(candidate) <= TITLE_LIMIT:
        return candidate, rest.strip()
    return "", text


def reflection_records(source, date, title, body, lines, need_ids, label) -> list[dict]:
    """One reflection, or several parts when the text is longer than a reflection may be."""
    notes = "\n".join(f"{line}  " for line in lines).rstrip()
    if not body and not notes:
        return []  # nothing written and nothing known about it: an empty note was skipped before
    # Room for a line saying which part it is; notes up to half a reflection go under the last part of the
    # text, longer ones (thousands of tags or activities) become parts of their own, split like text.
    room = BODY_LIMIT - 200
    if len(notes) > BODY_LIMIT // 2:
        chunks = (split_text(body, room) if body else []) + split_text(notes, room)
        notes = ""
    else:
        chunks = (split_text(body, room - len(notes)) if body else []) or [""]
    total = len(chunks)
    records = []
    for number, chunk in enumerate(chunks, start=1):
        part_title = title
        text = chunk
        if total > 1:
            part = f"part {number} of {total}"
            part_title = (
                f"{title} ({part})"
                if title and len(title) + len(part) + 3 <= TITLE_LIMIT
                else (title if number == 1 else f"Part {number} of {total}")
            )
            text = f"*(This is {part} of one entry; it was longer than a reflection can be.)*\n\n{chunk}"
        if number == total and notes:
            text = f"{text}\n\n---\n\n{notes}" if text.strip() else notes
        records.append({
            "id": source if number == 1 else f"{source}:{number}"[:64],
            "date": date.isoformat(),
            "title": part_title,
            "body": text.strip(),
            "needs": need_ids,
            "label": label,
        })  # fmt: skip
    return records


def split_text(text: str, room: int) -> list[str]:
    """The text in pieces of at most `room` characters, broken between paragraphs, else between lines, else
    (a single line longer than a reflection) anywhere."""
    room = max(room, 1000)  # a piece always holds something, so the text always runs out
    if len(text) <= room:
        return [text]
    pieces, current = [], ""
    for block in re.split(r"(\n\n+)", text):
        if len(current) + len(block) <= room:
            current += block
            continue
        if current.strip():
            pieces.append(current.strip())
        current = ""
        while len(block) > room:
            cut = block.rfind("\n", 0, room)
            cut = cut if cut > room // 2 else room
            if block[:cut].strip():
                pieces.append(block[:cut].strip())
            block = block[cut:]
        current = block
    if current.strip():
        pieces.append(current.strip())
    return pieces
