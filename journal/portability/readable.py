"""The exports for reading: check-ins and feelings as CSV for a spreadsheet, reflections as a Markdown zip.
They stream in pieces of about PIECE characters or bytes, reading rows as the JSON export does (export.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator

from django.db.models import Q
from django.utils.text import slugify

from journal.models import PersonalPrompt, Reflection
from journal.portability.export import PIECE, ROWS, in_range, reflection_rows, sealed_opener
from needs.models.needs import CheckIn, Need
from needs.privacy.crypto import reveal_each

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…) sends data away).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A cell of the person's own text, made inert the way OWASP recommends: a leading apostrophe.

    Only text cells go through here; numbers the app writes (scores, feelings) stay numbers.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_chunks(*, user, date_from=None, date_to=None) -> Iterator[str]:
    """Check-ins and feelings, one row each, for a spreadsheet or a therapist. Text that would run as a
    formula starts with an apostrophe (`spreadsheet_text`); see README.txt in the Markdown export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(["date", "kind", "need", "category", "score", "anxiety", "self_confidence", "note"])
    needs = {pk: (spreadsheet_text(name), category)
             for pk, name, category in Need.objects.for_user(user).values_list("pk", "name", "category")}  # fmt: skip
    open_note = sealed_opener(user, CheckIn, "note")
    checkins = in_range(CheckIn.objects.for_user(user), "date", date_from, date_to).order_by(
        "date", "need__name"
    )
    rows = checkins.values_list("date", "need_id", "score", "note", "pk").iterator(chunk_size=ROWS)
    for date, need_id, score, note, pk in rows:
        name, category = needs[need_id]
        text = spreadsheet_text(open_note(pk, note)) if note else ""
        writer.writerow((date.isoformat(), "check-in", name, category, score, "", "", text))
        if buffer.tell() >= PIECE:
            yield flush()
    feelings = in_range(Reflection.objects.for_user(user).live(), "date", date_from, date_to).filter(
        Q(anxiety__isnull=False) | Q(confidence__isnull=False)
    )
    for date, anxiety, confidence in (
        feelings.order_by("date").values_list("date", "anxiety", "confidence").iterator(chunk_size=ROWS)
    ):
        writer.writerow([date.isoformat(), "feelings", "", "", "", _blank(anxiety), _blank(confidence), ""])
        if buffer.tell() >= PIECE:
            yield flush()
    yield flush()


def _blank(value) -> str:
    return "" if value is None else str(value)


class _Sink(io.RawIOBase):
    """An unseekable file that hands what is written to the streaming response."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        data, self.chunks, self.size = b"".join(self.chunks), [], 0
        return data


def front_matter(date: dt.date, *, title: str, needs: list[str], prompt: str, anxiety, confidence) -> str:
    lines = ["---", f"date: {date.isoformat()}"]
    if title:
        lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
    if needs:
        lines.append("needs: [" + ", ".join(json.dumps(n, ensure_ascii=False) for n in needs) + "]")
    if prompt:
        lines.append(f"prompt: {json.dumps(prompt, ensure_ascii=False)}")
    if anxiety is not None:
        lines.append(f"anxiety: {anxiety}")
    if confidence is not None:
        lines.append(f"self_confidence: {confidence}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


README = """Your Attune export
=================

This folder holds your reflections, one Markdown file each, named by date and title. The part between
the two --- lines at the top of each file (the front matter) lists its date, title, linked needs, the
prompt it answered and your feelings ratings, if any. The text below it is exactly what you wrote.

Attune's data page offers three exports:

- Everything (JSON): every need, check-in, reflection, statement, relationship, your own prompts and
  settings, word for word. It is the only file Attune can import back; the Markdown files and the CSV
  can't be imported.
- Reflections as Markdown (this zip): for reading and keeping in any editor.
- Check-ins and feelings (CSV): for a spreadsheet. A spreadsheet treats a cell that starts with =, +, -,
  @, a tab or a carriage return as a formula and may run it. So in the CSV, a need name or a check-in
  note of yours that starts with one of those begins with an apostrophe (') that you didn't type: the
  spreadsheet then shows your words as text and runs nothing. Scores and feelings stay plain numbers.
  The JSON export has no such apostrophe: it keeps your words exactly as you wrote them.
"""


def markdown_zip_chunks(*, user, date_from=None, date_to=None) -> Iterator[bytes]:
    """A zip with one Markdown file per reflection (front matter on top) and a README.txt, streamed."""
    sink = _Sink()
    names = {str(pk): name for pk, name in Need.objects.for_user(user).values_list("pk", "name")}
    own_prompts = {p.pk: p.plain.text for p in reveal_each(PersonalPrompt.objects.for_user(user), owner=user)}
    site_prompts = dict(
        Reflection.objects.for_user(user).filter(prompt__isnull=False).values_list("pk", "prompt__text")
    )
    rows, links = reflection_rows(user, date_from, date_to)
    used: set[str] = set()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attune-journal/README.txt", README)
        for pk, date, title, body, _prompt, personal_prompt, anxiety, confidence, _created in rows:
            prompt = site_prompts.get(pk, "")
            if personal_prompt:
                prompt = own_prompts.get(personal_prompt, "")
            base = f"{date.isoformat()}-{slugify(title)[:50] or 'reflection'}"
            name, n = f"{base}.md", 2
            while name in used:
                name, n = f"{base}-{n}.md", n + 1
            used.add(name)
            need_names = sorted(names[need] for need in links.get(pk, []) if need in names)
            text = front_matter(
                date, title=title, needs=need_names, prompt=prompt, anxiety=anxiety, confidence=confidence
            )
            archive.writestr(f"attune-journal/{name}", text + body + "\n")
            if sink.size >= PIECE:
                yield sink.take()
    yield from _split(sink.take())


def _split(data: bytes) -> Iterator[bytes]:
    """The zip's closing directory (a few hundred KB for ten years) in pieces of PIECE bytes."""
    for start in range(0, len(data), PIECE):
        yield data[start : start + PIECE]
