"""Check-ins: one page for every active need, one check-in per need and local date, bad input refused."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needs.models.accounts import Profile
from needs.models.needs import CheckIn
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db
URL = reverse("needs:checkin")


def rows(*ratings, date: str | None = None) -> dict:
    """Build the check-in POST: ratings are (need, score, note)."""
    data = {
        "rating-TOTAL_FORMS": str(len(ratings)),
        "rating-INITIAL_FORMS": str(len(ratings)),
        "rating-MIN_NUM_FORMS": "0",
        "rating-MAX_NUM_FORMS": "500",
    }
    if date is not None:
        data["date"] = date
    for i, (need, score, note) in enumerate(ratings):
        data[f"rating-{i}-need"] = str(getattr(need, "pk", need))
        data[f"rating-{i}-score"] = "" if score is None else str(score)
        data[f"rating-{i}-note"] = note
    return data


@pytest.fixture
def needs(alice):
    return make_need(alice, "Sleep", "physical"), make_need(alice, "Being heard", "emotional")


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_checking_in_rates_every_active_need_for_today(client, alice, needs):
    client.force_login(alice)
    page = client.get(URL).content.decode()
    assert "Sleep" in page and "Being heard" in page and 'value="2026-06-10"' in page
    response = client.post(URL, rows((needs[0], 7, "Slept well"), (needs[1], 3, ""), date="2026-06-10"))
    assert response.status_code == 302
    saved = {c.need_id: c for c in CheckIn.objects.for_user(alice)}
    assert saved[needs[0].pk].score == 7 and saved[needs[0].pk].date == dt.date(2026, 6, 10)
    assert saved[needs[0].pk].reveal("note", owner=alice) == "Slept well"
    assert saved[needs[1].pk].score == 3


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_submitting_the_same_date_again_updates_never_duplicates(client, alice, needs):
    client.force_login(alice)
    client.post(URL, rows((needs[0], 2, "first"), date="2026-06-01"))
    client.post(URL, rows((needs[0], 8, "second"), date="2026-06-01"))
    checkins = CheckIn.objects.for_user(alice).filter(need=needs[0])
    assert checkins.count() == 1
    assert checkins.get().score == 8 and checkins.get().reveal("note", owner=alice) == "second"


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_skipped_needs_keep_what_they_had(client, alice, needs):
    make_checkin(alice, needs[1], dt.date(2026, 6, 10), 6)
    client.force_login(alice)
    client.post(URL, rows((needs[0], 5, ""), (needs[1], None, ""), date="2026-06-10"))
    assert CheckIn.objects.get(need=needs[1]).score == 6


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_backdating_is_allowed_and_a_past_date_shows_its_ratings(client, alice, needs):
    client.force_login(alice)
    assert client.post(URL, rows((needs[0], 4, "a hard week"), date="2025-12-31")).status_code == 302
    page = client.get(URL + "?date=2025-12-31").content.decode()
    assert "a hard week" in page
    assert len(re.findall(r'value="4" id="id_rating-\d-score_5" checked', page)) == 1


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": 11}, "Choose a score from 0 to 10."),
        ({"score": -1}, "Choose a score from 0 to 10."),
        ({"score": "seven"}, "Choose a score from 0 to 10."),
        ({"date": "2026-06-11"}, "That date hasn’t happened yet."),
        ({"date": "2026-02-30"}, "Enter a date."),
        ({"note": "n" * 10_001}, "Ensure this value has at most 10000 characters (it has 10001)."),
        ({"score": None, "note": "a note with no score"}, "Choose a score to go with your note"),
    ],
)
def test_bad_check_in_input_gets_a_clear_message_and_saves_nothing(client, alice, needs, data, message):
    client.force_login(alice)
    first = (needs[0], data.get("score", 5), data.get("note", "kept"))
    response = client.post(URL, rows(first, (needs[1], 6, "other row"), date=data.get("date", "2026-06-10")))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not CheckIn.objects.exists()  # nothing half-way: the valid row is not saved either
    assert "other row" in html  # and nothing typed is lost


def test_another_persons_need_in_a_check_in_post_is_refused(client, alice, bob, needs):
    bobs = make_need(bob, "Bob's need")
    client.force_login(alice)
    response = client.post(URL, rows((needs[0], 5, ""), (bobs, 9, "sneaky")))
    assert response.status_code == 200
    assert "isn’t one of your active needs" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert "Bob&#x27;s need" not in response.content.decode()


def test_archived_needs_are_not_rated(client, alice, needs):
    from django.utils import timezone

    needs[1].archived_at = timezone.now()
    needs[1].save()
    client.force_login(alice)
    assert "Being heard" not in client.get(URL).content.decode()
    response = client.post(URL, rows((needs[1], 5, "")))
    assert "isn’t one of your active needs" in response.content.decode()


def test_a_past_check_in_is_editable_from_the_need_page(client, alice, needs):
    checkin = make_checkin(alice, needs[0], dt.date(2026, 1, 2), 3, note="before")
    client.force_login(alice)
    detail = client.get(reverse("needs:need_detail", args=[needs[0].pk])).content.decode()
    edit_url = reverse("needs:checkin_edit", args=[checkin.pk])
    assert edit_url in detail and "before" in detail
    bad = client.post(edit_url, {"score": "12", "note": "after"})
    assert "Choose a score from 0 to 10." in bad.content.decode()
    client.post(edit_url, {"score": "9", "note": "after"})
    checkin.refresh_from_db()
    assert checkin.score == 9 and checkin.reveal("note", owner=alice) == "after"
    client.post(edit_url, {"delete": "1"})
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


# --- Time zones ---------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 6, 10, 11, 30, tzinfo=dt.UTC), tick=False)
def test_2330_in_auckland_is_that_auckland_date(client, alice, needs):
    # 11:30 UTC on 10 June is 23:30 on 10 June in Auckland (NZST, UTC+12).
    Profile.objects.create(owner=alice, time_zone="Pacific/Auckland", time_zone_confirmed=True)
    client.force_login(alice)
    assert 'value="2026-06-10"' in client.get(URL).content.decode()
    client.post(URL, rows((needs[0], 6, "")))
    assert CheckIn.objects.get().date == dt.date(2026, 6, 10)


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 30, tzinfo=dt.UTC), tick=False)
def test_one_hour_later_auckland_is_already_tomorrow(client, alice, needs):
    Profile.objects.create(owner=alice, time_zone="Pacific/Auckland", time_zone_confirmed=True)
    client.force_login(alice)
    client.post(URL, rows((needs[0], 6, "")))
    assert CheckIn.objects.get().date == dt.date(2026, 6, 11)


@time_machine.travel(dt.datetime(2026, 6, 10, 0, 30, tzinfo=dt.UTC), tick=False)
def test_0030_utc_is_that_utc_date_and_not_yesterday(client, alice, needs):
    Profile.objects.create(owner=alice, time_zone="UTC", time_zone_confirmed=True)
    client.force_login(alice)
    client.post(URL, rows((needs[0], 6, "")))
    assert CheckIn.objects.get().date == dt.date(2026, 6, 10)
    # The future check is local too: 11 June is still the future in UTC.
    response = client.post(URL, rows((needs[0], 6, ""), date="2026-06-11"))
    assert "That date hasn’t happened yet." in response.content.decode()


def test_time_zone_is_chosen_at_sign_up(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "kiri@example.com",
            "password1": "a long and quiet passphrase",
            "password2": "a long and quiet passphrase",
            "time_zone": "Pacific/Auckland",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(owner__email="kiri@example.com")
    assert profile.time_zone == "Pacific/Auckland" and profile.time_zone_confirmed


def test_time_zone_is_editable_in_settings_and_unknown_zones_are_refused(client, alice):
    client.force_login(alice)
    form = {
        "profile-day_ends_at": "00:00", "profile-low_score_threshold": "4", "profile-colour_mode": "auto",
        "reminder-daily_time": "20:00", "reminder-weekly_day": "6", "reminder-weekly_time": "18:00",
    }  # fmt: skip
    bad = client.post(reverse("journal:settings"), {**form, "profile-time_zone": "Mars/Olympus_Mons"})
    assert "Select a valid choice." in bad.content.decode()
    client.post(reverse("journal:settings"), {**form, "profile-time_zone": "Asia/Tokyo"})
    assert Profile.objects.get(owner=alice).time_zone == "Asia/Tokyo"


# --- Property-based: the check-in form never errors and never stores an invalid score -------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    score=st.one_of(st.integers(-1000, 1000), st.text(max_size=5), st.none()),
    note=st.text(max_size=300),
    date=st.one_of(st.dates(dt.date(1850, 1, 1), dt.date(2100, 1, 1)).map(str), st.text(max_size=12)),
)
def test_check_in_form_handles_any_input(client, alice, needs, score, note, date):
    client.force_login(alice)
    CheckIn.objects.all().delete()
    response = client.post(URL, rows((needs[0], score, note), date=date))
    assert response.status_code in (200, 302)
    for checkin in CheckIn.objects.all():
        assert 0 <= checkin.score <= 10
        assert checkin.reveal("note", owner=alice) == note.strip()
    if response.status_code == 302:
        assert CheckIn.objects.count() <= 1


# --- Notes: a form without a note field keeps the saved note ---------------------------------------------


def _quick(need, score, **extra) -> dict:
    return {
        "quick": "1",
        "rating-TOTAL_FORMS": "1",
        "rating-INITIAL_FORMS": "1",
        "rating-0-need": str(need.pk),
        "rating-0-score": str(score),
        **extra,
    }


def test_a_quick_rating_keeps_the_note_saved_earlier_that_day(client, alice, needs):
    from needs.services.accounts import local_today

    today = local_today(alice)
    make_checkin(alice, needs[0], today, 4, "Woke at three, thinking")
    client.force_login(alice)
    assert client.post(URL, _quick(needs[0], 7)).status_code == 302
    assert client.post(URL, _quick(needs[0], 6), headers={"HX-Request": "true"}).status_code == 200
    (checkin,) = CheckIn.objects.for_user(alice)
    assert checkin.score == 6 and checkin.reveal("note", owner=alice) == "Woke at three, thinking"


def test_the_full_check_in_page_still_edits_and_clears_notes(client, alice, needs):
    from needs.services.accounts import local_today

    today = local_today(alice).isoformat()
    make_checkin(alice, needs[0], local_today(alice), 4, "Old note")
    client.force_login(alice)
    client.post(URL, rows((needs[0], 5, "New note"), date=today))
    assert CheckIn.objects.for_user(alice).get().reveal("note", owner=alice) == "New note"
    client.post(URL, rows((needs[0], 5, ""), date=today))
    assert CheckIn.objects.for_user(alice).get().reveal("note", owner=alice) == ""


def test_keeping_the_offline_rating_keeps_the_note_and_shows_it_escaped(client, alice, needs):
    from needs.services.accounts import local_today

    today = local_today(alice)
    make_checkin(alice, needs[0], today, 3, "<b>Slept</b> badly")
    client.force_login(alice)
    offline = _quick(needs[0], 8, **{"rating-0-based_on": "", "date": today.isoformat()})
    response = client.post(URL, offline)
    assert response.status_code == 409
    page = response.content.decode()
    assert "&lt;b&gt;Slept&lt;/b&gt; badly" in page and "<b>Slept" not in page
    assert 'name="rating-0-note"' not in page
    # "Keep what I wrote offline" sends the form shown on the page: the same fields, no note.
    choice = re.search(r'<form method="post"[^>]*>(.*?)Keep what I wrote offline', page, re.S).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', choice))
    assert client.post(URL, fields).status_code == 302
    (checkin,) = CheckIn.objects.for_user(alice)
    assert checkin.score == 8 and checkin.reveal("note", owner=alice) == "<b>Slept</b> badly"


def test_keeping_what_was_saved_elsewhere_changes_nothing_and_lets_the_browser_let_go(client, alice, needs):
    from needs.services.accounts import local_today

    today = local_today(alice)
    make_checkin(alice, needs[0], today, 3, "Kept note")
    client.force_login(alice)
    offline_id = "0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
    offline = _quick(
        needs[0], 8, **{"rating-0-based_on": "", "date": today.isoformat(), "offline_id": offline_id}
    )
    page = client.post(URL, offline).content.decode()
    choice = re.search(
        r"Keep what I wrote offline</button>\s*</form>\s*<form[^>]*>(.*?)</form>", page, re.S
    ).group(1)
    assert "Keep what was saved elsewhere" in choice
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', choice))
    response = client.post(URL, fields, follow=True)
    assert "Nothing changed" in response.content.decode()
    (checkin,) = CheckIn.objects.for_user(alice)
    assert checkin.score == 3 and checkin.reveal("note", owner=alice) == "Kept note"
    assert client.get(reverse("offline_state")).json()["sent"] == [offline_id]
