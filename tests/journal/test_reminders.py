"""Reminder emails: due at local time across zones and DST changes, sent once, unsubscribable, no user text."""

import base64
import datetime as dt
import json
import logging
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from journal.models import Reminder, ReminderSent
from journal.services import reminders
from journal.services.reminders import send_due, unsubscribe_token
from tests.factories import at_the_same_moment, make_checkin, make_need, make_reflection

pytestmark = pytest.mark.django_db


def remind(user, zone, at, weekly=False, weekly_day=6):
    return Reminder.objects.create(
        owner=user,
        time_zone=zone,
        daily_enabled=not weekly,
        daily_time=at,
        weekly_enabled=weekly,
        weekly_day=weekly_day,
        weekly_time=at,
    )


def run_every_minute(start: dt.datetime, hours: int) -> list[dt.datetime]:
    """Run the sender every minute like cron; return when each email went out."""
    sent_at = []
    for minute in range(hours * 60):
        now = start + dt.timedelta(minutes=minute)
        before = len(mail.outbox)
        send_due(now)
        sent_at.extend([now] * (len(mail.outbox) - before))
    return sent_at


@pytest.mark.parametrize(
    ("zone", "local_time", "expected_utc"),
    [
        ("Pacific/Auckland", dt.time(8, 0), dt.datetime(2026, 6, 9, 20, 0, tzinfo=dt.UTC)),
        ("America/Los_Angeles", dt.time(21, 30), dt.datetime(2026, 6, 11, 4, 30, tzinfo=dt.UTC)),
        ("Asia/Kolkata", dt.time(7, 15), dt.datetime(2026, 6, 10, 1, 45, tzinfo=dt.UTC)),
        ("UTC", dt.time(0, 0), dt.datetime(2026, 6, 10, 0, 0, tzinfo=dt.UTC)),
    ],
)
def test_a_daily_reminder_goes_out_once_at_its_local_time(alice, zone, local_time, expected_utc):
    remind(alice, zone, local_time)
    sent = run_every_minute(expected_utc - dt.timedelta(hours=2), hours=6)
    assert sent == [expected_utc]
    assert expected_utc.astimezone(zoneinfo.ZoneInfo(zone)).time() == local_time


def test_spring_forward_0230_which_does_not_exist_is_sent_once(alice):
    # New York, 8 March 2026: clocks jump from 02:00 to 03:00; 02:30 never happens.
    remind(alice, "America/New_York", dt.time(2, 30))
    sent = run_every_minute(dt.datetime(2026, 3, 8, 4, 0, tzinfo=dt.UTC), hours=8)
    assert len(sent) == 1
    local = sent[0].astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 8), 3, 30)


@pytest.mark.parametrize("at", [dt.time(1, 30), dt.time(2, 30)])
def test_fall_back_sends_once_even_when_the_time_happens_twice(alice, at):
    # New York, 1 November 2026: clocks go from 02:00 back to 01:00; 01:30 happens twice.
    remind(alice, "America/New_York", at)
    sent = run_every_minute(dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC), hours=10)
    assert len(sent) == 1
    assert ReminderSent.objects.get().local_date == dt.date(2026, 11, 1)


def test_weekly_review_goes_out_on_its_day(alice):
    remind(alice, "Europe/Berlin", dt.time(18, 0), weekly=True, weekly_day=6)  # Sunday
    sent = run_every_minute(dt.datetime(2026, 6, 13, 12, 0, tzinfo=dt.UTC), hours=36)
    assert sent == [dt.datetime(2026, 6, 14, 16, 0, tzinfo=dt.UTC)]
    assert "week=2026-06-08" in mail.outbox[0].body


def test_a_reminder_found_hours_late_is_not_sent_in_the_middle_of_the_night(alice):
    remind(alice, "UTC", dt.time(8, 0))
    assert send_due(dt.datetime(2026, 6, 10, 13, 0, tzinfo=dt.UTC)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_runners_at_the_same_moment_send_one_email(alice, bob):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.fail("this test needs a database file shared by threads")
    remind(alice, "UTC", dt.time(9, 0))
    remind(bob, "UTC", dt.time(9, 0))
    now = dt.datetime(2026, 6, 10, 9, 0, 30, tzinfo=dt.UTC)
    results = at_the_same_moment(lambda: send_due(now))
    assert sorted(results) in ([0, 2], [1, 1])
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert ReminderSent.objects.count() == 2


def test_emails_carry_no_journal_text_and_no_need_names(alice):
    need = make_need(alice, "SECRET-NEED-NAME", met="SECRET-MET")
    make_checkin(alice, need, dt.date(2026, 6, 9), 3, note="SECRET-NOTE")
    make_reflection(alice, title="SECRET-TITLE", body="SECRET-BODY", needs=[need])
    remind(alice, "UTC", dt.time(9, 0))
    Reminder.objects.filter(owner=alice).update(weekly_enabled=True, weekly_day=2, weekly_time=dt.time(9, 0))
    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))  # a Wednesday: daily and weekly
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body + str(message.extra_headers)
        assert "SECRET" not in text
        assert "/reminders/unsubscribe/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_and_a_tampered_link_is_refused(client, alice):
    remind(alice, "UTC", dt.time(9, 0))
    token = unsubscribe_token(alice.pk, "daily")
    url = reverse("journal:unsubscribe", args=[token])
    assert "Stop daily reminders?" in client.get(url).content.decode()
    assert Reminder.objects.get(owner=alice).daily_enabled  # a GET (link preview) changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})  # as a mail client sends it
    assert response.status_code == 200
    assert not Reminder.objects.get(owner=alice).daily_enabled
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("journal:unsubscribe", args=[tampered])).status_code == 404
    # Someone else's id with alice's signature: refused.
    payload, stamp, signature = token.split(":")
    other = (
        base64.urlsafe_b64encode(json.dumps({"u": alice.pk + 1, "k": "daily"}).encode()).decode().rstrip("=")
    )
    assert other != payload
    forged = f"{other}:{stamp}:{signature}"
    assert client.post(reverse("journal:unsubscribe", args=[forged])).status_code == 404


@time_machine.travel(dt.datetime(2026, 6, 10, 7, 1, tzinfo=dt.UTC), tick=False)
def test_send_reminders_command_sends_what_is_due_now(alice, capsys):
    remind(alice, "UTC", dt.time(7, 0))
    call_command("send_reminders")
    call_command("send_reminders")  # the next minute's run sends nothing more
    assert capsys.readouterr().out.splitlines() == ["Sent 1 reminder(s).", "Sent 0 reminder(s)."]
    assert len(mail.outbox) == 1


def test_one_persons_unexpected_error_is_logged_with_ids_only_and_the_run_goes_on(
    alice, bob, monkeypatch, caplog
):
    remind(alice, "UTC", dt.time(9, 0))
    remind(bob, "UTC", dt.time(9, 0))
    deliver = reminders.deliver

    def failing_for_alice(*, user, **how):
        if user == alice:
            raise DatabaseError("https://fcm.googleapis.com/fcm/send/alices-private-endpoint")
        return deliver(user=user, **how)

    monkeypatch.setattr(reminders, "deliver", failing_for_alice)
    now = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)
    with caplog.at_level(logging.DEBUG):
        assert send_due(now) == 1
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert not ReminderSent.objects.filter(owner=alice).exists()  # her claim is free for the next run
    assert f"person {alice.pk} failed: DatabaseError" in caplog.text
    assert "alices-private-endpoint" not in caplog.text and "Traceback" not in caplog.text

    monkeypatch.setattr(reminders, "deliver", deliver)
    assert send_due(now + dt.timedelta(minutes=1)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
