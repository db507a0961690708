"""No text is ever lost or silently overwritten: conflicts against the newest version, autosaves that arrive
after another window saved, the same form sent twice, and the caps on drafts."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.forms import BODY_LIMIT, TITLE_LIMIT
from journal.models import DRAFTS_PER_PERSON, Draft, Reflection
from journal.services import reflections
from journal.services.drafts import draft_payload
from journal.services.reflections import reflection_save
from tests.factories import make_draft, make_reflection

pytestmark = pytest.mark.django_db
NEW = reverse("journal:reflection_create")
SAVE = reverse("journal:draft_save")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


def edit_url(reflection):
    return reverse("journal:reflection_edit", args=[reflection.pk])


def fields(**changes):
    data = {"date": "2026-06-01", "title": "", "body": "words", "anxiety": "", "confidence": ""}
    data.update(changes)
    return data


def body_of(reflection, user):
    reflection.refresh_from_db()
    return reflection.reveal("body", owner=user)


# --- 1. Every resolution compares against the version current at that moment ------------------------


def test_keep_mine_after_a_third_window_saved_shows_the_newest_text_first(client, alice):
    reflection = make_reflection(alice, body="original", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    url = edit_url(reflection)
    client.post(url, fields(body="second window", version="1"))  # S2 saves: version 2
    conflict = client.post(url, fields(body="first window", version="1"))  # S1: conflict showing S2
    assert conflict.context["conflict"]["current"].plain.body == "second window"
    shown = conflict.context["form"]["version"].value()
    assert shown == "2"
    client.post(url, fields(body="third window", version="2"))  # S3 saves: version 3

    again = client.post(url, fields(body="first window", version=shown, resolve="mine"))
    assert again.status_code == 200
    assert (
        again.context["conflict"]["current"].plain.body == "third window"
        and again.context["conflict"]["again"]
    )
    assert "third window" in again.content.decode() and "saved again" in again.content.decode()
    assert again.context["form"]["body"].value() == "first window"
    assert body_of(reflection, alice) == "third window"  # nothing overwritten unseen

    # Choosing again, against the version now shown, keeps the person's text.
    newest = again.context["form"]["version"].value()
    done = client.post(url, fields(body="first window", version=newest, resolve="mine"))
    assert done.status_code == 302
    assert body_of(reflection, alice) == "first window" and reflection.version == 4


@pytest.mark.parametrize("resolve", ["merge", "theirs"])
def test_merging_or_keeping_the_saved_version_against_an_older_view_shows_the_newest(client, alice, resolve):
    reflection = make_reflection(alice, body="original", date=dt.date(2026, 6, 1))
    draft = make_draft(alice, {"body": ["first window"], "version": ["1"]}, reflection=reflection)
    client.force_login(alice)
    url = edit_url(reflection)
    client.post(url, fields(body="second window", version="1"))
    client.post(url, fields(body="third window", version="2"))
    # The conflict view showed version 2; version 3 is newer.
    response = client.post(
        url, fields(body="first window", version="2", resolve=resolve, draft_id=str(draft.pk))
    )
    assert response.status_code == 200
    assert response.context["conflict"]["current"].plain.body == "third window"
    assert response.context["form"]["body"].value() == "first window"  # not merged with text not seen
    assert response.context["form"]["version"].value() == "3"
    assert Draft.objects.filter(pk=draft.pk).exists()  # "keep the saved version" discarded nothing
    assert body_of(reflection, alice) == "third window"


def test_an_edit_sent_without_a_version_never_overwrites(client, alice):
    reflection = make_reflection(alice, body="saved words", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    response = client.post(edit_url(reflection), fields(body="blind overwrite"))
    assert response.status_code == 200 and response.context["conflict"]["current"].plain.body == "saved words"
    assert body_of(reflection, alice) == "saved words"


def test_the_same_edit_sent_twice_saves_once_and_is_no_conflict(client, alice):
    reflection = make_reflection(alice, body="before", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    first = client.post(edit_url(reflection), fields(body="after", version="1"))
    repeat = client.post(edit_url(reflection), fields(body="after", version="1"))
    assert first.status_code == repeat.status_code == 302
    assert repeat["Location"] == reverse("journal:reflection_detail", args=[reflection.pk])
    assert body_of(reflection, alice) == "after" and reflection.version == 2


# --- 2. An autosave after another window saved is kept, and comes back in the conflict view -----------


def test_autosave_after_another_window_saved_is_kept_and_offered_back_in_the_conflict_view(client, alice):
    reflection = make_reflection(alice, body="original", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    autosave = SAVE + f"?reflection={reflection.pk}"
    first = client.post(autosave, fields(body="S1 typing", version="1")).json()
    assert first["saved"] is True

    client.post(edit_url(reflection), fields(body="S2 saved this", version="1"))  # another window saves

    later = client.post(
        autosave, fields(body="S1 typing, and more", version="1", draft_id=first["draft_id"])
    ).json()
    assert later["saved"] is True and "saved in another window" in later["message"]
    draft = Draft.objects.for_user(alice).get()
    assert draft_payload(draft, user=alice)["body"] == ["S1 typing, and more"]
    assert "S1 typing" not in draft.payload  # sealed like every draft

    page = client.get(edit_url(reflection))
    assert page.context["conflict"]["current"].plain.body == "S2 saved this"
    assert page.context["form"]["body"].value() == "S1 typing, and more"
    assert page.context["form"]["version"].value() == "2"
    assert "Your writing was kept as a draft" in page.content.decode()

    kept = client.post(
        edit_url(reflection),
        fields(body="S1 typing, and more", version="2", draft_id=str(draft.pk), resolve="mine"),
    )
    assert kept.status_code == 302 and body_of(reflection, alice) == "S1 typing, and more"
    assert not Draft.objects.exists()


def test_an_autosave_whose_draft_was_removed_elsewhere_is_kept_as_a_new_draft(client, alice):
    client.force_login(alice)
    first = client.post(SAVE, {"date": "2026-06-10", "body": "one"}).json()
    client.post(reverse("journal:draft_discard", args=[first["draft_id"]]))  # discarded in another tab
    late = client.post(
        SAVE, {"date": "2026-06-10", "body": "one, two, three", "draft_id": first["draft_id"]}
    ).json()
    assert late["saved"] is True and late["draft_id"] != first["draft_id"]
    assert draft_payload(Draft.objects.get(), user=alice)["body"] == ["one, two, three"]


def test_a_late_autosave_of_exactly_the_saved_edit_keeps_nothing(client, alice):
    reflection = make_reflection(alice, body="original", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    autosave = SAVE + f"?reflection={reflection.pk}"
    draft_id = client.post(autosave, fields(body="final words", version="1")).json()["draft_id"]
    client.post(edit_url(reflection), fields(body="final words", version="1", draft_id=draft_id))
    late = client.post(autosave, fields(body="final words", version="1", draft_id=draft_id)).json()
    assert late == {"saved": False, "reason": "already saved"}
    assert not Draft.objects.exists()


def test_saving_removes_the_draft_whose_id_had_not_reached_the_page_yet(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(SAVE, {"date": "2026-06-10", "body": "in flight", "form_key": form_key})
    response = client.post(NEW, {"date": "2026-06-10", "body": "in flight", "form_key": form_key})
    assert response.status_code == 302
    assert not Draft.objects.exists()


# --- 3. The same form sent twice stores one reflection ----------------------------------------------------


def test_the_same_new_reflection_form_sent_twice_stores_one(client, alice, bob):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    data = {"date": "2026-06-10", "title": "Once", "body": "Sent twice.", "form_key": form_key}
    first = client.post(NEW, data)
    repeat = client.post(NEW, data)
    reflection = Reflection.objects.get()
    assert (
        first["Location"] == repeat["Location"] == reverse("journal:reflection_detail", args=[reflection.pk])
    )
    assert reflection.version == 1
    # The key is one person's: someone else sending the same key gets their own reflection.
    client.force_login(bob)
    theirs = client.post(NEW, data)
    assert Reflection.objects.for_user(bob).count() == 1 and Reflection.objects.for_user(alice).count() == 1
    assert theirs["Location"] != first["Location"]


def test_each_new_page_is_a_new_form(client, alice):
    client.force_login(alice)
    keys = {str(client.get(NEW).context["form"]["form_key"].value()) for _ in range(2)}
    assert len(keys) == 2
    for key in keys:
        client.post(NEW, {"date": "2026-06-10", "body": "Same words, two pages.", "form_key": key})
    assert Reflection.objects.count() == 2


def test_a_form_sent_again_with_changed_text_updates_its_reflection(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First try.", "form_key": form_key})
    again = client.post(NEW, {"date": "2026-06-10", "body": "First try, better.", "form_key": form_key})
    reflection = Reflection.objects.get()
    assert again["Location"] == reverse("journal:reflection_detail", args=[reflection.pk])
    assert body_of(reflection, alice) == "First try, better." and reflection.version == 2


def test_a_lost_race_on_the_form_key_answers_with_the_first_reflection(alice):
    """Two requests with one form: both find no reflection yet, one inserts first. The other's insert hits
    the unique constraint and answers with the first, inside the same transaction."""
    data = {"date": dt.date(2026, 6, 10), "title": "", "body": "Raced.", "form_key": "0" * 32}
    first = reflection_save(user=alice, reflection=Reflection(owner=alice), data=data)
    real = reflections._created_by
    calls = []

    def not_yet_committed(user, form_key):
        calls.append(form_key)
        return None if len(calls) == 1 else real(user, form_key)

    with mock.patch.object(reflections, "_created_by", not_yet_committed):
        second = reflection_save(user=alice, reflection=Reflection(owner=alice), data=data)
    assert len(calls) == 2  # the insert was tried, refused and answered
    assert second.pk == first.pk and Reflection.objects.count() == 1


# --- 4. Drafts are capped like reflections -------------------------------------------------------------


def test_a_draft_longer_than_a_reflection_is_refused_with_a_clear_reason(client, alice):
    client.force_login(alice)
    huge = client.post(SAVE, {"date": "2026-06-10", "body": "x" * 2_000_000}).json()
    assert huge["saved"] is False and huge["reason"] == "too long"
    assert "100,000 characters" in huge["message"] and "still here on the page" in huge["message"]
    long_title = client.post(SAVE, {"body": "fine", "title": "t" * (TITLE_LIMIT + 1)}).json()
    assert long_title["reason"] == "too long"
    assert not Draft.objects.exists()
    # Exactly as long as a reflection may be is fine; fields that are not the form's are not kept.
    full = client.post(SAVE, {"date": "2026-06-10", "body": "y" * BODY_LIMIT, "padding": "z" * 500}).json()
    assert full["saved"] is True
    assert set(draft_payload(Draft.objects.get(), user=alice)) == {"date", "body"}


def test_new_drafts_beyond_the_cap_are_refused_and_updates_still_work(client, alice, bob):
    for n in range(DRAFTS_PER_PERSON):
        make_draft(alice, {"body": [f"draft {n}"]})
    client.force_login(alice)
    refused = client.post(SAVE, {"date": "2026-06-10", "body": "one more"}).json()
    assert refused["saved"] is False and refused["reason"] == "too many drafts"
    assert f"{DRAFTS_PER_PERSON} unsaved drafts" in refused["message"]
    assert Draft.objects.for_user(alice).count() == DRAFTS_PER_PERSON

    oldest = Draft.objects.for_user(alice).order_by("created_at").first()
    update = client.post(SAVE, {"body": "draft 0, longer now", "draft_id": str(oldest.pk)}).json()
    assert update["saved"] is True and update["draft_id"] == str(oldest.pk)
    assert draft_payload(Draft.objects.get(pk=oldest.pk), user=alice)["body"] == ["draft 0, longer now"]

    client.force_login(bob)  # the cap is each person's own
    assert client.post(SAVE, {"body": "bob's first"}).json()["saved"] is True


def test_a_form_sent_again_after_its_reflection_was_edited_shows_the_conflict(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First sending.", "form_key": form_key})
    reflection = Reflection.objects.get()
    client.post(edit_url(reflection), fields(date="2026-06-10", body="Edited elsewhere.", version="1"))
    again = client.post(NEW, {"date": "2026-06-10", "body": "Sent again, changed.", "form_key": form_key})
    assert again.status_code == 200
    assert again.context["conflict"]["current"].plain.body == "Edited elsewhere."
    assert again.context["form"]["body"].value() == "Sent again, changed."
    assert f'action="{edit_url(reflection)}"' in again.content.decode()  # the choice goes to the edit page
    assert Reflection.objects.count() == 1 and body_of(reflection, alice) == "Edited elsewhere."


# --- 5. Text a person sends never goes into the trash; a removed draft stays removed ------------------


def trash(client, reflection):
    assert client.post(reverse("journal:reflection_delete", args=[reflection.pk])).status_code == 302
    reflection.refresh_from_db()
    assert reflection.deleted_at is not None


@pytest.mark.parametrize("body", ["First sending.", "Sent again, changed."])
def test_a_form_sent_again_after_its_reflection_was_trashed_brings_it_back_with_the_text(client, alice, body):
    """A 503 page's "Send again" after the person trashed what the first sending had saved."""
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First sending.", "form_key": form_key})
    reflection = Reflection.objects.get()
    trash(client, reflection)

    again = client.post(NEW, {"date": "2026-06-10", "body": body, "form_key": form_key}, follow=True)
    assert again.redirect_chain == [(reverse("journal:reflection_detail", args=[reflection.pk]), 302)]
    assert "This reflection was in the trash; it is back." in again.content.decode()
    assert list(Reflection.objects.for_user(alice).live()) == [reflection]  # out of the trash, no copy
    assert body_of(reflection, alice) == body


def test_a_form_sent_again_after_its_reflection_was_edited_and_trashed_restores_it_to_choose(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First sending.", "form_key": form_key})
    reflection = Reflection.objects.get()
    client.post(edit_url(reflection), fields(date="2026-06-10", body="Edited elsewhere.", version="1"))
    trash(client, reflection)

    again = client.post(NEW, {"date": "2026-06-10", "body": "Sent again, changed.", "form_key": form_key})
    assert again.status_code == 200 and again.context["conflict"]["current"].plain.body == "Edited elsewhere."
    assert "This reflection was in the trash; it is back." in again.content.decode()
    reflection.refresh_from_db()
    assert reflection.deleted_at is None and body_of(reflection, alice) == "Edited elsewhere."

    # The conflict view's choice goes to the edit page, which now answers and keeps the person's text.
    version = again.context["form"]["version"].value()
    kept = client.post(
        edit_url(reflection),
        fields(date="2026-06-10", body="Sent again, changed.", version=version, resolve="mine"),
    )
    assert kept.status_code == 302 and body_of(reflection, alice) == "Sent again, changed."


def test_an_edit_saved_while_another_window_trashes_the_reflection_brings_it_back(client, alice):
    reflection = make_reflection(alice, body="before", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    real = reflections.reflection_save

    def trashed_meanwhile(**kwargs):  # the edit page read it live; another window trashed it just then
        Reflection.objects.filter(pk=reflection.pk).update(deleted_at=dt.datetime(2026, 6, 10, tzinfo=dt.UTC))
        return real(**kwargs)

    with mock.patch.object(reflections, "reflection_save", trashed_meanwhile):
        response = client.post(edit_url(reflection), fields(body="after", version="1"), follow=True)
    assert response.redirect_chain == [(reverse("journal:reflection_detail", args=[reflection.pk]), 302)]
    assert "This reflection was in the trash; it is back." in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.deleted_at is None and body_of(reflection, alice) == "after"


def test_an_edit_page_left_open_while_another_window_trashed_the_reflection_keeps_its_text(client, alice):
    reflection = make_reflection(alice, body="before", date=dt.date(2026, 6, 1))
    client.force_login(alice)
    form_key = str(client.get(edit_url(reflection)).context["form"]["form_key"].value())
    trash(client, reflection)
    assert client.get(edit_url(reflection)).status_code == 404  # opening it from the trash is another matter

    typed = fields(body="typed after the trash", version="1", form_key=form_key)
    autosave = client.post(SAVE + f"?reflection={reflection.pk}", typed).json()
    assert autosave["saved"] is True and "moved to the trash in another window" in autosave["message"]
    draft = Draft.objects.for_user(alice).get()
    assert draft.reflection is None and draft in client.get(NEW).context["drafts"]  # listed, not hidden

    saved = client.post(edit_url(reflection), {**typed, "draft_id": autosave["draft_id"]}, follow=True)
    assert saved.redirect_chain == [(reverse("journal:reflection_detail", args=[reflection.pk]), 302)]
    assert "This reflection was in the trash; it is back." in saved.content.decode()
    reflection.refresh_from_db()
    assert reflection.deleted_at is None and body_of(reflection, alice) == "typed after the trash"
    assert not Draft.objects.exists()  # the form that wrote the draft saved it


def test_an_autosave_of_a_form_whose_reflection_was_trashed_is_a_draft_of_a_new_reflection(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First sending.", "form_key": form_key})
    trash(client, Reflection.objects.get())

    answer = client.post(
        SAVE, {"date": "2026-06-10", "body": "First sending, and more.", "form_key": form_key}
    )
    assert answer.json()["saved"] is True
    draft = Draft.objects.for_user(alice).get()
    assert draft.reflection is None and draft.base_version is None
    assert draft in client.get(NEW).context["drafts"]  # offered back on the page for a new reflection


def test_a_draft_of_a_reflection_that_went_to_the_trash_moves_to_a_new_reflection(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    client.post(NEW, {"date": "2026-06-10", "body": "First sending.", "form_key": form_key})
    reflection = Reflection.objects.get()
    first = client.post(
        SAVE, {"date": "2026-06-10", "body": "More after reflections.", "form_key": form_key}
    ).json()
    assert Draft.objects.get(pk=first["draft_id"]).reflection == reflection  # an unsaved edit of it
    trash(client, reflection)

    later = {"date": "2026-06-10", "body": "More after saving, and more.", "form_key": form_key}
    answer = client.post(SAVE, {**later, "draft_id": first["draft_id"]}).json()
    assert answer["saved"] is True and answer["draft_id"] == first["draft_id"]
    draft = Draft.objects.for_user(alice).get()
    assert draft.reflection is None and draft.base_version is None
    assert draft_payload(draft, user=alice)["body"] == ["More after saving, and more."]
    assert draft in client.get(NEW).context["drafts"]


def removed_between_reading_and_writing(draft_id, remove):
    """Run `remove` after the autosave has read its draft and before it writes it: where no lock holds
    the row (SQLite), a save of the draft's form can remove it just then."""
    real = Draft.seal
    calls = []

    def seal(self, *args, **kwargs):
        if str(self.pk) == str(draft_id) and not calls:
            calls.append(self.pk)
            remove()
        return real(self, *args, **kwargs)

    return mock.patch.object(Draft, "seal", seal), calls


def test_a_draft_removed_while_its_autosave_runs_is_not_brought_back(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    first = client.post(SAVE, {"date": "2026-06-10", "body": "one", "form_key": form_key}).json()
    patch, calls = removed_between_reading_and_writing(
        first["draft_id"], lambda: Draft.objects.filter(pk=first["draft_id"]).delete()
    )
    with patch:
        late = client.post(
            SAVE,
            {"date": "2026-06-10", "body": "one, two", "form_key": form_key, "draft_id": first["draft_id"]},
        ).json()
    assert calls  # the removal happened between the read and the write
    assert not Draft.objects.filter(pk=first["draft_id"]).exists()  # never inserted again under its id
    # The newer text is kept, as for a draft removed before the autosave came.
    assert late["saved"] is True and late["draft_id"] != first["draft_id"]
    assert draft_payload(Draft.objects.get(), user=alice)["body"] == ["one, two"]


def test_a_draft_whose_form_saved_exactly_its_text_meanwhile_leaves_nothing_behind(client, alice):
    client.force_login(alice)
    form_key = str(client.get(NEW).context["form"]["form_key"].value())
    posted = {"date": "2026-06-10", "title": "", "body": "final words", "form_key": form_key}
    first = client.post(SAVE, posted).json()
    data = {"date": dt.date(2026, 6, 10), "title": "", "body": "final words", "form_key": form_key}

    def form_saved():  # its form is sent: the reflection is stored and the form's drafts removed
        reflection_save(user=alice, reflection=Reflection(owner=alice), data=data)

    patch, calls = removed_between_reading_and_writing(first["draft_id"], form_saved)
    with patch:
        late = client.post(SAVE, {**posted, "draft_id": first["draft_id"]}).json()
    assert calls
    # Nothing to keep: exactly this text is saved. (The rows can't be checked here: the simulated save ran
    # inside the autosave's own transaction, which "already saved" rolls back; a real one commits apart.)
    assert late == {"saved": False, "reason": "already saved"}


def test_an_autosave_locks_the_draft_it_writes(client, alice):
    """On PostgreSQL a save of the form that removes the draft waits for this write (or has removed it
    already): the autosave reads its draft FOR UPDATE. SQLite has no row locks (the test above covers it)."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are a PostgreSQL matter; CI runs this on PostgreSQL.")
    client.force_login(alice)
    first = client.post(SAVE, {"date": "2026-06-10", "body": "one"}).json()
    with CaptureQueriesContext(connection) as queries:
        client.post(SAVE, {"date": "2026-06-10", "body": "one, two", "draft_id": first["draft_id"]})
    draft_reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"journal_draft"' in q["sql"]
    ]
    assert any("FOR UPDATE" in sql for sql in draft_reads)
