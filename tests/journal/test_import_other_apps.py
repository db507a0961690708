"""Exports of other journaling apps (Day One, Daylio, a .zip of daily notes) come in through the import page and
the background worker like Attune's own: on their local dates, linked to needs by name, nothing written by the
person lost, nothing added twice, a damaged file refused whole with nothing stored."""

import contextlib
import datetime as dt
import io
import json
import re
import signal
import struct
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.forms import BODY_LIMIT
from journal.models import ImportedRecord, ImportJob, Reflection
from journal.portability import other_apps
from journal.portability.checks import ImportRefused
from needs.privacy.crypto import reveal_each
from tests.conftest import run_background_tasks
from tests.factories import make_need
from tests.journal import other_app_samples as samples
from tests.journal.test_data_ownership import reauthenticated

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def imported(client, name: str, raw: bytes) -> str:
    """Upload on the import page, run the worker, return the job's page."""
    response = client.post(reverse("journal:import"), {"file": SimpleUploadedFile(name, raw)})
    assert response.status_code == 302, response.content.decode()[:2000]
    run_background_tasks()
    return client.get(response["Location"]).content.decode()


def report_cells(page: str) -> dict:
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>([\d,]+)</td><td>([\d,]*)</td>', page)
    return {
        name: (int(added.replace(",", "")), int(here.replace(",", "") or 0)) for name, added, here in cells
    }


def journal_of(user) -> list:
    rows = Reflection.objects.for_user(user).order_by("date", "created_at").prefetch_related("needs")
    return reveal_each(rows, owner=user)


def snapshot(user) -> list:
    return [
        (r.date, r.plain.title, r.plain.body, sorted(n.name for n in r.needs.all())) for r in journal_of(user)
    ]


@pytest.fixture
def signed_in(client, alice):
    reauthenticated(client, alice)
    return client


# --- Day One -------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_day_one_export_of_five_years_arrives_on_local_dates_linked_and_once(signed_in, alice):
    rest = make_need(alice, "Rest")
    make_need(alice, "Walks")
    entries, md5 = samples.day_one_years(1000, 5)
    # Auckland keeps daylight time in March (UTC+13): 11:30 UTC on 4 March is 00:30 on 5 March there, and
    # 10:30 UTC on 6 March is 23:30 that evening.
    late = samples.day_one_entry(
        dt.datetime(2021, 3, 4, 11, 30, tzinfo=dt.UTC), "Pacific/Auckland",
        "Just after midnight by the harbour.", tags=["rest", "night"], starred=True,
        location={"placeName": "Viaduct Harbour", "localityName": "Auckland", "country": "New Zealand"},
        weather={"conditionsDescription": "Clear", "temperatureCelsius": 17.2},
    )  # fmt: skip
    auckland_evening = samples.day_one_entry(
        dt.datetime(2021, 3, 6, 10, 30, tzinfo=dt.UTC), "Pacific/Auckland", "A slow evening, 23:30 here."
    )
    raw = samples.day_one_zip([*entries, late, auckland_evening], photos={md5: b"\xff\xd8 not really a jpeg"})

    page = imported(signed_in, "dayone.zip", raw)

    assert "Import finished" in page
    cells = report_cells(page)
    assert cells["Reflections"] == (1002, 0)
    # Every third entry is tagged Rest, every third "walks" (a need, matched whatever the case), plus "rest".
    assert cells["Links to your needs"][0] == 334 + 333 + 1
    assert cells["Photos not imported"][0] == 1
    assert f"{md5}.jpeg" in page and "Attune keeps no images yet" in page

    journal = journal_of(alice)
    assert len(journal) == 1002
    by_body = {r.plain.body.split("\n")[0]: r for r in journal}
    harbour = by_body["Just after midnight by the harbour."]
    assert harbour.date == dt.date(2021, 3, 5)  # local date in Auckland, not 4 March (UTC)
    assert [n.name for n in harbour.needs.all()] == ["Rest"]
    assert "Starred" in harbour.plain.body and "Tags: night" in harbour.plain.body
    assert "Place: Viaduct Harbour, Auckland, New Zealand" in harbour.plain.body
    assert "Weather: Clear, 17 °C" in harbour.plain.body and "written at 00:30" in harbour.plain.body
    evening = by_body["A slow evening, 23:30 here."]
    assert evening.date == dt.date(2021, 3, 6) and "written at 23:30" in evening.plain.body

    first = next(r for r in journal if r.plain.title == "Day 0")
    assert first.date == dt.date(2019, 1, 1) and first.plain.body.startswith("Slept well")
    assert "Tags: garden" in first.plain.body and {n.pk for n in first.needs.all()} == {rest.pk}
    with_photo = next(r for r in journal if r.plain.title == "Day 7")
    assert "*(A photo not imported)*" in with_photo.plain.body and "The heron again." in with_photo.plain.body

    before = (snapshot(alice), ImportedRecord.objects.filter(owner=alice).count())
    again = report_cells(imported(signed_in, "dayone.zip", raw))
    assert again["Reflections"] == (0, 1002) and again["Links to your needs"][0] == 0
    assert (snapshot(alice), ImportedRecord.objects.filter(owner=alice).count()) == before


@time_machine.travel(NOW, tick=False)
def test_a_day_one_journal_json_alone_and_a_text_too_long_for_one_reflection_is_split_not_cut(
    signed_in, alice
):
    long_text = "\n\n".join(
        f"Paragraph {n}. " + "word " * 2000 for n in range(25)
    )  # about 250,000 characters
    entry = samples.day_one_entry(
        dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC), "UTC", "# A long one\n" + long_text
    )
    raw = json.dumps({"metadata": {"version": "1.0"}, "entries": [entry]}).encode()

    page = imported(signed_in, "Journal.json", raw)

    parts = journal_of(alice)
    assert len(parts) == 3 and report_cells(page)["Reflections"] == (3, 0)
    assert [p.plain.title for p in parts] == [f"A long one (part {n} of 3)" for n in (1, 2, 3)]
    assert all(len(p.plain.body) <= BODY_LIMIT for p in parts)
    kept = "".join(p.plain.body for p in parts)
    assert all(f"Paragraph {n}. " in kept for n in range(25))
    assert sum(p.plain.body.count("word") for p in parts) == 25 * 2000
    assert imported(signed_in, "Journal.json", raw) and Reflection.objects.for_user(alice).count() == 3


# --- Daylio --------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_daylio_export_of_three_years_keeps_every_entry_mood_and_activity_once(signed_in, alice):
    make_need(alice, "Rest")
    rows = samples.daylio_years(3)
    raw = samples.daylio_csv(rows)

    page = imported(signed_in, "daylio_export.csv", raw)

    days = 365 * 3
    cells = report_cells(page)
    assert "Import finished" in page and cells["Reflections"] == (len(rows), 0) and len(rows) == days + 219
    assert cells["Links to your needs"][0] == days // 2  # "Rest" on every other evening
    journal = journal_of(alice)
    assert len(journal) == len(rows)
    assert {r.date for r in journal} == {dt.date(2025, 12, 31) - dt.timedelta(days=b) for b in range(days)}
    last_day = [r for r in journal if r.date == dt.date(2025, 12, 31)]
    assert len(last_day) == 2  # two Daylio entries that day: two reflections, each with its own mood
    no_note = next(r for r in last_day if "21:30" in r.plain.body)
    assert no_note.plain.body == "From Daylio, at 21:30 · Mood: rad · Activities: work"
    with_note = next(r for r in journal if r.date == dt.date(2025, 12, 30))
    assert with_note.plain.body.startswith("Evening 1: tea with Sam.\nEarly night.")
    assert "Mood: good · Activities: friends, Rest" in with_note.plain.body
    assert [n.name for n in with_note.needs.all()] == ["Rest"]

    before = snapshot(alice)
    assert report_cells(imported(signed_in, "daylio_export.csv", raw))["Reflections"] == (0, len(rows))
    assert snapshot(alice) == before


# --- Daily notes ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_zip_of_500_daily_notes_comes_in_by_date_and_names_the_files_left_out(signed_in, alice):
    raw = samples.daily_notes_zip(
        500, extra={"Templates/Daily.md": "# {{date}}", "attachments/cat.png": b"\x89PNG"}
    )

    page = imported(signed_in, "notes.zip", raw)

    assert "Import finished" in page and report_cells(page)["Reflections"] == (500, 0)
    assert "Templates/Daily.md" in page and "attachments/cat.png" in page and "Not imported (2)" in page
    journal = journal_of(alice)
    assert [r.date for r in journal] == [dt.date(2023, 1, 1) + dt.timedelta(days=n) for n in range(500)]
    assert journal[0].plain.title == "Sunday 01 January" and journal[0].plain.body.startswith("- woke at 7")
    assert journal[1].plain.title == "" and journal[1].plain.body == "- woke at 7\n- note 1: quiet day"

    before = snapshot(alice)
    assert report_cells(imported(signed_in, "notes.zip", raw))["Reflections"] == (0, 500)
    assert snapshot(alice) == before


# --- Damaged files -------------------------------------------------------------------------------------


def big_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", b'{"entries": [' + b" " * (49 * 1024 * 1024) + b"]}")
    return buffer.getvalue()


DAY_ONE_ENTRY = samples.day_one_entry(dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC), "UTC", "Fine words.")
MALFORMED = {
    "a zip cut off": (
        "dayone.zip", samples.day_one_zip([DAY_ONE_ENTRY])[:-30], "This .zip file is damaged or cut off"
    ),
    "a zip that unpacks to too much": ("bomb.zip", big_zip(), "unpacks to more than 48 MB"),
    "a zip of too many files": (
        "many.zip", samples.zipped({f"f{n}.txt": "" for n in range(50_001)}, compression=zipfile.ZIP_STORED),
        "holds 50,001 files",
    ),
    "a Journal.json without entries": (
        "dayone.zip", samples.zipped({"Journal.json": '{"metadata": {"version": "1.0"}}'}), "holds no entries"
    ),
    "a Day One entry with a bad date": (
        "dayone.zip", samples.day_one_zip([DAY_ONE_ENTRY, {**DAY_ONE_ENTRY, "creationDate": "yesterday"}]),
        "entry #2 of “Journal.json” has no creationDate",
    ),
    "a Journal.json that isn't JSON": (
        "dayone.zip", samples.zipped({"Journal.json": '{"entries": [}'}), "“Journal.json” in this .zip isn’t readable JSON"
    ),
    "a CSV with a wrong header": (
        "daylio.csv", b"date,mood,note\n2024-01-01,good,hello\n", "isn’t a Daylio export: its first line should be"
    ),
    "a Daylio row with a bad date": (
        "daylio.csv", samples.daylio_csv([samples.daylio_row(dt.date(2024, 1, 1)), {"full_date": "2024-02-30"}]),
        "Line 3 of this Daylio file has “2024-02-30” where a date",
    ),
    "a Daylio file that isn't UTF-8": (
        "daylio.csv", samples.daylio_csv([samples.daylio_row(dt.date(2024, 1, 1), note="café")]).replace(
            "café".encode(), "café".encode("latin-1")
        ),
        "This CSV file isn’t UTF-8 text",
    ),
    "a daily note that isn't UTF-8": (
        "notes.zip", samples.zipped({"2024-01-01.md": "fine", "2024-01-02.md": "caf\xe9".encode("latin-1")}),
        "“2024-01-02.md” in this .zip isn’t UTF-8 text",
    ),
    "a zip with neither": (
        "photos.zip", samples.zipped({"cat.png": b"\x89PNG", "notes/readme.md": "hi"}),
        "holds neither a Day One export",
    ),
    "a text file of nothing Attune reads": ("notes.txt", b"just some words", "Attune can\u2019t read this file"),
}  # fmt: skip


@pytest.mark.parametrize("name, raw, message", MALFORMED.values(), ids=MALFORMED.keys())
@time_machine.travel(NOW, tick=False)
def test_a_damaged_file_of_each_kind_gets_a_clear_message_and_stores_nothing(
    signed_in, alice, name, raw, message
):
    make_need(alice, "Rest")
    response = signed_in.post(reverse("journal:import"), {"file": SimpleUploadedFile(name, raw)})
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported." in html
    assert message in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert not ImportJob.objects.exists() and not Reflection.objects.exists()
    assert not ImportedRecord.objects.exists()


def test_the_import_page_names_every_format_it_reads(signed_in):
    html = signed_in.get(reverse("journal:import")).content.decode()
    assert 'accept=".json,.zip,.csv,application/json,application/zip,text/csv"' in html
    help_text = re.search(r'id="import-file-help">([^<]+)<', html).group(1)
    assert all(word in help_text for word in ("Attune", "Day One", "Daylio", ".zip of daily notes"))


@time_machine.travel(NOW, tick=False)
def test_a_future_entry_is_refused_by_its_date_and_the_rest_come_in(signed_in, alice):
    raw = samples.daylio_csv(
        [
            samples.daylio_row(dt.date(2026, 2, 1), note="kept"),
            samples.daylio_row(dt.date(2026, 5, 1), note="later"),
        ]
    )
    page = imported(signed_in, "daylio.csv", raw)
    assert report_cells(page)["Reflections"] == (1, 0)
    assert "<li>Daylio entry of 2026-05-01 21:30: date: That date hasn’t happened yet." in page
    assert [r.plain.body.split("\n")[0] for r in journal_of(alice)] == ["kept"]


# --- Limits and stable ids -----------------------------------------------------------------------------


@contextlib.contextmanager
def within(seconds: int):
    """Fails the test (instead of hanging it) when the block runs longer than `seconds`."""

    def stop(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


PART_LINE = re.compile(
    r"^\*\(This is part \d+ of \d+ of one entry; it was longer than a reflection can be\.\)\*\n\n"
)


def whole_text(user) -> str:
    """The parts of one entry put back together, without the lines saying which part each is."""
    return "".join(PART_LINE.sub("", r.plain.body) for r in journal_of(user))


@time_machine.travel(NOW, tick=False)
def test_a_daylio_entry_with_120000_characters_of_activities_is_kept_whole_in_parts(signed_in, alice):
    activities = [f"hobby{n:05d}" for n in range(9300)]  # 120,900 characters with Daylio's " | "
    row = samples.daylio_row(dt.date(2025, 6, 1), activities=activities, note="A full day.")
    assert len(row["activities"]) > 120_000

    with within(60):
        page = imported(signed_in, "daylio.csv", samples.daylio_csv([row]))

    parts = journal_of(alice)
    assert len(parts) >= 3 and report_cells(page)["Reflections"] == (len(parts), 0)
    assert all(len(p.plain.body) <= BODY_LIMIT for p in parts)
    kept = whole_text(alice)
    assert "A full day." in kept and all(activity in kept for activity in activities)


@time_machine.travel(NOW, tick=False)
def test_a_day_one_entry_with_20000_tags_is_kept_whole_in_parts(signed_in, alice):
    tags = [f"tag{n:05d}" for n in range(20_000)]
    entry = samples.day_one_entry(
        dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC), "UTC", "Tagged a lot.", tags=tags
    )

    with within(60):
        page = imported(signed_in, "dayone.zip", samples.day_one_zip([entry]))

    parts = journal_of(alice)
    assert len(parts) >= 3 and report_cells(page)["Reflections"] == (len(parts), 0)
    assert all(len(p.plain.body) <= BODY_LIMIT for p in parts)
    kept = whole_text(alice)
    assert "Tagged a lot." in kept and all(tag in kept for tag in tags)


def as_zip64(raw: bytes) -> bytes:
    """The zip with its end written the ZIP64 way (a ZIP64 end record and its locator before the classic end
    record, whose count and sizes then say 0xFFFF…), as zip tools write it for very large archives."""
    end = raw.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", raw, end + 10)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return raw[:end] + record + locator + classic


def understated(raw: bytes) -> bytes:
    """The zip with its end record claiming a single entry."""
    end = raw.rfind(b"PK\x05\x06")
    return raw[: end + 8] + struct.pack("<HH", 1, 1) + raw[end + 12 :]


MANY_FILES = samples.zipped({f"f{n}.txt": "" for n in range(50_001)}, compression=zipfile.ZIP_STORED)


@pytest.mark.parametrize("shape", [bytes, as_zip64, understated], ids=["classic", "zip64", "understated"])
@time_machine.travel(NOW, tick=False)
def test_a_zip_of_too_many_files_is_refused_before_it_is_opened(alice, monkeypatch, shape):
    raw = shape(MANY_FILES)
    fine = shape(samples.day_one_zip([DAY_ONE_ENTRY]))
    assert zipfile.ZipFile(io.BytesIO(fine)).namelist() == ["Journal.json"]  # the shape is a valid zip

    def opened(*args, **kwargs):
        raise AssertionError("the zip was opened: an object was built for each of its entries")

    with monkeypatch.context() as patched:
        patched.setattr(zipfile, "ZipFile", opened)
        with pytest.raises(ImportRefused, match="This .zip holds 50,001 files, more than any journal export"):
            other_apps.read(raw, user=alice)
    # The same shape with one file is read as before.
    assert len(other_apps.read(fine, user=alice).data["reflections"]) == 1


def vault(root: str) -> dict:
    """An Obsidian vault as its folder is zipped: settings and plugins in .obsidian/, the trash in .trash/, a
    template, an attachment, daily notes."""
    files = {
        f"{root}.obsidian/app.json": '{"alwaysUpdateLinks": true}',
        f"{root}.obsidian/workspace.json": '{"main": {"id": "a1"}}',
        f"{root}.obsidian/plugins/calendar/data.json": '{"weekStart": "monday"}',
        f"{root}.trash/2024-01-09.md": "thrown away",
        f"{root}Templates/Daily.md": "# {{date}}",
        f"{root}attachments/cat.png": b"\x89PNG",
    }
    for day in range(1, 6):
        files[f"{root}Daily/2024-01-0{day}.md"] = f"# Day {day}\n\nA quiet day, number {day}."
    files[f"{root}Welcome.md"] = "This is your new vault."
    return files


@time_machine.travel(NOW, tick=False)
def test_a_zipped_obsidian_vault_imports_its_daily_notes(signed_in, alice):
    page = imported(signed_in, "vault.zip", samples.zipped(vault("My vault/")))

    assert "Import finished" in page and report_cells(page)["Reflections"] == (5, 0)
    assert [(r.date, r.plain.title) for r in journal_of(alice)] == [
        (dt.date(2024, 1, day), f"Day {day}") for day in range(1, 6)
    ]
    assert "My vault/Templates/Daily.md" in page and "My vault/.obsidian/app.json" in page
    assert "My vault/.trash/2024-01-09.md" in page  # in the trash: named, not imported


@time_machine.travel(NOW, tick=False)
def test_the_same_notes_zipped_under_another_top_folder_are_imported_once(signed_in, alice):
    first = report_cells(imported(signed_in, "vault.zip", samples.zipped(vault("Vault/"))))
    assert first["Reflections"] == (5, 0)
    before = snapshot(alice)

    again = report_cells(imported(signed_in, "vault.zip", samples.zipped(vault("Vault backup 2024/"))))
    inside = report_cells(imported(signed_in, "daily.zip", samples.zipped(vault(""))))

    assert again["Reflections"] == (0, 5) and inside["Reflections"] == (0, 5)
    assert snapshot(alice) == before


@time_machine.travel(NOW, tick=False)
def test_the_same_daylio_entries_with_12_and_24_hour_times_are_imported_once(signed_in, alice):
    days = [dt.date(2025, 6, n) for n in (1, 2, 3, 4)]
    twelve = ["9:30 pm", "8:05 AM", "12:15 am", "12:40 pm"]
    twenty_four = ["21:30", "08:05", "00:15", "12:40"]

    def export(times) -> bytes:
        return samples.daylio_csv(
            [samples.daylio_row(d, t, note=f"Note {d}") for d, t in zip(days, times, strict=True)]
        )

    assert report_cells(imported(signed_in, "daylio.csv", export(twelve)))["Reflections"] == (4, 0)
    before = snapshot(alice)
    again = imported(signed_in, "daylio.csv", export(twenty_four))

    assert report_cells(again)["Reflections"] == (0, 4) and snapshot(alice) == before
