"""Reflections: write, read (sanitised Markdown), edit with conflict detection, trash and restore."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from journal.models import Draft, Reflection
from tests.factories import make_draft, make_need, make_personal_prompt, make_reflection

pytestmark = pytest.mark.django_db
NEW = reverse("journal:reflection_create")


def form(**changes):
    data = {
        "date": "2026-06-10",
        "title": "",
        "body": "Today I noticed I need quiet.",
        "anxiety": "",
        "confidence": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_writing_a_reflection_linked_to_needs_with_feelings(client, alice, frozen):
    rest, heard = make_need(alice, "Rest"), make_need(alice, "Being heard", "emotional")
    client.force_login(alice)
    response = client.post(
        NEW, form(title="A quiet evening", needs=[rest.pk, heard.pk], anxiety="3", confidence="7")
    )
    reflection = Reflection.objects.for_user(alice).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "journal:reflection_detail", args=[reflection.pk]
    )
    assert set(reflection.needs.all()) == {rest, heard}
    assert (reflection.anxiety, reflection.confidence, reflection.date) == (3, 7, dt.date(2026, 6, 10))
    assert reflection.reveal("title", owner=alice) == "A quiet evening"
    page = client.get(response["Location"]).content.decode()
    assert "A quiet evening" in page and "Today I noticed I need quiet." in page and "3 out of 10" in page


def test_several_reflections_a_day_are_allowed(client, alice, frozen):
    client.force_login(alice)
    client.post(NEW, form(body="Morning"))
    client.post(NEW, form(body="Evening"))
    assert Reflection.objects.for_user(alice).filter(date=dt.date(2026, 6, 10)).count() == 2


def test_the_body_is_rendered_as_sanitised_markdown(client, alice):
    body = (
        "# Heading\n\n**bold** and *soft*\n\n"
        "[a link](https://example.org) [bad](javascript:alert(1))\n\n"
        '<script>alert("x")</script> <img src=x onerror=alert(1)> <b style="color:red">raw</b>'
    )
    reflection = make_reflection(alice, body=body)
    client.force_login(alice)
    html = client.get(reverse("journal:reflection_detail", args=[reflection.pk])).content.decode()
    assert "<h1>Heading</h1>" in html and "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert '<a href="https://example.org" rel="noopener nofollow noreferrer">a link</a>' in html
    assert 'href="javascript' not in html  # the unsafe link stays plain text
    assert "<script>alert" not in html
    assert "<img src=x" not in html and '<img src="x"' not in html
    assert '<b style="color:red">' not in html
    assert (
        "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    )  # shown as text, never run


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-06-11"}, "That date hasn’t happened yet."),
        ({"date": "not a date"}, "Enter a date."),
        ({"body": "   "}, "Write something before saving"),
        ({"anxiety": "11"}, "Choose a number from 0 to 10, or skip it."),
        ({"confidence": "-1"}, "Choose a number from 0 to 10, or skip it."),
        ({"title": "t" * 301}, "Ensure this value has at most 300 characters (it has 301)."),
        ({"body": "b" * 100_001}, "Ensure this value has at most 100000 characters (it has 100001)."),
        ({"prompt": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_clear_message_keeps_the_text_and_saves_nothing(
    client, alice, frozen, changes, message
):
    client.force_login(alice)
    data = form(**{"title": "Keep this title", **changes})
    response = client.post(NEW, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not Reflection.objects.exists()
    if "body" not in changes:
        assert "Today I noticed I need quiet." in html
    if "title" not in changes:
        assert "Keep this title" in html


def test_another_persons_need_cannot_be_linked(client, alice, bob, frozen):
    bobs = make_need(bob, "Bob's need")
    client.force_login(alice)
    response = client.post(NEW, form(needs=[bobs.pk]))
    assert "One of the chosen needs isn’t yours" in response.content.decode()
    assert not Reflection.objects.exists()


def test_answering_a_prompt_prefills_the_form(client, alice, frozen):
    call_command("load_starter_content")
    from journal.models import Prompt

    prompt = Prompt.objects.first()
    client.force_login(alice)
    page = client.get(NEW + f"?prompt={prompt.pk}").content.decode()
    assert prompt.text.replace("'", "&#x27;") in page
    assert f'name="prompt" value="{prompt.pk}"' in page
    client.post(NEW, form(prompt=prompt.pk))
    assert Reflection.objects.get().prompt == prompt
    own = make_personal_prompt(alice, "What did I avoid today?")
    page = client.get(NEW + f"?personal_prompt={own.pk}").content.decode()
    assert "What did I avoid today?" in page


def test_editing_saves_and_bumps_the_version(client, alice, frozen):
    reflection = make_reflection(alice, body="first", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    url = reverse("journal:reflection_edit", args=[reflection.pk])
    assert "first" in client.get(url).content.decode()
    client.post(url, form(body="second", date="2026-06-01", version="1"))
    reflection.refresh_from_db()
    assert reflection.version == 2 and reflection.reveal("body", owner=alice) == "second"


def test_an_edit_that_changed_elsewhere_shows_both_versions_and_overwrites_nothing(client, alice, frozen):
    reflection = make_reflection(alice, body="original", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    url = reverse("journal:reflection_edit", args=[reflection.pk])
    client.post(url, form(body="saved from the laptop", date="2026-06-01", version="1"))  # version → 2
    response = client.post(url, form(body="typed on the phone", date="2026-06-01", version="1"))
    html = response.content.decode()
    assert "This reflection changed somewhere else" in html
    assert "saved from the laptop" in html and "typed on the phone" in html
    reflection.refresh_from_db()
    assert reflection.reveal("body", owner=alice) == "saved from the laptop"

    # The conflict view answers the version it showed; the choices are checked against it.
    assert response.context["form"]["version"].value() == "2"
    merged = client.post(
        url, form(body="typed on the phone", date="2026-06-01", version="2", resolve="merge")
    )
    text = merged.context["form"]["body"].value()
    assert "typed on the phone" in text and "saved from the laptop" in text
    reflection.refresh_from_db()
    assert reflection.reveal("body", owner=alice) == "saved from the laptop"

    client.post(url, form(body="typed on the phone", date="2026-06-01", version="2", resolve="mine"))
    reflection.refresh_from_db()
    assert reflection.reveal("body", owner=alice) == "typed on the phone" and reflection.version == 3


def test_keeping_the_saved_version_discards_this_windows_edit_only(client, alice, frozen):
    reflection = make_reflection(alice, body="keep me", date=dt.date(2026, 6, 1))
    mine = make_draft(alice, {"body": ["unsaved edit"]}, reflection=reflection)
    elsewhere = make_draft(alice, {"body": ["typed in another window"]}, reflection=reflection)
    client.force_login(alice)
    url = reverse("journal:reflection_edit", args=[reflection.pk])
    client.post(url, form(body="other", version="1", resolve="theirs", draft_id=str(mine.pk)))
    reflection.refresh_from_db()
    assert reflection.reveal("body", owner=alice) == "keep me"
    assert list(Draft.objects.all()) == [elsewhere]


def test_delete_moves_to_trash_and_restore_brings_it_back(client, alice):
    reflection = make_reflection(alice, title="Trash me")
    client.force_login(alice)
    client.post(reverse("journal:reflection_delete", args=[reflection.pk]))
    reflection.refresh_from_db()
    assert reflection.deleted_at is not None
    assert "Trash me" not in client.get(reverse("journal:reflection_list")).content.decode()
    assert "Trash me" in client.get(reverse("journal:trash")).content.decode()
    client.post(reverse("journal:reflection_restore", args=[reflection.pk]))
    reflection.refresh_from_db()
    assert reflection.deleted_at is None


def test_purge_trash_empties_only_what_is_older_than_30_days(alice):
    old = make_reflection(alice, body="old")
    recent = make_reflection(alice, body="recent")
    live = make_reflection(alice, body="live")
    Reflection.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    Reflection.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - dt.timedelta(days=29))
    call_command("purge_trash")
    assert set(Reflection.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    call_command("purge_trash")  # idempotent
    assert Reflection.objects.count() == 2


def test_the_need_page_lists_linked_reflections(client, alice):
    need = make_need(alice, "Rest")
    make_reflection(alice, title="About rest", needs=[need])
    make_reflection(alice, title="Not about rest")
    make_reflection(alice, title="Trashed about rest", needs=[need], trashed=True)
    client.force_login(alice)
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "Reflections about this need" in html
    assert "About rest" in html and "Not about rest" not in html and "Trashed about rest" not in html


def test_the_database_holds_no_plaintext_of_titles_bodies_drafts_or_own_prompts(alice):
    from journal.models import PersonalPrompt

    make_reflection(alice, title="TITLE-SECRET-91ab", body="BODY-SECRET-22cd lighthouse")
    make_draft(alice, {"body": ["DRAFT-SECRET-33ef"], "title": ["draft title"]})
    make_personal_prompt(alice, "PROMPT-SECRET-44aa?")
    secrets = ["TITLE-SECRET", "BODY-SECRET", "lighthouse", "DRAFT-SECRET", "PROMPT-SECRET"]
    with connection.cursor() as cursor:
        for model in (Reflection, Draft, PersonalPrompt):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump
