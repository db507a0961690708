"""Encryption at rest: per-person keys, bound ciphertexts, rotation, and no plaintext in the database."""

import base64

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from needs.models.keys import DataKey
from needs.models.needs import CheckIn, Need
from needs.privacy.crypto import JournalLocked, data_key_for, open_text, rotate_data_keys, seal_text
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db

NEW_MASTER = b"n" * 32


def fresh(user):
    """The same person without the per-request key cache."""
    return type(user).objects.get(pk=user.pk)


def test_sealed_text_round_trips_and_is_not_plain_in_the_row(alice):
    need = make_need(alice, met="Eight hours, and waking up without an alarm 🌙")
    assert need.met_looks_like.startswith("v1:")
    assert "Eight hours" not in need.met_looks_like
    stored = Need.objects.get(pk=need.pk)
    assert (
        stored.reveal("met_looks_like", owner=fresh(alice))
        == "Eight hours, and waking up without an alarm 🌙"
    )


def test_a_new_account_has_its_data_key_before_anything_is_written(django_user_model):
    # Made on first use instead, inside a first write's transaction, two first writes at once (an autosave
    # beside the form sent) deadlocked on PostgreSQL, each waiting on the other's key.
    person = django_user_model.objects.create_user(
        username="new", email="new@example.com", password="pass 1 word"
    )
    record = DataKey.objects.get(owner=person)
    assert data_key_for(fresh(person)) == data_key_for(person)
    with CaptureQueriesContext(connection) as queries:
        make_need(person, met="Kept with the key made at sign-up")
    assert not [q for q in queries if "datakey" in q["sql"].lower() and "INSERT" in q["sql"].upper()]
    assert DataKey.objects.get(owner=person) == record


def test_each_person_has_their_own_data_key(alice, bob):
    assert data_key_for(fresh(alice)) != data_key_for(fresh(bob))
    assert DataKey.objects.count() == 2


def test_a_ciphertext_moved_to_another_row_field_or_person_does_not_open(alice, bob):
    first = make_need(alice, "Rest", met="only for the first row")
    second = make_need(alice, "Play", met="second")
    second.met_looks_like = first.met_looks_like  # moved to another row
    with pytest.raises(JournalLocked):
        second.reveal("met_looks_like", owner=alice)
    first.what_helps = first.met_looks_like  # moved to another field
    with pytest.raises(JournalLocked):
        first.reveal("what_helps", owner=alice)
    token = seal_text(alice, "secret", label="needs.need", row_id=first.pk, field="met_looks_like")
    with pytest.raises(JournalLocked):  # opened with another person's key
        open_text(bob, token, label="needs.need", row_id=first.pk, field="met_looks_like")


def test_only_the_owner_can_open_a_text(alice, bob):
    need = make_need(alice, met="private")
    with pytest.raises(PermissionError):
        need.reveal("met_looks_like", owner=bob)
    with pytest.raises(PermissionError):
        need.seal("met_looks_like", "overwrite", owner=bob)


def test_a_tampered_ciphertext_is_refused(alice):
    need = make_need(alice, met="do not touch")
    raw = bytearray(base64.urlsafe_b64decode(need.met_looks_like[3:]))
    raw[-1] ^= 1
    need.met_looks_like = "v1:" + base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(JournalLocked):
        need.reveal("met_looks_like", owner=fresh(alice))


def test_without_the_right_master_key_the_journal_is_locked_not_shown(client, alice, settings):
    need = make_need(alice, met="words only alice may read")
    settings.ATTUNE_MASTER_KEYS = [NEW_MASTER]  # the wrapping key is gone
    client.force_login(alice)
    response = client.get(f"/needs/{need.pk}/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "can’t be opened right now" in html
    assert "words only alice may read" not in html
    assert need.met_looks_like not in html  # never ciphertext shown as text


def test_a_failed_open_never_saves_anything_back(client, alice, settings):
    need = make_need(alice, met="keep me")
    before = Need.objects.get(pk=need.pk).met_looks_like
    settings.ATTUNE_MASTER_KEYS = [NEW_MASTER]
    client.force_login(alice)
    response = client.post(
        f"/needs/{need.pk}/edit/", {"name": "Rest", "category": "physical", "importance": 3}
    )
    assert response.status_code == 503
    assert Need.objects.get(pk=need.pk).met_looks_like == before


def test_rotate_keys_rewraps_under_the_first_master_key_and_keeps_text_readable(alice, bob, settings):
    need = make_need(alice, met="still readable after rotation")
    data_key_for(fresh(bob))
    old_keys = list(settings.ATTUNE_MASTER_KEYS)
    with override_settings(ATTUNE_MASTER_KEYS=[NEW_MASTER, *old_keys]):
        assert rotate_data_keys() == (2, 0)
        assert rotate_data_keys() == (0, 2)  # idempotent
    # Only the new key is needed now.
    with override_settings(ATTUNE_MASTER_KEYS=[NEW_MASTER]):
        stored = Need.objects.get(pk=need.pk)
        assert stored.reveal("met_looks_like", owner=fresh(alice)) == "still readable after rotation"


def test_rotate_keys_command_says_clearly_when_an_old_key_is_missing(alice, settings):
    from django.core.management import CommandError, call_command

    data_key_for(fresh(alice))
    settings.ATTUNE_MASTER_KEYS = [NEW_MASTER]
    with pytest.raises(CommandError, match="Keep every old master key"):
        call_command("rotate_keys")


def test_the_raw_database_holds_no_plaintext_of_notes_or_descriptions(alice):
    need = make_need(alice, met="UNIQUE-MET-7f3a lantern", helps="UNIQUE-HELPS-9c2b harbour")
    import datetime as dt

    make_checkin(alice, need, dt.date(2026, 1, 5), 6, note="UNIQUE-NOTE-4d1e meadow")
    secrets = ["UNIQUE-MET-7f3a", "UNIQUE-HELPS-9c2b", "UNIQUE-NOTE-4d1e", "lantern", "harbour", "meadow"]
    with connection.cursor() as cursor:
        for model in (Need, CheckIn, DataKey):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from models
            dump = repr(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, f"{secret} in {model.__name__}"


def test_the_settings_read_brings_the_wrapped_key_so_opening_a_text_reads_nothing_more(alice, bob):
    from django.test.utils import CaptureQueriesContext

    from needs.models.accounts import Profile
    from needs.services.accounts import profile_for

    Profile.objects.update_or_create(
        owner=alice, defaults={"time_zone": "Europe/Oslo", "low_score_threshold": 6}
    )
    key = data_key_for(fresh(alice))
    need = make_need(alice, met="Quiet mornings")
    person = fresh(alice)
    with CaptureQueriesContext(connection) as queries:
        profile = profile_for(person)
        assert (profile.time_zone, profile.low_score_threshold, profile.owner) == ("Europe/Oslo", 6, person)
        assert profile_for(person) is profile and person.profile is profile
        assert data_key_for(person) == key
        assert Need.objects.get(pk=need.pk).reveal("met_looks_like", owner=person) == "Quiet mornings"
    assert len(queries) == 2  # the settings with the key, then the need
    assert not hasattr(profile, "data_key_wrapped")  # the key stays on the request's user
    # Someone else's key is never the one read: each person's texts open with their own only.
    other = fresh(bob)
    profile_for(other)
    assert data_key_for(other) == data_key_for(fresh(bob)) != key


def test_settings_read_before_the_key_exists_then_the_key_made_elsewhere_is_the_one_used(alice):
    from needs.models.accounts import Profile
    from needs.services.accounts import profile_for

    Profile.objects.get_or_create(owner=alice)
    DataKey.objects.filter(owner=alice).delete()
    person = fresh(alice)
    profile_for(person)  # the settings, and no key yet
    assert person._attune_wrapped_key == (None, None)
    need = make_need(alice, met="A walk")  # another request's user makes the key meanwhile
    assert Need.objects.get(pk=need.pk).reveal("met_looks_like", owner=person) == "A walk"
    assert DataKey.objects.filter(owner=alice).count() == 1
    assert data_key_for(person) == data_key_for(fresh(alice))


def test_settings_missing_are_made_on_first_use_even_after_a_lookup_found_none(alice):
    from needs.models.accounts import Profile
    from needs.services.accounts import profile_for

    Profile.objects.filter(owner=alice).delete()
    person = fresh(alice)
    with pytest.raises(Profile.DoesNotExist):
        person.profile  # noqa: B018 - as the page template asks it; the answer "none" is remembered
    assert profile_for(person).time_zone == "UTC"
    assert person.profile.pk == Profile.objects.get(owner=alice).pk
