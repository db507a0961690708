"""Never lose text: server-side drafts, and text given back after an expired session or a CSRF failure."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from journal.models import Draft, Reflection
from journal.services.drafts import draft_payload
from needs.privacy import recovery
from needs.privacy.tags import person_tag
from tests.conftest import PASSWORD
from tests.factories import make_draft, make_need, make_reflection

pytestmark = pytest.mark.django_db
NEW = reverse("journal:reflection_create")
SAVE = reverse("journal:draft_save")
TEXT = "Line one — with an em dash.\n\n  Indented line, emoji 🌱, RTL שלום, and <angle> & ampersand.\n"


def test_autosave_keeps_a_sealed_draft_and_updates_it_in_place(client, alice):
    client.force_login(alice)
    first = client.post(SAVE, {"date": "2026-06-10", "body": "first words"}).json()
    assert first["saved"] is True
    second = client.post(SAVE, {"date": "2026-06-10", "body": TEXT, "draft_id": first["draft_id"]}).json()
    assert second["draft_id"] == first["draft_id"]
    draft = Draft.objects.for_user(alice).get()
    assert "first words" not in draft.payload and "שלום" not in draft.payload
    assert draft_payload(draft, user=alice)["body"] == [TEXT]


def test_an_empty_form_is_not_saved_as_a_draft(client, alice):
    client.force_login(alice)
    assert client.post(SAVE, {"date": "2026-06-10", "body": "   "}).json() == {
        "saved": False,
        "reason": "empty",
    }
    assert not Draft.objects.exists()


def test_an_unsaved_draft_is_offered_back_with_every_character(client, alice):
    need = make_need(alice, "Rest")
    draft = make_draft(
        alice, {"date": ["2026-06-09"], "title": ["Unfinished"], "body": [TEXT], "needs": [str(need.pk)]}
    )
    client.force_login(alice)
    page = client.get(NEW).content.decode()
    assert "You have unsaved writing" in page and f"?draft={draft.pk}" in page
    form = client.get(NEW + f"?draft={draft.pk}").context["form"]
    assert form["body"].value() == TEXT and form["title"].value() == "Unfinished"
    assert form["needs"].value() == [str(need.pk)]
    # Saving the reflection clears the draft.
    response = client.post(NEW, {"date": "2026-06-09", "body": TEXT, "draft_id": str(draft.pk)})
    assert response.status_code == 302
    assert not Draft.objects.exists()
    assert Reflection.objects.get().reveal("body", owner=alice) == TEXT.strip()


def test_an_autosave_arriving_after_the_save_does_not_resurrect_the_draft(client, alice):
    draft = make_draft(alice, {"body": ["x"]})
    client.force_login(alice)
    client.post(NEW, {"date": "2026-01-01", "body": "saved", "draft_id": str(draft.pk)})
    late = client.post(SAVE, {"date": "2026-01-01", "body": "saved", "draft_id": str(draft.pk)}).json()
    assert late == {"saved": False, "reason": "already saved"}
    assert not Draft.objects.exists()


def test_an_edit_with_newer_unsaved_changes_offers_them(client, alice):
    reflection = make_reflection(alice, body="saved text")
    client.force_login(alice)
    client.post(
        SAVE + f"?reflection={reflection.pk}",
        {"date": "2026-01-01", "body": "newer unsaved text", "version": "1"},
    )
    page = client.get(reverse("journal:reflection_edit", args=[reflection.pk])).content.decode()
    assert "You have unsaved changes" in page
    draft = Draft.objects.get()
    form = client.get(
        reverse("journal:reflection_edit", args=[reflection.pk]) + f"?draft={draft.pk}"
    ).context["form"]
    assert form["body"].value() == "newer unsaved text"


def test_discarding_a_draft(client, alice):
    draft = make_draft(alice, {"body": ["bye"]})
    client.force_login(alice)
    client.post(reverse("journal:draft_discard", args=[draft.pk]))
    assert not Draft.objects.exists()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_text_sent_after_the_session_expired_comes_back_after_logging_in(client, alice):
    need = make_need(alice, "Rest")
    data = {
        "date": "2026-06-10",
        "title": "Late night",
        "body": TEXT,
        "needs": [str(need.pk)],
        "anxiety": "4",
        recovery.WRITER_FIELD: person_tag(alice),  # the page it was written on was alice's
    }
    response = client.post(NEW, data)  # not signed in: the session had expired
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert recovery.cookie_name() in response.cookies
    assert TEXT not in str(client.session.items())  # the server holds ciphertext only
    assert "Late" not in response["Location"]  # and nothing goes into the URL

    login = client.post(
        reverse("account_login"), {"login": "alice@example.com", "password": PASSWORD, "next": NEW}
    )
    assert login.status_code == 302 and login["Location"] == NEW
    page = client.get(NEW)
    form = page.context["form"]
    assert form["body"].value() == TEXT and form["title"].value() == "Late night"
    assert form["needs"].value() == [str(need.pk)] and form["anxiety"].value() == "4"
    assert "Nothing is saved yet" in page.content.decode()
    assert not Reflection.objects.exists()
    # Given back once: the next visit is a fresh form, and the key cookie is cleared.
    assert page.cookies[recovery.cookie_name()].value == ""
    assert client.get(NEW).context["form"]["body"].value() in (None, "")


def test_a_kept_text_only_opens_with_the_browsers_key(client, alice):
    kept = client.post(
        NEW, {"date": "2026-06-10", "body": "secret words", recovery.WRITER_FIELD: person_tag(alice)}
    )
    assert recovery.cookie_name() in kept.cookies
    client.cookies[recovery.cookie_name()] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    client.force_login(alice)
    assert client.get(NEW).context["form"]["body"].value() in (None, "")


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_csrf_failure_shows_the_form_again_with_every_character(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        NEW, {"date": "2026-06-10", "title": "Stale", "body": TEXT, recovery.WRITER_FIELD: person_tag(alice)}
    )
    assert response.status_code == 403
    form = response.context["form"]
    assert form["body"].value() == TEXT and form["title"].value() == "Stale"
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and "Nothing is saved yet" in html
    assert not Reflection.objects.exists()
    # The fresh token works: sending again saves.
    token = response.cookies["csrftoken"].value
    saved = client.post(
        NEW, {"date": "2026-06-10", "title": "Stale", "body": TEXT, "csrfmiddlewaretoken": token}
    )
    assert saved.status_code == 302
    assert Reflection.objects.get().reveal("body", owner=alice) == TEXT.strip()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_text_kept_after_a_session_expired_goes_back_only_to_the_person_who_wrote_it(client, alice, bob):
    written = {
        "date": "2026-06-10",
        "title": "Alice's evening",
        "body": TEXT,
        recovery.WRITER_FIELD: person_tag(alice),
    }
    kept = client.post(NEW, written)  # alice's session had expired: kept for her
    assert kept.status_code == 302 and recovery.cookie_name() in kept.cookies
    assert recovery.SESSION_KEY in client.session
    # Someone else signs in on the same browser: a fresh form, none of alice's words.
    client.post(reverse("account_login"), {"login": "bob@example.com", "password": PASSWORD, "next": NEW})
    page = client.get(NEW)
    form = page.context["form"]
    assert form["body"].value() in (None, "") and form["title"].value() in (None, "")
    html = page.content.decode()
    assert "Alice&#x27;s evening" not in html and "Alice's evening" not in html
    assert "Nothing is saved yet" not in html


def test_a_form_naming_no_writer_is_not_kept_for_whoever_signs_in_next(client, alice):
    response = client.post(NEW, {"date": "2026-06-10", "body": "whose words?"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert recovery.cookie_name() not in response.cookies
    assert recovery.SESSION_KEY not in client.session


def test_the_writer_field_names_the_signed_in_person_on_every_form_whose_text_is_kept(client, alice):
    client.force_login(alice)
    field = f'name="{recovery.WRITER_FIELD}" value="{person_tag(alice)}"'
    assert field in client.get(NEW).content.decode()
    reflection = make_reflection(alice, body="Morning pages")
    assert field in client.get(reverse("journal:reflection_edit", args=[reflection.pk])).content.decode()


def test_a_csrf_failure_on_another_persons_page_never_fills_this_persons_form(alice, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)  # alice's page was still open; bob signed in meanwhile
    response = client.post(
        NEW,
        {
            "date": "2026-06-10",
            "title": "Alice's",
            "body": "Alice's words",
            recovery.WRITER_FIELD: person_tag(alice),
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert response.context.get("form") is None  # not bob's reflection form, filled in
    assert "Alice&#x27;s words" in html  # shown to copy, to whoever just wrote them
    assert "Send again" not in html and 'name="body"' not in html
    assert not Reflection.objects.exists()
