"""Push reminders: a device subscribes from the settings page, gets its reminders at the person's local time
exactly once, encrypted and without a word of theirs; a device the push service forgot is removed; one person
never reaches another's devices; the page works without JavaScript and email keeps working without push.

A stand-in push service (an HTTP server in a thread) plays the browser vendor's endpoint; each test device
makes its own P-256 key pair and auth secret as a browser does, and decrypts what it received with them.
"""

import base64
import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.env import new_vapid_private_key, parse_vapid_keys
from journal.models import Channel, PushSubscription, Reminder, ReminderSent
from journal.services import push
from journal.services.push import device_label, push_send, push_subscribe
from journal.services.reminders import reminders_unsubscribe, send_due, unsubscribe_token
from needs.models.relationships import PausePlan
from tests.browser.conftest import _static_files_as_in_production, page  # noqa: F401 - the browser harness
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.factories import at_the_same_moment, make_checkin, make_need, make_reflection, make_relationship

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Mobile Safari/537.36"
)
FCM = "https://fcm.googleapis.com/fcm/send/"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's side of a push subscription: its key pair and auth secret, as PushManager makes them."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.p256dh = b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        self.auth = b64url(self.auth_secret)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)


class PushService:
    """A stand-in push service: records every POST and answers 201, or the status set for a path."""

    def __init__(self):
        self.received: list[dict] = []
        self.status: dict[str, int] = {}
        self.redirect: dict[str, str] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                if self.path in service.redirect:
                    self.send_response(307)
                    self.send_header("Location", service.redirect[self.path])
                else:
                    self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def to(self, path: str) -> list[dict]:
        return [request for request in self.received if request["path"] == path]


@pytest.fixture
def push_service(monkeypatch):
    service = PushService()
    # The stand-in is plain http on a port, which no real push service is: the send path lets its exact
    # address through and checks everything else as it always does.
    real_check = push.is_push_service
    monkeypatch.setattr(
        push,
        "sendable",
        lambda endpoint: (
            (endpoint.startswith(service.url + "/") and "\\" not in endpoint and "@" not in endpoint)
            or real_check(endpoint)
        ),
        raising=False,
    )
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def vapid(settings):
    private, public = parse_vapid_keys(new_vapid_private_key(), "")
    settings.ATTUNE_VAPID_PRIVATE_KEY = private
    settings.ATTUNE_VAPID_PUBLIC_KEY = public
    settings.ATTUNE_VAPID_SUBJECT = "mailto:operator@example.org"
    return public


def subscribe(user, push_service, name: str) -> Device:
    device = Device(f"{push_service.url}/{name}")
    push_subscribe(
        user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth, user_agent=CHROME_ANDROID
    )
    return device


def remind(user, zone: str, at: dt.time, channel: str = Channel.PUSH, **extra) -> Reminder:
    return Reminder.objects.create(
        owner=user,
        time_zone=zone,
        daily_enabled=True,
        daily_time=at,
        daily_channel=channel,
        weekly_channel=channel,
        check_back_channel=channel,
        **extra,
    )


def jwt_claims(authorization: str) -> dict:
    token = re.match(r"vapid t=([^,]+),\s*k=(.+)", authorization).group(1)
    return json.loads(b64url_decode(token.split(".")[1]))


# --- Sending ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_device_gets_the_daily_reminder_at_local_time_exactly_once_across_two_concurrent_runners(
    alice, bob, vapid, push_service
):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.fail("this test needs a database file shared by threads")
    remind(alice, "Asia/Tokyo", dt.time(8, 0))  # 08:00 in Tokyo is 23:00 UTC the day before
    remind(bob, "UTC", dt.time(23, 0), channel=Channel.EMAIL)
    phone = subscribe(alice, push_service, "alices-phone")
    due = dt.datetime(2026, 6, 9, 23, 0, 20, tzinfo=dt.UTC)

    assert send_due(due - dt.timedelta(minutes=1)) == 0  # 07:59 in Tokyo: not yet
    assert push_service.received == []

    results = at_the_same_moment(lambda: send_due(due))
    assert sorted(results) in ([0, 2], [1, 1])
    for minute in range(1, 30):  # cron keeps running: nothing more
        send_due(due + dt.timedelta(minutes=minute))

    sent = push_service.to("/alices-phone")
    assert len(sent) == 1
    assert phone.decrypt(sent[0]["body"]) == {"kind": "daily"}
    headers = sent[0]["headers"]
    assert headers["content-encoding"] == "aes128gcm"
    assert 0 < int(headers["ttl"]) <= 3 * 3600
    claims = jwt_claims(headers["authorization"])
    assert claims["aud"] == push_service.url and claims["sub"] == "mailto:operator@example.org"
    assert headers["authorization"].endswith("k=" + vapid)
    # Alice chose push and her phone took it: no email for her; bob's email reminder went as before.
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert set(ReminderSent.objects.values_list("owner__email", "kind", "local_date")) == {
        ("alice@example.com", "daily", dt.date(2026, 6, 10)),
        ("bob@example.com", "daily", dt.date(2026, 6, 9)),
    }
    assert PushSubscription.objects.get(owner=alice).last_success_at is not None


def test_notifications_carry_only_their_kind_never_words_or_need_names(alice, vapid, push_service):
    need = make_need(alice, "SECRET-NEED-NAME", met="SECRET-MET")
    make_checkin(alice, need, dt.date(2026, 6, 9), 3, note="SECRET-NOTE")
    make_reflection(alice, title="SECRET-TITLE", body="SECRET-BODY", needs=[need])
    relationship = make_relationship(alice, "SECRET-NICKNAME")
    plan = PausePlan(owner=alice, relationship=relationship, check_back_on=dt.date(2026, 6, 10))
    plan.seal("what_must_change", "SECRET-CHANGE", owner=alice)
    plan.save()
    remind(alice, "UTC", dt.time(9, 0), weekly_enabled=True, weekly_day=2, weekly_time=dt.time(9, 0))
    phone = subscribe(alice, push_service, "phone")

    assert (
        send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)) == 3
    )  # a Wednesday: daily, weekly, check-back

    kinds = []
    for request in push_service.received:
        raw = request["body"] + json.dumps(request["headers"]).encode()
        assert b"SECRET" not in raw
        payload = phone.decrypt(request["body"])
        assert b"SECRET" not in json.dumps(payload).encode()
        assert set(payload) == {"kind"}
        kinds.append(payload["kind"])
    assert sorted(kinds) == ["daily", "pause_check_back", "weekly"]
    assert mail.outbox == []
    assert PausePlan.objects.get(pk=plan.pk).reminded_on == dt.date(2026, 6, 10)


def test_a_device_the_push_service_forgot_is_removed_and_the_reminder_comes_by_email(
    alice, vapid, push_service, caplog
):
    remind(alice, "UTC", dt.time(9, 0))
    gone = subscribe(alice, push_service, "gone")
    push_service.status["/gone"] = 410
    with caplog.at_level(logging.DEBUG):
        assert send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)) == 1
    assert len(push_service.to("/gone")) == 1
    assert not PushSubscription.objects.filter(endpoint=gone.endpoint).exists()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]  # no device took it: email instead
    assert "/gone" not in caplog.text and push_service.url not in caplog.text


def test_a_404_removes_the_device_and_other_failures_keep_it_and_log_no_endpoint(
    alice, vapid, push_service, caplog
):
    unknown = subscribe(alice, push_service, "unknown")
    busy = subscribe(alice, push_service, "busy-device-path")
    push_service.status.update({"/unknown": 404, "/busy-device-path": 500})
    with caplog.at_level(logging.DEBUG):
        assert push_send(user=alice, kind="test") == 0
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [busy.endpoint]
    assert not PushSubscription.objects.filter(endpoint=unknown.endpoint).exists()
    assert "failed with status 500" in caplog.text
    assert "busy-device-path" not in caplog.text and push_service.url not in caplog.text


def test_both_sends_push_and_email_and_email_only_sends_no_push(alice, bob, vapid, push_service):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.BOTH)
    remind(bob, "UTC", dt.time(9, 0), channel=Channel.EMAIL)
    subscribe(alice, push_service, "alice")
    subscribe(bob, push_service, "bob")
    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert len(push_service.to("/alice")) == 1
    assert push_service.to("/bob") == []
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]


def test_without_vapid_keys_push_is_off_and_reminders_come_by_email(alice, settings, push_service):
    settings.ATTUNE_VAPID_PRIVATE_KEY = settings.ATTUNE_VAPID_PUBLIC_KEY = ""
    remind(alice, "UTC", dt.time(9, 0))
    subscribe(alice, push_service, "phone")
    assert send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)) == 1
    assert push_service.received == []
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_unsubscribing_from_the_email_of_a_reminder_sent_both_ways_keeps_the_notification(alice):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.BOTH, weekly_enabled=True)
    reminders_unsubscribe(user=alice, kind="all")
    reminder = Reminder.objects.get(owner=alice)
    assert (reminder.daily_enabled, reminder.weekly_enabled) == (True, True)
    assert {reminder.daily_channel, reminder.weekly_channel, reminder.check_back_channel} == {Channel.PUSH}


def test_one_click_unsubscribe_still_turns_off_an_email_only_reminder(client, alice):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.EMAIL)
    client.post(reverse("journal:unsubscribe", args=[unsubscribe_token(alice.pk, "daily")]))
    assert Reminder.objects.get(owner=alice).daily_enabled is False


def test_a_saved_endpoint_that_is_not_at_a_push_service_is_never_posted_to_and_is_removed(
    alice, vapid, push_service, caplog
):
    phone = subscribe(alice, push_service, "phone")
    # Saved before the check was strict: urlsplit reads fcm.googleapis.com, requests would post to the stand-in.
    crafted = PushSubscription.objects.create(
        owner=alice,
        endpoint=f"{push_service.url}\\@fcm.googleapis.com/fcm/send/x",
        p256dh=phone.p256dh,
        auth=phone.auth,
        device_label="Chrome on Android",
    )
    with caplog.at_level(logging.DEBUG):
        assert push_send(user=alice, kind="test") == 1
    assert [request["path"] for request in push_service.received] == ["/phone"]
    assert not PushSubscription.objects.filter(pk=crafted.pk).exists()
    assert str(crafted.pk) in caplog.text and push_service.url not in caplog.text


def test_a_redirect_from_the_push_service_is_not_followed(alice, vapid, push_service, caplog):
    subscribe(alice, push_service, "hop")
    push_service.redirect["/hop"] = f"{push_service.url}/landing"
    with caplog.at_level(logging.DEBUG):
        assert push_send(user=alice, kind="test") == 0
    assert [request["path"] for request in push_service.received] == ["/hop"]
    assert push_service.to("/landing") == []
    assert "failed with status 307" in caplog.text and "landing" not in caplog.text


def due_check_back(user) -> PausePlan:
    plan = PausePlan(
        owner=user, relationship=make_relationship(user, "Sam"), check_back_on=dt.date(2026, 6, 10)
    )
    plan.seal("what_must_change", "time together", owner=user)
    plan.save()
    return plan


def daily_at_nine(**more) -> dict:
    """The settings form as posted with a daily reminder at 09:00 UTC."""
    return {
        "profile-time_zone": "UTC",
        "profile-day_ends_at": "04:00",
        "profile-low_score_threshold": "4",
        "profile-colour_mode": "auto",
        "reminder-daily_enabled": "on",
        "reminder-daily_time": "09:00",
        "reminder-weekly_day": "6",
        "reminder-weekly_time": "18:00",
    } | more


def test_after_one_click_unsubscribe_a_reminder_sent_both_ways_never_falls_back_to_email(
    client, alice, vapid, push_service
):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.BOTH)
    subscribe(alice, push_service, "phone")
    response = client.post(
        reverse("journal:unsubscribe", args=[unsubscribe_token(alice.pk, "daily")]),
        {"List-Unsubscribe": "One-Click"},  # RFC 8058, as a mail client sends it
    )
    assert response.status_code == 200
    push_service.status["/phone"] = 410  # the phone is gone: no device takes the next one

    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert len(push_service.to("/phone")) == 1
    assert mail.outbox == []  # she unsubscribed: no email, not even as the fallback
    assert ReminderSent.objects.filter(owner=alice).count() == 1  # done, not retried every minute
    for minute in range(1, 5):
        send_due(dt.datetime(2026, 6, 10, 9, minute, tzinfo=dt.UTC))
    assert mail.outbox == []

    # She chooses email again in settings: it comes again.
    client.force_login(alice)
    assert (
        client.post(
            reverse("journal:settings"), daily_at_nine(**{"reminder-daily_channel": "email"})
        ).status_code
        == 302
    )
    assert Reminder.objects.get(owner=alice).daily_email_stopped is False
    send_due(dt.datetime(2026, 6, 11, 9, 0, tzinfo=dt.UTC))
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_a_push_only_reminder_whose_fallback_email_was_unsubscribed_sends_no_more_email(alice, vapid):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.PUSH)  # no device: it has been coming by email
    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert len(mail.outbox) == 1
    reminders_unsubscribe(user=alice, kind="daily")
    send_due(dt.datetime(2026, 6, 11, 9, 0, tzinfo=dt.UTC))
    assert len(mail.outbox) == 1
    # Only its email stopped: the reminder stays on for the devices she may set up.
    reminder = Reminder.objects.get(owner=alice)
    assert (reminder.daily_enabled, reminder.daily_channel) == (True, Channel.PUSH)


def test_unsubscribing_from_all_emails_stops_check_back_emails_too(client, alice, vapid, push_service):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.BOTH)
    Reminder.objects.filter(owner=alice).update(check_back_channel=Channel.EMAIL)
    phone = subscribe(alice, push_service, "phone")
    plan = due_check_back(alice)
    response = client.post(
        reverse("journal:unsubscribe", args=[unsubscribe_token(alice.pk, "all")]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200

    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert mail.outbox == []
    # Her daily reminder and the check-back still reach her phone, the only place she still gets them.
    assert sorted(phone.decrypt(r["body"])["kind"] for r in push_service.received) == [
        "daily",
        "pause_check_back",
    ]
    assert PausePlan.objects.get(pk=plan.pk).reminded_on == dt.date(2026, 6, 10)


def test_unsubscribing_from_all_emails_with_email_only_reminders_turns_them_off_as_before(client, alice):
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.EMAIL, weekly_enabled=True)
    due_check_back(alice)
    client.post(
        reverse("journal:unsubscribe", args=[unsubscribe_token(alice.pk, "all")]),
        {"List-Unsubscribe": "One-Click"},
    )
    reminder = Reminder.objects.get(owner=alice)
    assert (reminder.daily_enabled, reminder.weekly_enabled) == (False, False)
    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert mail.outbox == []


def test_without_push_on_the_server_turning_a_reminder_on_again_chooses_its_email(client, alice, settings):
    settings.ATTUNE_VAPID_PRIVATE_KEY = settings.ATTUNE_VAPID_PUBLIC_KEY = ""
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.PUSH)
    Reminder.objects.filter(owner=alice).update(daily_enabled=False, daily_email_stopped=True)
    client.force_login(alice)
    assert client.post(reverse("journal:settings"), daily_at_nine()).status_code == 302
    send_due(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


# --- The settings page and its device list ----------------------------------------------------------


def browser_subscription(name: str = "abc123") -> tuple[Device, dict]:
    device = Device(FCM + name)
    return device, device.subscription()


def test_a_browser_turns_notifications_on_and_its_device_is_listed_without_its_endpoint(client, alice, vapid):
    client.force_login(alice)
    _, body = browser_subscription("private-endpoint-token")
    response = client.post(
        reverse("journal:push_subscribe"),
        json.dumps(body),
        content_type="application/json",
        headers={"User-Agent": CHROME_ANDROID},
    )
    assert response.status_code == 201
    assert response.json()["device"] == "Chrome on Android"
    device = PushSubscription.objects.get(owner=alice)
    assert device.endpoint == FCM + "private-endpoint-token" and device.device_label == "Chrome on Android"
    html = client.get(reverse("journal:settings")).content.decode()
    assert "Chrome on Android" in html
    assert "private-endpoint-token" not in html and body["keys"]["auth"] not in html
    assert f'data-key="{vapid}"' in html


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"endpoint": "http://127.0.0.1:8000/internal"}, "push service"),
        ({"endpoint": "https://attacker.example.net/collect"}, "push service"),
        # Hosts urlsplit and requests (urllib3) read differently: requests would post to the first host.
        ({"endpoint": "https://evil.example.net\\@fcm.googleapis.com/fcm/send/x"}, "push service"),
        (
            {"endpoint": "https://127.0.0.1:8000\\@updates.push.services.mozilla.com/wpush/v2/x"},
            "push service",
        ),
        ({"endpoint": "https://someone@fcm.googleapis.com/fcm/send/x"}, "push service"),
        ({"endpoint": "https://fcm.googleapis.com:8443/fcm/send/x"}, "push service"),
        # Other hosts under a push service's domain are not push services (storage.googleapis.com serves files).
        ({"endpoint": "https://storage.googleapis.com/bucket/x"}, "push service"),
        ({"endpoint": "https://fcm.googleapis.com.evil.example.net/x"}, "push service"),
        ({"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "key"),
        ({"keys": {}}, "required"),
    ],
)
def test_a_subscription_attune_cannot_use_is_refused_with_a_message(client, alice, vapid, change, error):
    client.force_login(alice)
    _, body = browser_subscription()
    response = client.post(
        reverse("journal:push_subscribe"), json.dumps(body | change), content_type="application/json"
    )
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_subscribing_needs_the_csrf_token(alice, vapid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    _, body = browser_subscription()
    response = client.post(
        reverse("journal:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_bob_can_neither_see_nor_remove_alices_devices(client, alice, bob, vapid, push_service):
    subscribe(alice, push_service, "alice")
    device = PushSubscription.objects.get(owner=alice)
    client.force_login(bob)
    assert client.post(reverse("journal:push_device_remove", args=[device.pk])).status_code == 404
    assert client.get(reverse("journal:push_device_remove", args=[device.pk])).status_code == 405
    assert PushSubscription.objects.filter(pk=device.pk).exists()
    html = client.get(reverse("journal:settings")).content.decode()
    assert str(device.pk) not in html and "No device gets notifications yet." in html
    client.post(reverse("journal:push_test"))
    assert push_service.received == []


def test_alice_removes_her_device_with_a_plain_form(client, alice, vapid, push_service):
    subscribe(alice, push_service, "alice")
    device = PushSubscription.objects.get(owner=alice)
    client.force_login(alice)
    html = client.get(reverse("journal:settings")).content.decode()
    remove = reverse("journal:push_device_remove", args=[device.pk])
    assert f'action="{remove}"' in html
    response = client.post(remove, follow=True)
    assert response.redirect_chain[-1][0] == reverse("journal:settings") + "#devices"
    assert "Chrome on Android won’t get notifications" in response.content.decode()
    assert not PushSubscription.objects.exists()


def test_the_test_notification_button_sends_one_to_each_device(client, alice, vapid, push_service):
    phone = subscribe(alice, push_service, "phone")
    client.force_login(alice)
    response = client.post(reverse("journal:push_test"), follow=True)
    assert "on its way to your device" in response.content.decode()
    assert [phone.decrypt(r["body"]) for r in push_service.received] == [{"kind": "test"}]


def test_the_settings_page_works_without_javascript_and_saves_the_channels(client, alice, vapid):
    client.force_login(alice)
    html = client.get(reverse("journal:settings")).content.decode()
    assert "Turning notifications on takes JavaScript" in html  # what shows until push.js finds support
    assert re.search(r'<button[^>]*id="push-enable"[^>]*hidden', html)
    assert re.search(r"js/push\.[0-9a-f]*\.?js", html) and "<script>" not in html
    data = {
        "profile-time_zone": "Europe/Berlin",
        "profile-day_ends_at": "04:00",
        "profile-low_score_threshold": "4",
        "profile-colour_mode": "auto",
        "reminder-daily_enabled": "on",
        "reminder-daily_time": "07:30",
        "reminder-daily_channel": "push",
        "reminder-weekly_day": "6",
        "reminder-weekly_time": "18:00",
        "reminder-weekly_channel": "both",
    }
    response = client.post(reverse("journal:settings"), data)
    assert response.status_code == 302
    reminder = Reminder.objects.get(owner=alice)
    assert (reminder.daily_channel, reminder.weekly_channel, reminder.check_back_channel) == (
        "push",
        "both",
        "email",
    )
    data["reminder-daily_channel"] = "carrier pigeon"
    refused = client.post(reverse("journal:settings"), data)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert 'value="07:30"' in refused.content.decode()  # what was typed comes back
    reminder = Reminder.objects.get(owner=alice)
    assert (reminder.daily_enabled, reminder.daily_channel, reminder.weekly_channel) == (True, "push", "both")


def test_without_push_on_the_server_the_page_says_so_and_keeps_the_saved_choice(client, alice, settings):
    settings.ATTUNE_VAPID_PRIVATE_KEY = settings.ATTUNE_VAPID_PUBLIC_KEY = ""
    remind(alice, "UTC", dt.time(9, 0), channel=Channel.BOTH)
    client.force_login(alice)
    response = client.get(reverse("journal:settings"))
    html = response.content.decode()
    assert "Notifications aren’t set up on this server" in html
    assert "js/push." not in html and "daily_channel" not in html
    assert client.post(reverse("journal:push_test")).status_code == 404
    assert (
        client.post(reverse("journal:push_subscribe"), "{}", content_type="application/json").status_code
        == 404
    )


# --- Pieces -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "accepted"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc:def", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/gAAAA", True),
        ("https://web.push.apple.com/QGuQyavXutnMH", True),
        ("https://wns2-by3p.notify.windows.com/w/?token=BQYAAAB", True),
        ("https://FCM.googleapis.com/fcm/send/abc", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://evil.example.net\\@fcm.googleapis.com/x", False),
        ("https://evil.example.net%5C@fcm.googleapis.com/x", False),
        ("https://fcm.googleapis.com:443/x", False),
        ("https://a:b@fcm.googleapis.com/x", False),
        ("https://fcm.googleapis.com/x\tmore", False),
        ("https://fcm.googleapis.com\x00.evil.example.net/x", False),
        ("https://fcm.googleapis.com./x", False),
        ("https://notify.windows.com.evil.example.net/x", False),
        ("https://android.googleapis.com/gcm/send/x", False),
        ("https://push.apple.com/x", False),
    ],
)
def test_only_the_push_services_exact_hosts_pass(endpoint, accepted):
    assert push.is_push_service(endpoint) is accepted


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15", "Safari on Mac"),
        ("", "A browser"),
    ],
)  # fmt: skip
def test_a_device_is_named_from_its_browser(agent, label):
    assert device_label(agent) == label


def test_the_service_worker_part_knows_every_kind_and_opens_pages_that_exist():
    script = (ROOT / "static/js/sw-push.js").read_text()
    for kind in push.KINDS:
        assert re.search(rf"^\s+{kind}: {{", script, re.MULTILINE), kind
    for name in ("home", "journal:weekly_review", "needs:relationships", "journal:settings"):
        assert f'"{reverse(name)}' in script, name
    assert "fetch(" not in script and "XMLHttpRequest" not in script  # it reports nothing back


def test_a_subscription_on_a_shared_browser_belongs_to_who_turned_it_on_last(alice, bob, push_service):
    device = subscribe(alice, push_service, "shared")
    push_subscribe(user=bob, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth, user_agent="")
    assert list(PushSubscription.objects.values_list("owner__email", flat=True)) == ["bob@example.com"]


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_"))}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-for-this-test-only-0123456789-xyz",
    "DJANGO_ALLOWED_HOSTS": "attune.example.org",
    "ATTUNE_MASTER_KEYS": "dGVzdHMtb25seS1tYXN0ZXIta2V5LTAxMjM0NTY3ODk=",
}
SHOW = "from django.conf import settings as s; print(bool(s.ATTUNE_VAPID_PRIVATE_KEY), s.ATTUNE_VAPID_PUBLIC_KEY)"


def test_production_reads_the_key_pair_and_runs_without_one(tmp_path):
    private = new_vapid_private_key()
    _, public = parse_vapid_keys(private, "")
    env = {**PRODUCTION, "ATTUNE_VAR_DIR": str(tmp_path)}
    with_keys = run_settings(SHOW, **env, ATTUNE_VAPID_PRIVATE_KEY=private, ATTUNE_VAPID_PUBLIC_KEY=public)
    assert with_keys.returncode == 0, with_keys.stderr
    assert with_keys.stdout.split()[-2:] == ["True", public]
    without = run_settings(SHOW, **env)
    assert without.returncode == 0, without.stderr
    assert without.stdout.split()[-1] == "False"
    assert not (tmp_path / "vapid_private_key").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ATTUNE_VAPID_PRIVATE_KEY": "not-a-key"}, "ATTUNE_VAPID_PRIVATE_KEY is not a url-safe base64"),
        ({"ATTUNE_VAPID_PUBLIC_KEY": "BPublicOnly"}, "set both or neither"),
        ({"ATTUNE_VAPID_SUBJECT": "operator@example.org"}, "ATTUNE_VAPID_SUBJECT must be"),
    ],
)
def test_a_bad_vapid_setting_stops_start_up_with_a_short_message(tmp_path, change, message):
    result = run_settings("pass", **PRODUCTION, ATTUNE_VAR_DIR=str(tmp_path), **change)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_public_key_from_another_pair_is_caught():
    _, other_public = parse_vapid_keys(new_vapid_private_key(), "")
    with pytest.raises(SystemExit):
        parse_vapid_keys(new_vapid_private_key(), other_public)


def test_local_mode_makes_a_key_pair_once_into_var(tmp_path):
    env = {"DJANGO_DEBUG": "True", "ATTUNE_VAR_DIR": str(tmp_path)}
    first = run_settings(SHOW, **env)
    second = run_settings(SHOW, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[-2] == "True"
    assert first.stdout.split()[-1] == second.stdout.split()[-1]
    assert len(b64url_decode(first.stdout.split()[-1])) == 65
    assert (tmp_path / "vapid_private_key").stat().st_mode & 0o077 == 0


# --- In the browser ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_button_appears_and_a_refusal_is_explained(
    page,  # noqa: F811 - the browser harness imported above
    live_server,
    alice,
    vapid,
    push_service,
):
    subscribe(alice, push_service, "laptop")
    log_in(page, live_server.url, "alice@example.com", PASSWORD)
    page.goto(live_server.url + reverse("journal:settings"))
    status = page.locator("#push-status")
    assert status.inner_text() == "You can get your reminders as notifications on this device."
    button = page.get_by_role("button", name="Turn on notifications on this device")
    assert button.is_visible()
    assert page.get_by_role("button", name=re.compile("^Remove Chrome on Android")).is_visible()
    assert_accessible(page)
    button.click()  # headless Chromium answers the permission prompt with "no"
    page.wait_for_function(
        "() => document.getElementById('push-status').textContent.startsWith('Notifications weren’t allowed')"
    )
    assert not PushSubscription.objects.exclude(endpoint__endswith="/laptop").exists()
