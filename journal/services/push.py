"""Push notifications (Web Push, VAPID): a person's devices, and sending a reminder to them.

A notification carries only its kind ("daily", "weekly", "pause_check_back", "test"), encrypted for the
device alone (aes128gcm); the words and the page to open are chosen on the device by static/js/sw-push.js.
A device's endpoint is its private address at a push service: it is never logged, shown or put in the admin.
Push is on only when the server has a VAPID key pair (settings.ATTUNE_VAPID_PRIVATE_KEY).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from journal.models import PushSubscription

logger = logging.getLogger(__name__)

KINDS = ("daily", "weekly", "pause_check_back", "test")

# How long a push service keeps trying a device that is off: a daily nudge is stale after the same three hours
# an email would still be sent in; a weekly review or a check-back keeps for the rest of the day.
TTL_SECONDS = {"daily": 3 * 3600, "weekly": 12 * 3600, "pause_check_back": 12 * 3600, "test": 10 * 60}

# The push services browsers use. Subscribing is limited to them so a crafted subscription cannot make the
# server post to an address of someone's choosing (an internal service, say). Exact hosts only.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera, Brave (Firebase Cloud Messaging)
    "updates.push.services.mozilla.com",  # Firefox
    "web.push.apple.com",  # Safari on macOS, iOS and iPadOS
)
# Edge on Windows (Windows Push Notification Services) gives each device a host under this domain.
PUSH_SERVICE_PARENT_DOMAINS = ("notify.windows.com",)

# Characters no push service's endpoint has, and which URL parsers disagree about (a backslash before an "@"
# is the host for one parser and part of the user name for another).
_UNSAFE_CHARACTERS = re.compile(r"[\\@\s\x00-\x1f\x7f]")

TIMEOUT_SECONDS = 10


def push_enabled() -> bool:
    return bool(settings.ATTUNE_VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The server's VAPID public key, the browser's `applicationServerKey`."""
    return settings.ATTUNE_VAPID_PUBLIC_KEY


def is_push_service(endpoint: str) -> bool:
    """True for an https address at a browser's push service, read the same by every parser on the way.

    No user name, password or port, nothing a parser could read as a different host: `urlsplit` and urllib3
    (which requests sends with) must agree on the host, and it must be one of the push services exactly.
    """
    if not isinstance(endpoint, str) or not endpoint.isascii() or _UNSAFE_CHARACTERS.search(endpoint):
        return False
    try:
        parts = urlsplit(endpoint)
        sent_to = parse_url(endpoint)
    except (ValueError, LocationParseError):
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or ":" in parts.netloc or parts.username is not None:
        return False
    if (sent_to.host or "").lower() != host or sent_to.auth is not None or sent_to.port is not None:
        return False
    return host in PUSH_SERVICE_HOSTS or any(
        host.endswith("." + domain) for domain in PUSH_SERVICE_PARENT_DOMAINS
    )


class _NoRedirects(requests.Session):
    """A push service answers a notification itself: a redirect to elsewhere is a failure, never followed."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


# What the send path checks each saved endpoint with (tests point it at a stand-in push service too).
sendable = is_push_service


def valid_key(value: str, length: int, first: int | None = None) -> bool:
    """A browser's subscription key: url-safe base64 of `length` bytes (p256dh: a P-256 point, auth: 16)."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+={0,2}", value or ""):
        return False
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return False
    return len(raw) == length and (first is None or raw[0] == first)


_BROWSERS = (
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A name the person recognises their device by, like "Chrome on Android", from the browser's User-Agent."""
    user_agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return f"{browser} on {system}" if system else browser


@transaction.atomic
def push_subscribe(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str) -> PushSubscription:
    """Keep (or renew) a device's subscription for `user`.

    A browser has one endpoint per site, so a device that was subscribed for another account on it (a shared
    computer) now notifies only the person who turned notifications on last.
    """
    device, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"owner": user, "p256dh": p256dh, "auth": auth, "device_label": device_label(user_agent)},
    )
    return device


def push_device_remove(*, device: PushSubscription) -> None:
    device.delete()


def _vapid() -> Vapid:
    return Vapid.from_string(settings.ATTUNE_VAPID_PRIVATE_KEY)


def push_send(*, user, kind: str) -> int:
    """Send a notification of `kind` to each of the person's devices. Returns how many devices took it.

    A device the push service no longer knows (404, 410: the person removed it or the browser dropped it) is
    forgotten. Any other failure is logged with the person's and the device's ids only.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not push_enabled():
        return 0
    devices = list(PushSubscription.objects.for_user(user))
    if not devices:
        return 0
    vapid = _vapid()
    payload = json.dumps({"kind": kind})
    delivered = 0
    with _NoRedirects() as session:
        for device in devices:
            if not sendable(device.endpoint):
                # Saved before the check was as strict as it is now: forgotten, never posted to.
                PushSubscription.objects.filter(pk=device.pk).delete()
                logger.warning(
                    "Push device %s of person %s is not at a push service; removed", device.pk, user.pk
                )
                continue
            try:
                webpush(
                    subscription_info={
                        "endpoint": device.endpoint,
                        "keys": {"p256dh": device.p256dh, "auth": device.auth},
                    },
                    data=payload,
                    vapid_private_key=vapid,
                    # A new dict each time: pywebpush writes the audience and expiry into it.
                    vapid_claims={"sub": settings.ATTUNE_VAPID_SUBJECT},
                    content_encoding="aes128gcm",
                    ttl=TTL_SECONDS[kind],
                    # An undelivered notification of the same kind is replaced, not stacked.
                    headers={"Topic": kind.replace("_", "-"), "Urgency": "normal"},
                    timeout=TIMEOUT_SECONDS,
                    requests_session=session,
                )
            except WebPushException as error:
                status = error.status_code
                if status in (404, 410):
                    PushSubscription.objects.filter(pk=device.pk).delete()
                    logger.info("Push device %s of person %s is gone; removed", device.pk, user.pk)
                else:
                    logger.warning(
                        "Push to device %s of person %s failed with status %s", device.pk, user.pk, status
                    )
                continue
            except (requests.RequestException, ValueError, TypeError) as error:
                # Never the exception text: it can quote the endpoint.
                logger.warning(
                    "Push to device %s of person %s failed: %s", device.pk, user.pk, type(error).__name__
                )
                continue
            PushSubscription.objects.filter(pk=device.pk).update(last_success_at=timezone.now())
            delivered += 1
    return delivered
