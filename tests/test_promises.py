"""Promises made on the privacy, delete and partner pages and in the README that no other test checked.

docs/promises.md lists every promise with the test that checks it; the ones checked here are marked there.
"""

import base64
import contextlib
import datetime as dt
import io
import logging
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.urls import reverse

from journal.models import Reminder
from journal.services.reminders import send_due
from needs.models.accounts import Profile
from needs.models.relationships import PausePlan
from needs.models.sharing import Answer, Connection, Invitation, SharedNeed
from needs.privacy import recovery
from needs.privacy.crypto import data_key_for
from needs.privacy.tags import person_tag
from tests.conftest import PASSWORD, make_person
from tests.factories import (
    make_card,
    make_checkin,
    make_draft,
    make_need,
    make_personal_prompt,
    make_reflection,
    make_relationship,
    make_statement,
)

ROOT = Path(__file__).resolve().parent.parent
NEW_REFLECTION = reverse("journal:reflection_create")


def reauthenticated(client, person):
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


# --- A copy of the database alone holds none of the writing, and no key that opens it --------------------


def _cell_bytes(value) -> list[bytes]:
    """A stored value as bytes, plus what it decodes to if it is base64 (cache rows) or zlib-compressed."""
    if value is None:
        return []
    if isinstance(value, memoryview):
        value = bytes(value)
    raw = value if isinstance(value, bytes) else str(value).encode()
    forms = [raw]
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            decoded = decode(raw + b"=" * (-len(raw) % 4))
        except ValueError:
            continue
        forms.append(decoded)
        with contextlib.suppress(zlib.error):
            forms.append(zlib.decompress(decoded))
    return forms


def _whole_database() -> list[tuple[str, list[bytes]]]:
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own tables
            for row in cursor.fetchall():
                dump.append((table, [form for cell in row for form in _cell_bytes(cell)]))
    for session in Session.objects.all():  # signed, perhaps compressed: read as the app reads it
        dump.append(("django_session (decoded)", [repr(session.get_decoded()).encode()]))
    return dump


def _key_forms(key: bytes) -> list[bytes]:
    return [
        key,
        key.hex().encode(),
        base64.b64encode(key),
        base64.urlsafe_b64encode(key),
        base64.urlsafe_b64encode(key).rstrip(b"="),
    ]


def test_a_copy_of_the_database_holds_none_of_the_writing_and_no_key_that_opens_it(client, alice, bob):
    """Privacy page: everything in the "Encrypted" column is sealed; "your key is locked by the master key,
    which is never in the database"; the search index holds no words, only keyed fingerprints; text kept after
    a session expired is kept only as ciphertext."""
    secrets = {
        "need description": "Zorbamet",
        "what helps": "Zorbahelps",
        "check-in note": "Zorbanote",
        "reflection title": "Zorbatitle",
        "reflection text (and the search word)": "Quillowby",
        "draft": "Zorbadraft",
        "private prompt": "Zorbaprompt",
        "needs statement": "Zorbastatement",
        "how I want to be loved": "Zorbaloved",
        "relationship nickname": "Zorbanick",
        "pause plan": "Zorbapause",
        "card label": "Zorbalabel",
        "partner answer note": "Zorbaanswer",
        "text kept after a session expired": "Zorbarecovered",
    }
    client.force_login(alice)
    response = client.post(
        reverse("needs:need_create"),
        {"name": "Rest", "category": "physical", "importance": "3",
         "met_looks_like": secrets["need description"], "what_helps": secrets["what helps"]},
    )  # fmt: skip
    assert response.status_code == 302
    from needs.models.needs import Need

    need = Need.objects.for_user(alice).get()
    make_checkin(alice, need, dt.date(2026, 1, 5), 6, note=secrets["check-in note"])
    response = client.post(
        NEW_REFLECTION,
        {"date": "2026-01-05", "title": secrets["reflection title"],
         "body": f"{secrets['reflection text (and the search word)']} by the river."},
    )  # fmt: skip
    assert response.status_code == 302
    make_draft(alice, {"body": [secrets["draft"]]})
    make_personal_prompt(alice, secrets["private prompt"])
    make_statement(alice, need, secrets["needs statement"])
    assert (
        client.post(reverse("sharing:love_profile"), {"text": secrets["how I want to be loved"], "needs": [need.pk]})
        .status_code == 302
    )  # fmt: skip
    relationship = make_relationship(alice, secrets["relationship nickname"])
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(alice)
        response = client.post(
            reverse("needs:pause_plan", args=[relationship.pk]),
            {"what_must_change": secrets["pause plan"], "check_back_on": "2026-06-20"},
        )
        assert response.status_code == 302 and PausePlan.objects.exists()
    client.force_login(alice)  # the session saved on that earlier date has run out since
    assert (
        client.post(
            reverse("sharing:card_create"), {"label": secrets["card label"], "needs": [need.pk]}
        ).status_code
        == 302
    )
    assert client.post(reverse("sharing:partners")).status_code == 302  # an invitation, its code sealed
    invitation = Invitation.objects.get()
    code = invitation.reveal("code", owner=alice)
    card_page = client.get(reverse("sharing:cards")).content.decode()
    card_token = re.search(r"/c/([A-Za-z0-9_-]+)/", card_page).group(1)
    client.force_login(bob)
    client.post(reverse("sharing:partner_join"), {"code": code})
    connection_row = Connection.objects.get()
    client.force_login(alice)
    client.post(reverse("sharing:partner_share", args=[connection_row.pk]), {"needs": [need.pk]})
    shared = SharedNeed.objects.get(owner=alice)
    client.force_login(bob)
    client.post(
        reverse("sharing:partner_answer", args=[connection_row.pk, shared.pk]),
        {"kind": "offer", "note": secrets["partner answer note"]},
    )
    assert Answer.objects.exists()
    # Search.
    client.force_login(alice)
    word = secrets["reflection text (and the search word)"]
    assert word in client.get(reverse("journal:reflection_list"), {"q": word}).content.decode()
    # A form sent after the session ended: the text is kept for after signing in again.
    expired = type(client)()
    kept = expired.post(
        NEW_REFLECTION,
        {
            "date": "2026-01-06",
            "body": secrets["text kept after a session expired"],
            recovery.WRITER_FIELD: person_tag(alice),
        },
    )
    assert recovery.cookie_name() in kept.cookies

    data_key = data_key_for(type(alice).objects.get(pk=alice.pk))
    dump = _whole_database()
    assert len(dump) > 30
    found = []
    for table, forms in dump:
        for what, secret in secrets.items():
            if any(secret.encode() in form or secret.lower().encode() in form for form in forms):
                found.append(f"{what} in {table}")
        for number, master in enumerate(settings.ATTUNE_MASTER_KEYS, start=1):
            if any(key in form for form in forms for key in _key_forms(master)):
                found.append(f"master key {number} in {table}")
        if any(key in form for form in forms for key in _key_forms(data_key)):
            found.append(f"alice's data key, unwrapped, in {table}")
        for what, token in (("card link", card_token), ("invitation code", code)):
            if any(token.encode() in form for form in forms):
                found.append(f"{what} in {table}")
    assert not found, found


# --- Cookies and the browser -----------------------------------------------------------------------------


def test_cookies_hold_only_the_session_form_protection_and_the_recovery_key(client, alice):
    """Privacy page: "Its cookies hold your session, form protection and, after a session expires mid-sentence,
    the key to the text kept for you — never your words, never a need's name."""
    allowed = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, recovery.cookie_name()}
    words = ["Sapphiremornings", "Lanternwords", "Driftwoodtitle"]
    seen: dict[str, str] = {}

    def keep(response):
        for name, morsel in response.cookies.items():
            seen.setdefault(name, "")
            seen[name] += morsel.value

    keep(client.get(reverse("account_login")))
    keep(client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD}))
    keep(client.post(reverse("needs:need_create"), {"name": words[0], "category": "mental", "importance": "3",
                                                     "met_looks_like": words[1], "what_helps": ""}))  # fmt: skip
    keep(client.get(reverse("needs:inventory")))
    keep(client.post(NEW_REFLECTION, {"date": "2026-01-05", "title": words[2], "body": words[1]}))
    keep(client.get(reverse("journal:reflection_list"), {"q": words[1]}))
    keep(client.post(NEW_REFLECTION, {"date": "2026-01-05", "body": ""}))  # refused: form comes back
    client.logout()
    written = {"date": "2026-01-06", "body": words[1], recovery.WRITER_FIELD: person_tag(alice)}
    keep(client.post(NEW_REFLECTION, written))  # session gone: text kept
    keep(client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD}))
    keep(client.get(NEW_REFLECTION))
    assert recovery.cookie_name() in seen and settings.SESSION_COOKIE_NAME in seen  # the walk reached both
    assert set(seen) <= allowed, set(seen) - allowed
    for word in words:
        assert word not in "".join(seen.values())
        assert word.lower() not in "".join(seen.values()).lower()


def test_the_browser_is_given_no_writing_to_keep(client, alice):
    """Privacy page: "Your browser keeps your writing only while it waits to be sent, and then only encrypted:
    drafts are saved, encrypted, on the server." Pages and downloads that show writing tell the browser not to
    store them, and no script of ours puts anything but the colour theme and the offline queue into browser
    storage. The queue is sealed with a key the browser made non-extractable (its contents are read back and
    searched for the words written in tests/browser/test_offline_journey.py)."""
    reflection = make_reflection(alice, title="Hidden title", body="Hidden body words")
    reauthenticated(client, alice)
    pages = [
        reverse("journal:reflection_detail", args=[reflection.pk]),
        reverse("journal:reflection_edit", args=[reflection.pk]),
        reverse("journal:reflection_list"),
        reverse("journal:reflection_list") + "?q=Hidden",
        reverse("journal:export_json"),
        reverse("journal:export_markdown"),
        reverse("journal:export_csv"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
    storage = re.compile(r"localStorage|sessionStorage|indexedDB|document\.cookie|caches\.open")
    for script in (ROOT / "static" / "js").glob("*.js"):
        text = script.read_text()
        if script.name == "theme.js":
            assert set(re.findall(r"localStorage\.setItem\(([^,]+),", text)) == {"KEY"}
            assert 'var KEY = "attune-colour-mode";' in text
            continue
        if script.name == "offline.js":
            code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
            assert not re.search(r"localStorage|sessionStorage|document\.cookie|caches\.open", code)
            assert 'generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])' in code
            continue
        assert not storage.search(text), script.name


def test_no_advertising_tracking_or_analytics(client, alice):
    """Privacy page: "No advertising, no tracking, no analytics." No page loads or sends anything to another
    site: the security policy names no other host, and no template links a script, style, image or frame
    from elsewhere."""
    client.force_login(alice)
    for url in ("/", reverse("privacy"), NEW_REFLECTION, reverse("needs:inventory")):
        csp = client.get(url)["Content-Security-Policy"]
        sources = [token for directive in csp.split(";") for token in directive.split()[1:]]
        foreign = [t for t in sources if not (t.startswith("'") or t in {"data:", "blob:"})]
        assert not foreign, (url, foreign)
    external = re.compile(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", re.IGNORECASE)
    for template in (ROOT / "templates").rglob("*.html"):
        for match in external.finditer(template.read_text()):
            assert match.group(1).lower() == "link" and "stylesheet" not in match.group(0), (
                template,
                match[0],
            )


# --- Email -----------------------------------------------------------------------------------------------


def test_no_email_but_account_codes_and_reminders(client, alice, bob, django_capture_on_commit_callbacks):
    """Privacy page: "We email you only for your account (sign-in and verification codes), if you ask,
    reminders … and, unless you turn it off in your settings, a note when someone you are connected with shares or
    answers a need: it says only that there is something new from them". Cards, connecting, writing, exporting
    and deleting send nothing; sharing and answering send that note and nothing more."""
    need = make_need(alice, "Rest")
    mail.outbox.clear()
    reauthenticated(client, alice)
    client.post(reverse("sharing:card_create"), {"label": "For Sam", "needs": [need.pk]})
    client.post(reverse("sharing:partners"))
    code = Invitation.objects.get().reveal("code", owner=alice)
    client.post(NEW_REFLECTION, {"date": "2026-01-05", "body": "words"})
    client.get(reverse("journal:export_json"))
    client.force_login(bob)
    client.post(reverse("sharing:partner_join"), {"code": code})
    link = Connection.objects.get()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sharing:partner_share", args=[link.pk]), {"needs": [need.pk]})
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("sharing:partner_answer", args=[link.pk, SharedNeed.objects.get().pk]),
            {"kind": "offer", "note": "NOTE-WORDS"},
        )
    news = [(m.to, m.subject) for m in mail.outbox]
    assert news == [(["bob@example.com"], "Attune: something new from your connection"),
                    (["alice@example.com"], "Attune: something new from your connection")]  # fmt: skip
    assert not any("Rest" in m.body or "NOTE-WORDS" in m.body for m in mail.outbox)
    mail.outbox.clear()
    client.post(reverse("sharing:partner_end", args=[link.pk]))
    reauthenticated(client, alice)
    client.post(reverse("journal:delete_account"), {"confirmation": "Delete my journal"})
    assert not type(alice).objects.filter(pk=alice.pk).exists()  # the walk reached its end
    assert mail.outbox == [], [m.subject for m in mail.outbox]


def test_reminder_links_point_at_the_configured_site(alice, settings):
    """README: `ATTUNE_SITE_URL` is "the public address used for links in reminder emails"."""
    settings.ATTUNE_SITE_URL = "https://journal.example.org"
    Reminder.objects.create(owner=alice, time_zone="UTC", daily_enabled=True, daily_time=dt.time(9, 0))
    assert send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)) == 1
    message = mail.outbox[-1]
    links = re.findall(r"https?://\S+", message.body + message.extra_headers["List-Unsubscribe"])
    assert len(links) >= 2
    assert all(link.lstrip("<").startswith("https://journal.example.org/") for link in links), links


# --- Partner exchange ------------------------------------------------------------------------------------


def test_connecting_shares_nothing_by_itself_and_each_sees_the_name_the_other_chose(client, alice, bob):
    """partner_join.html: "Connecting shares nothing by itself … You will each see the name the other chose, never
    an email address." partners.html: "Once connected, you each see the name the other chose (never an email
    address), and only the needs each of you chooses to share." """
    make_need(alice, "Alicesneed")
    make_need(bob, "Bobsneed")
    client.force_login(alice)
    client.post(reverse("sharing:partners"), {"display_name": "Ali"})
    code = Invitation.objects.get().reveal("code", owner=alice)
    client.force_login(bob)
    client.post(reverse("sharing:partner_join"), {"code": code, "display_name": ""})
    link = Connection.objects.get()
    bobs_view = client.get(reverse("sharing:partner_detail", args=[link.pk])).content.decode()
    assert (
        "You and Ali" in bobs_view and "alice@example.com" not in bobs_view and "Alicesneed" not in bobs_view
    )
    client.force_login(alice)
    alices_view = client.get(reverse("sharing:partner_detail", args=[link.pk])).content.decode()
    assert "You and your connection" in alices_view and "Bobsneed" not in alices_view
    listing = client.get(reverse("sharing:partners")).content.decode()
    assert "With your connection" in listing
    assert not re.search(r"\bbob\b", alices_view + listing, re.IGNORECASE)  # no email, nor its local part
    assert not SharedNeed.objects.exists()


def test_the_invited_person_can_end_it_too_and_then_nothing_is_shown(client, alice, bob):
    """Privacy page: a connected partner sees "nothing once either of you ends the connection"; partners.html:
    "either of you can end it at any moment"."""
    need = make_need(alice, "Alicesneed")
    link = Connection.objects.create(inviter=alice, invitee=bob)
    SharedNeed.objects.create(connection=link, owner=alice, need=need)
    client.force_login(bob)
    assert "Alicesneed" in client.get(reverse("sharing:partner_detail", args=[link.pk])).content.decode()
    client.post(reverse("sharing:partner_end", args=[link.pk]))
    for person in (alice, bob):
        client.force_login(person)
        assert client.get(reverse("sharing:partner_detail", args=[link.pk])).status_code == 404
        assert "Alicesneed" not in client.get(reverse("sharing:partners")).content.decode()
        assert (
            client.post(reverse("sharing:partner_share", args=[link.pk]), {"needs": [need.pk]}).status_code
            == 404
        )


def test_an_invitation_works_once_and_only_until_the_end_of_the_day_it_shows(client, alice, bob):
    """partners.html: "Invitation link (works once, until the end of <date>)", in the inviter's own day."""
    Profile.objects.update_or_create(owner=alice, defaults={"time_zone": "America/Los_Angeles"})
    zone = ZoneInfo("America/Los_Angeles")
    start = dt.datetime(2026, 3, 1, 12, 0, tzinfo=zone)
    with time_machine.travel(start, tick=False):
        client.force_login(alice)
        client.post(reverse("sharing:partners"))
        invitation = Invitation.objects.get()
        code = invitation.reveal("code", owner=alice)
        shown = re.search(
            r"works once, until the end of (\d+ \w+)\)",
            client.get(reverse("sharing:partners")).content.decode(),
        )
        assert shown
    last_day = dt.datetime.strptime(f"{shown.group(1)} 2026", "%d %b %Y").date()
    assert last_day == dt.date(2026, 3, 8)
    end_of_last_day = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    client.force_login(bob)
    with time_machine.travel(end_of_last_day, tick=False):
        assert "doesn’t work" in client.post(reverse("sharing:partner_join"), {"code": code}).content.decode()
    assert not Connection.objects.exists()
    # The last second of the date it shows, in the inviter's zone (08:00 the next morning in UTC): still works.
    with time_machine.travel(end_of_last_day - dt.timedelta(seconds=1), tick=False):
        client.force_login(bob)
        assert client.post(reverse("sharing:partner_join"), {"code": code}).status_code == 302
        client.force_login(make_person("carol@example.com"))  # once only
        assert "doesn’t work" in client.post(reverse("sharing:partner_join"), {"code": code}).content.decode()
    assert Connection.objects.count() == 1


# --- Deletion ----------------------------------------------------------------------------------------------


def test_deleting_an_account_stops_every_shared_link_and_connection(client, alice, bob):
    """delete_account.html: deleting "ends every signed-in session and any shared link"."""
    need = make_need(alice, "Alicesneed")
    card = make_card(alice, [need])
    link = Connection.objects.create(inviter=alice, invitee=bob)
    SharedNeed.objects.create(connection=link, owner=alice, need=need)
    assert client.get(f"/c/{card.plain_token}/").status_code == 200
    reauthenticated(client, alice)
    response = client.post(reverse("journal:delete_account"), {"confirmation": "Delete my journal"})
    assert response.status_code == 302
    client.logout()
    assert client.get(f"/c/{card.plain_token}/").status_code == 404
    client.force_login(bob)
    assert client.get(reverse("sharing:partner_detail", args=[link.pk])).status_code == 404
    assert "Alicesneed" not in client.get(reverse("sharing:partners")).content.decode()


# --- Export ------------------------------------------------------------------------------------------------


def test_the_markdown_export_honours_the_date_range(client, alice):
    """Privacy page: each export "can be limited to a date range" (the JSON and CSV ranges are tested with
    them; this is the Markdown zip)."""
    for day in (1, 2, 3):
        make_reflection(alice, title=f"Day {day}", body=f"Body {day}", date=dt.date(2026, 1, day))
    reauthenticated(client, alice)
    response = client.get(reverse("journal:export_markdown") + "?date_from=2026-01-02&date_to=2026-01-02")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    reflections = [name for name in archive.namelist() if re.search(r"/\d{4}-\d\d-\d\d-", name)]
    assert reflections == ["attune-journal/2026-01-02-day-2.md"], archive.namelist()


# --- Logs ------------------------------------------------------------------------------------------------


def test_logs_never_hold_what_people_write_search_or_send_in_a_form(client, alice, caplog, capfd):
    """Privacy page: "Logs never hold what you write, what you search for, or anything sent in a form." Every
    logger, at every level, while people write, search, send refused and broken forms and hit missing pages."""
    words = ["Marigoldword", "Tamarindword", "Cobaltword"]
    caplog.set_level(logging.DEBUG)
    need = make_need(alice, "Rest")
    client.force_login(alice)
    client.post(NEW_REFLECTION, {"date": "2026-01-05", "title": words[0], "body": words[1]})
    client.post(NEW_REFLECTION, {"date": "not a date", "title": words[0], "body": words[1]})
    client.post(NEW_REFLECTION, {"date": "2026-01-05", "body": words[2] * 40000})
    client.get(reverse("journal:reflection_list"), {"q": words[2]})
    client.post(reverse("journal:draft_save"), {"body": words[1], "date": "2026-01-05"})
    client.post(
        reverse("needs:checkin_edit", args=["00000000-0000-0000-0000-000000000000"]), {"note": words[2]}
    )
    client.post(
        reverse("needs:pause_plan", args=[make_relationship(alice).pk]), {"what_must_change": words[0]}
    )
    client.post(f"/no-such-page/?q={words[2]}", {"text": words[0]})
    client.post(reverse("needs:checkin"), {"date": "2026-01-05", f"note_{need.pk}": words[1]})
    client.logout()
    client.post(NEW_REFLECTION, {"date": "2026-01-05", "body": words[0]})
    client.post(reverse("account_login"), {"login": f"{words[1]}@example.com", "password": words[2]})
    assert caplog.records, "the requests above were logged"
    # What the configured handlers write out, and each message as logged.
    logged = capfd.readouterr().err + caplog.text
    for word in words:
        assert word not in logged and word.lower() not in logged.lower(), word


# --- Settings table ----------------------------------------------------------------------------------------

PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-for-this-test-only-0123456789-xyz",
    "DJANGO_ALLOWED_HOSTS": "attune.example.org",
    "ATTUNE_MASTER_KEYS": "dGVzdHMtb25seS1tYXN0ZXIta2V5LTAxMjM0NTY3ODk=",
}


def shell(code: str, **env: str) -> str:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_", "CONN_"))}
    environment.update(PRODUCTION)
    environment.update(env)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_sqlite_never_keeps_a_connection_open(tmp_path):
    """README: `CONN_MAX_AGE` … "SQLite: always 0"."""
    code = "from django.db import connections; print(connections['default'].settings_dict['CONN_MAX_AGE'])"
    assert shell(code, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", CONN_MAX_AGE="60") == "0"
    assert shell(code, DATABASE_URL="postgres://u:p@127.0.0.1:5432/x", CONN_MAX_AGE="60") == "60"


def test_the_admin_path_setting_moves_the_staff_admin():
    """README: `ATTUNE_ADMIN_PATH` is the URL path of the staff admin."""
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    assert shell(code, ATTUNE_ADMIN_PATH="quiet-door-81") == "/quiet-door-81/"
    assert shell(code) == "/admin/"


def test_the_session_age_setting_bounds_every_session(client, alice, settings):
    """README: `ATTUNE_SESSION_AGE` (default 14 days) is the session lifetime; the privacy page quotes it for how
    long a session's address and browser are kept."""
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE)"
    assert shell(code) == str(14 * 86400)
    assert shell(code, ATTUNE_SESSION_AGE="3600") == "3600"
    settings.SESSION_COOKIE_AGE = 3600
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
        session = Session.objects.get(session_key=client.session.session_key)
        assert session.expire_date <= dt.datetime(2026, 6, 10, 13, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 6, 10, 13, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(reverse("needs:inventory")).status_code == 302  # signed out


def test_the_demo_account_exists_only_in_local_mode(db, settings):
    """README: `create_demo_account` — "local mode only"."""
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="local mode"):
        call_command("create_demo_account")
    assert not get_user_model().objects.exists()


def test_static_files_have_hashed_names_and_long_cache_lifetimes():
    """README: static files "are served by whitenoise from `staticfiles/` with hashed names and long cache
    lifetimes" (checked in production mode)."""
    code = (
        "from django.templatetags.static import static; from django.test import Client;"
        "url = static('css/app.css'); r = Client().get(url, secure=True, HTTP_HOST='attune.example.org');"
        "print(url, r.status_code, r.headers.get('Cache-Control'))"
    )
    from tests.conftest import ensure_static_collected

    ensure_static_collected()
    url, status, *cache_control = shell(code).split(" ", 2)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url), url
    assert status == "200"
    assert "max-age=315360000" in cache_control[0] and "immutable" in cache_control[0], cache_control


def test_a_deleted_starter_item_comes_back_on_the_next_load(db):
    """README: `load_starter_content` "adds missing starter catalogue needs and prompts by their slug … (a deleted
    one comes back on the next load)"."""
    from django.core.management import call_command

    from journal.models import Prompt
    from needs.models.needs import CatalogueNeed

    call_command("load_starter_content")
    need, prompt = CatalogueNeed.objects.order_by("slug").first(), Prompt.objects.order_by("slug").first()
    counts = (CatalogueNeed.objects.count(), Prompt.objects.count())
    need.delete()
    prompt.delete()
    call_command("load_starter_content")
    assert (CatalogueNeed.objects.count(), Prompt.objects.count()) == counts
    assert (
        CatalogueNeed.objects.filter(slug=need.slug).exists()
        and Prompt.objects.filter(slug=prompt.slug).exists()
    )
