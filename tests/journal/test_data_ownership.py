"""Export, import, account deletion, and staff who cannot read journals."""

import csv
import datetime as dt
import io
import itertools
import json
import uuid
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from journal.models import ImportJob, Reminder
from journal.portability import imports
from journal.portability.export import json_chunks
from needs.models.accounts import Profile
from needs.models.keys import DataKey
from needs.models.needs import Need
from needs.models.relationships import PausePlan, RelationshipRating
from needs.models.sharing import LoveProfile
from tests.conftest import PASSWORD, make_person
from tests.factories import (
    make_checkin,
    make_draft,
    make_need,
    make_personal_prompt,
    make_reflection,
    make_relationship,
    make_statement,
    sign_in_with_second_factor,
)

pytestmark = pytest.mark.django_db


def reauthenticated(client, user):
    """Signed in just now: allauth's recent-authentication check passes."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def seed_everything(user, *, text="words") -> dict:
    Profile.objects.update_or_create(
        owner=user,
        defaults={
            "time_zone": "Asia/Tokyo",
            "day_ends_at": dt.time(3),
            "display_name": f"Ada {text[:20]} ✦",
            "partner_emails": False,
        },
    )
    Reminder.objects.create(owner=user, daily_enabled=True, daily_time=dt.time(21, 0), time_zone="Asia/Tokyo")
    rest = make_need(user, "Rest", "physical", 5, met=f"met {text}", helps=f"helps {text}")
    heard = make_need(user, "Being heard", "emotional", 3, met="")
    make_checkin(user, rest, dt.date(2026, 1, 2), 7, note=f"note {text}")
    make_checkin(user, heard, dt.date(2026, 1, 3), 2)
    own = make_personal_prompt(user, f"My own question {text}?")
    make_reflection(user, title=f"Title {text}", body=f"Body {text}", date=dt.date(2026, 1, 2), needs=[rest, heard],
                    anxiety=4, confidence=6, personal_prompt=own)  # fmt: skip
    make_reflection(user, title="", body="Second", date=dt.date(2026, 1, 5))
    make_statement(user, rest, f"statement {text}")
    profile = LoveProfile.objects.create(owner=user, id=uuid.uuid4())
    profile.seal("text", f"Loved {text}", owner=user)
    profile.save()
    profile.needs.set([heard])
    rel = make_relationship(user, f"Friend {text}")
    rel.needs.set([heard, rest])
    RelationshipRating.objects.create(
        owner=user, relationship=rel, need=rest, date=dt.date(2026, 1, 2), score=3
    )
    plan = PausePlan(owner=user, relationship=rel, check_back_on=dt.date(2026, 3, 1))
    plan.seal("what_must_change", f"Change {text}", owner=user)
    plan.save()
    return {"rest": rest, "heard": heard}


def exported(user, **kwargs) -> dict:
    return json.loads("".join(json_chunks(user=user, **kwargs)))


def comparable(data: dict) -> dict:
    """An export without what differs between accounts: ids, creation and export times."""
    names = {n["id"]: n["name"] for n in data["needs"]}
    love = data["love_profile"] and {
        **data["love_profile"],
        "needs": sorted(names[n] for n in data["love_profile"]["needs"]),
    }
    prompts = {p["id"]: p["text"] for p in data["personal_prompts"]}
    return {
        "schema_version": data["schema_version"],
        "settings": data["settings"],
        "needs": sorted(({k: v for k, v in n.items() if k not in {"id", "created_at"}} for n in data["needs"]), key=repr),
        "personal_prompts": sorted(({k: v for k, v in p.items() if k != "id"} for p in data["personal_prompts"]), key=repr),
        "checkins": sorted(({**c, "need": names[c["need"]]} for c in data["checkins"]), key=repr),
        "statements": sorted(({**s, "need": names[s["need"]]} for s in data["statements"]), key=repr),
        "love_profile": love,
        "relationships": sorted(
            ({**{k: v for k, v in r.items() if k != "id"},
              "needs": sorted(names[n] for n in r["needs"]),
              "ratings": sorted(({**x, "need": names[x["need"]]} for x in r["ratings"]), key=repr)}
             for r in data["relationships"]),
            key=repr,
        ),
        "reflections": sorted(
            (
                {**{k: v for k, v in r.items() if k not in {"id", "created_at"}},
                 "needs": sorted(names[n] for n in r["needs"]),
                 "personal_prompt": prompts.get(r["personal_prompt"])}
                for r in data["reflections"]
            ),
            key=repr,
        ),
    }  # fmt: skip


def test_export_json_round_trips_through_import_into_a_fresh_account(alice):
    seed_everything(alice)
    first = exported(alice)
    assert first["schema_version"] == 1 and len(first["reflections"]) == 2
    fresh = make_person("fresh@example.com")
    report = imports.import_data(user=fresh, data=first)
    assert report.refused == []
    assert comparable(exported(fresh)) == comparable(first)


def test_importing_twice_creates_no_duplicates(alice, bob):
    seed_everything(alice)
    data = exported(alice)
    imports.import_data(user=bob, data=data)
    again = imports.import_data(user=bob, data=data)
    assert sum(again.imported.values()) == 0
    assert again.unchanged == {
        "needs": 2, "personal_prompts": 1, "checkins": 2, "reflections": 2, "statements": 1, "relationships": 1,
    }  # fmt: skip
    assert comparable(exported(bob)) == comparable(data)
    # Back into the account it came from: nothing doubles either.
    same = imports.import_data(user=alice, data=data)
    assert sum(same.imported.values()) == 0 and Need.objects.for_user(alice).count() == 2


EXAMPLES = itertools.count()
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    min_size=1,
    max_size=3000,
).filter(lambda s: s.strip() == s and s.strip())


@hsettings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=TEXT,
    note=TEXT,
    title=st.text(max_size=300).map(str.strip).filter(lambda s: "\x00" not in s and "\r" not in s),
)
def test_round_trip_keeps_unicode_emoji_rtl_and_long_text(db, body, note, title):
    run = next(EXAMPLES)  # hypothesis may replay an example: every run gets its own people
    source = make_person(f"src{run}@example.com")
    need = make_need(source, "Rest", met=note)
    make_checkin(source, need, dt.date(2025, 5, 5), 5, note=note)
    make_reflection(source, title=title, body=body + " שלום 🌙", date=dt.date(2025, 5, 5), needs=[need])
    target = make_person(f"dst{run}@example.com")
    data = exported(source)
    report = imports.import_data(user=target, data=data)
    assert report.refused == []
    assert comparable(exported(target)) == comparable(data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Neither JSON, nor a zip, nor Daylio's CSV: the message names every kind of file Attune reads.
        (b"this is not json", "Attune can’t read this file. Attune imports its own export (.json)"),
        (b"\xff\xfe\x00garbage", "Attune can’t read this file. Attune imports its own export (.json)"),
        (b'{"schema_version": 99, "needs": []}', "schema version 99"),
        (b'{"needs": []}', "it has no schema_version"),
        (b'{"schema_version": 1, "needs": {"a": 1}}', "should be a list"),
    ],
)
def test_bad_import_files_get_a_clear_message_and_change_nothing(client, alice, content, message):
    reauthenticated(client, alice)
    response = client.post(reverse("journal:import"), {"file": SimpleUploadedFile("x.json", content)})
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported." in html and message in html
    assert not Need.objects.exists() and not ImportJob.objects.exists()


def test_a_100_mb_file_is_refused_before_reading(client, alice):
    reauthenticated(client, alice)
    big = SimpleUploadedFile("big.json", b" " * (100 * 1024 * 1024))
    response = client.post(reverse("journal:import"), {"file": big})
    assert "larger than 64 MB" in response.content.decode()
    assert not Need.objects.exists()


def test_records_pointing_elsewhere_or_malformed_are_refused_with_reasons(alice, bob):
    bobs = make_need(bob, "Bob's need")
    data = {
        "schema_version": 1,
        "needs": [{"id": "n1", "name": "Rest", "category": "physical", "importance": 3},
                  {"id": "n2", "name": "", "category": "physical", "importance": 3},
                  {"id": "n3", "name": "Odd", "category": "financial", "importance": 9}],
        "checkins": [{"need": str(bobs.pk), "date": "2026-01-01", "score": 5},
                     {"need": "n1", "date": "31/12/2025", "score": 5},
                     {"need": "n1", "date": "2999-01-01", "score": 5},
                     {"need": "n1", "date": "2026-01-01", "score": 11},
                     {"need": "n1", "date": "2026-01-01", "score": 6}],
        "reflections": [{"id": "r1", "date": "2026-01-01", "body": "ok", "needs": [str(bobs.pk)]},
                        {"id": "r2", "date": "not a date", "body": "x", "needs": []},
                        {"id": "r3", "date": "2026-01-01", "body": "fine", "needs": ["n1"]}],
    }  # fmt: skip
    report = imports.import_data(user=alice, data=data)
    reasons = [(r["kind"], r["number"], r["reason"]) for r in report.refused]
    assert ("needs", 2, "name: This field is required.") in reasons
    assert any(kind == "needs" and number == 3 and "category" in reason for kind, number, reason in reasons)
    assert ("checkins", 1, "it points at a need that isn’t in this file or in your account") in reasons
    assert any(
        kind == "checkins" and number == 2 and "is not a date" in reason for kind, number, reason in reasons
    )
    assert any(
        kind == "checkins" and number == 3 and "hasn’t happened yet" in reason
        for kind, number, reason in reasons
    )
    assert any(kind == "checkins" and number == 4 and "0 to 10" in reason for kind, number, reason in reasons)
    assert ("reflections", 1, "it links to a need that isn’t in this file or in your account") in reasons
    assert any(
        kind == "reflections" and number == 2 and "Enter a date." in reason
        for kind, number, reason in reasons
    )
    assert report.imported == {
        "needs": 1, "personal_prompts": 0, "checkins": 1, "reflections": 1, "statements": 0, "relationships": 0,
    }  # fmt: skip
    assert not Need.objects.for_user(alice).filter(name="Bob's need").exists()
    assert Need.objects.get(pk=bobs.pk).owner == bob


def test_a_failure_part_way_leaves_nothing_half_imported(alice, monkeypatch):
    seed_everything(make_person("origin@example.com"))
    data = exported(get_user_model().objects.get(email="origin@example.com"))

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_reflections", explode)
    with pytest.raises(RuntimeError):
        imports.import_data(user=alice, data=data)
    assert not Need.objects.for_user(alice).exists()
    assert not Reminder.objects.filter(owner=alice).exists()


def test_markdown_zip_has_one_file_per_reflection_with_front_matter(client, alice):
    seed_everything(alice, text="zipped")
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_markdown"))
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(name for name in archive.namelist() if name.endswith(".md"))
    assert names == ["attune-journal/2026-01-02-title-zipped.md", "attune-journal/2026-01-05-reflection.md"]
    assert sorted(archive.namelist()) == [*names, "attune-journal/README.txt"]
    first = archive.read(names[0]).decode()
    assert first.startswith('---\ndate: 2026-01-02\ntitle: "Title zipped"\nneeds: ["Being heard", "Rest"]\n')
    assert (
        'prompt: "My own question zipped?"' in first
        and "anxiety: 4" in first
        and first.endswith("Body zipped\n")
    )


def test_csv_has_check_ins_and_feelings_and_honours_the_date_range(client, alice):
    seed_everything(alice)
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_csv") + "?date_from=2026-01-02&date_to=2026-01-02")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["date", "kind", "need", "category", "score", "anxiety", "self_confidence", "note"],
        ["2026-01-02", "check-in", "Rest", "physical", "7", "", "", "note words"],
        ["2026-01-02", "feelings", "", "", "", "4", "6", ""],
    ]


def test_json_export_streams_and_respects_the_range(client, alice):
    seed_everything(alice)
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_json") + "?date_from=2026-01-03")
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    assert [c["date"] for c in data["checkins"]] == ["2026-01-03"]
    assert [r["date"] for r in data["reflections"]] == ["2026-01-05"]
    assert len(data["needs"]) == 2  # undated records are always whole


@pytest.mark.parametrize(
    "name",
    [
        "journal:export_json",
        "journal:export_markdown",
        "journal:export_csv",
        "journal:import",
        "journal:delete_account",
    ],
)
def test_export_import_and_delete_require_recent_reauthentication(client, alice, name):
    client.force_login(alice)
    session = client.session
    session.pop("account_authentication_methods", None)  # signed in long ago: nothing recent
    session.save()
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_deleting_the_account_leaves_no_row_and_no_key(client, alice, bob):
    seed_everything(alice)
    seed_everything(bob, text="bob")
    make_draft(alice, {"body": ["draft"]})
    other = type(client)()
    other.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD}
    )  # a second device
    reauthenticated(client, alice)
    alice_id = alice.pk
    wrong = client.post(reverse("journal:delete_account"), {"confirmation": "delete"})
    assert "Type exactly" in wrong.content.decode()
    assert get_user_model().objects.filter(pk=alice_id).exists()

    response = client.post(reverse("journal:delete_account"), {"confirmation": "Delete my journal"})
    assert response.status_code == 302 and response["Location"] == reverse("journal:goodbye")
    assert "Your account is gone" in client.get(reverse("journal:goodbye")).content.decode()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is get_user_model():
                assert not model.objects.filter(**{field.name: alice_id}).exists(), model.__name__
    assert not DataKey.objects.filter(owner_id=alice_id).exists()
    assert not EmailAddress.objects.filter(email="alice@example.com").exists()
    for session in Session.objects.all():
        assert session.get_decoded().get("_auth_user_id") != str(alice_id)
    assert other.get("/").status_code == 200 and "Know what you need" in other.get("/").content.decode()
    assert Need.objects.for_user(bob).count() == 2  # nobody else was touched


@pytest.fixture
def superuser_client(client, db):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "root-password-123")
    sign_in_with_second_factor(client, root)  # the admin asks for a second factor
    return client


def test_a_superuser_walking_every_admin_page_finds_no_written_text(superuser_client, alice):
    from django.contrib import admin

    seed_everything(alice, text="SECRETTEXT")
    make_draft(alice, {"body": ["SECRETDRAFT"]})
    secrets = [
        "SECRETTEXT",
        "SECRETDRAFT",
        "Rest",
        "Being heard",
        "My own question",
        "Friend SECRET",
        "Loved SECRET",
    ]
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        for obj in model.objects.all()[:50]:
            for view in ("change", "history", "delete"):
                pages.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[obj.pk]))
    pages.append(reverse("admin:auth_user_delete", args=[alice.pk]))
    for page in pages:
        response = superuser_client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html, (page, secret)


def test_staff_manage_account_status_without_content(superuser_client, alice):
    url = reverse("admin:auth_user_changelist")
    superuser_client.post(url, {"action": "suspend", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_active
    superuser_client.post(url, {"action": "reinstate", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert alice.is_active


def test_privacy_page_says_what_is_and_is_not_encrypted(client, db):
    html = client.get(reverse("privacy")).content.decode()
    for phrase in ("Reflection titles and text", "Check-in dates and scores", "names of your needs", "master key",
                   "Export", "Delete"):  # fmt: skip
        assert phrase in html, phrase
