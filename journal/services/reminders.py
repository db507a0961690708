"""Reminders at the person's local time (daily, weekly, a pause plan's check-back day): what is due, sending
each once by email, push notification or both, and unsubscribing.

`send_due(now)` is safe to run every minute from several machines at once: a reminder is claimed by
inserting its (person, kind, local date) row first (a check-back: by setting its plan's `reminded_on`); only
the run whose claim wins sends it, on every channel the person chose. Emails carry no journal text and no need
names: a kind nudge and a link; a push notification carries only its kind (journal/services/push.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from journal.models import Channel, Reminder, ReminderSent
from journal.services.push import push_enabled, push_send
from needs.models.relationships import PausePlan

logger = logging.getLogger(__name__)


# A reminder found late (the scheduler was down) is still sent within this window, never hours later.
GRACE = dt.timedelta(hours=3)

UNSUBSCRIBE_SALT = "attune.reminders.unsubscribe"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def scheduled_at(local_date: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The moment a local wall-clock time happens on a date.

    A time that doesn't exist (skipped by a spring-forward change) is taken with the offset before the
    change, so 02:30 becomes 03:30 local; a time that happens twice (fall-back) is its first occurrence.
    Either way there is exactly one moment per date.
    """
    naive = dt.datetime.combine(local_date, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    return aware.astimezone(dt.UTC)


@dataclass
class Due:
    reminder: Reminder
    kind: str
    local_date: dt.date


def due_reminders(now: dt.datetime) -> list[Due]:
    due = []
    for reminder in Reminder.objects.filter(models_enabled()).select_related("owner"):
        zone = _zone(reminder.time_zone)
        local_today = now.astimezone(zone).date()
        for local_date in (local_today - dt.timedelta(days=1), local_today):
            if reminder.daily_enabled:
                moment = scheduled_at(local_date, reminder.daily_time, zone)
                if moment <= now < moment + GRACE:
                    due.append(Due(reminder, "daily", local_date))
            if reminder.weekly_enabled and local_date.weekday() == reminder.weekly_day:
                moment = scheduled_at(local_date, reminder.weekly_time, zone)
                if moment <= now < moment + GRACE:
                    due.append(Due(reminder, "weekly", local_date))
    return due


def models_enabled() -> Q:
    return Q(daily_enabled=True) | Q(weekly_enabled=True)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in {"daily", "weekly", "all"}:
        return None
    return data.get("u"), data["k"]


def reminders_unsubscribe(*, user, kind: str) -> None:
    """Stop one kind of reminder email ("daily", "weekly") or "all" of them, check-backs included.

    A reminder that also goes to the person's devices keeps going there, and only there: no email comes for
    it again, not even when no device takes it, until they choose email for it again in settings.
    """
    reminder = Reminder.objects.filter(owner=user).first()
    if reminder is None:
        return
    kinds = {"daily": ["daily"], "weekly": ["weekly"], "all": ["daily", "weekly", "check_back"]}[kind]
    for name in kinds:
        if name != "check_back" and getattr(reminder, f"{name}_channel") == Channel.EMAIL:
            setattr(reminder, f"{name}_enabled", False)
    for name in kinds:
        by_email_only = getattr(reminder, f"{name}_channel") == Channel.EMAIL
        if name == "check_back" and by_email_only and not (reminder.daily_enabled or reminder.weekly_enabled):
            continue  # with every reminder off, no check-back is sent at all
        if name == "check_back" or not by_email_only:
            setattr(reminder, f"{name}_channel", Channel.PUSH)
            setattr(reminder, f"{name}_email_stopped", True)
    reminder.save()


def deliver(
    *, user, channel: str, kind: str, email: Callable[[], EmailMessage], email_stopped: bool = False
) -> bool:
    """Send one reminder by the channel the person chose; True when it is done (False: try again next run).

    Push is tried first; a reminder meant for push only still comes by email when no device took it (push
    is off on this server, no device is set up, or every device failed), so turning push on never loses one —
    unless the person unsubscribed from its email (`email_stopped`): then it is done without one.
    """
    pushed = 0
    if channel in (Channel.PUSH, Channel.BOTH) and push_enabled():
        pushed = push_send(user=user, kind=kind)
    if channel == Channel.PUSH and (pushed or email_stopped):
        return True
    try:
        email().send()
    except Exception:
        logger.exception("Reminder email (%s) failed for person %s", kind, user.pk)
        return pushed > 0
    return True


def _absolute(path: str) -> str:
    return settings.ATTUNE_SITE_URL.rstrip("/") + path


def build_email(due: Due) -> EmailMessage:
    user = due.reminder.owner
    unsubscribe = _absolute(reverse("journal:unsubscribe", args=[unsubscribe_token(user.pk, due.kind)]))
    if due.kind == "daily":
        subject = "A few quiet minutes for you"
        link = _absolute(reverse("home"))
    else:
        subject = "Your week, when you have a moment"
        monday = due.local_date - dt.timedelta(days=due.local_date.weekday())
        link = _absolute(reverse("journal:weekly_review") + f"?week={monday.isoformat()}")
    body = render_to_string(f"emails/reminder_{due.kind}.txt", {"link": link, "unsubscribe": unsubscribe})
    message = EmailMessage(subject=f"Attune: {subject}", body=body, to=[user.email])
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return message


def send_pause_plan_check_backs(now: dt.datetime) -> int:
    """On a pause plan's check-back day, at the person's reminder time, a nudge — if reminders are on.

    The plan is claimed by setting `reminded_on` in one UPDATE, so concurrent runners send it once.
    """
    sent = 0
    for reminder in Reminder.objects.filter(models_enabled()).select_related("owner"):
        zone = _zone(reminder.time_zone)
        local_today = now.astimezone(zone).date()
        at = reminder.daily_time if reminder.daily_enabled else reminder.weekly_time
        moment = scheduled_at(local_today, at, zone)
        if not (moment <= now < moment + GRACE):
            continue
        for plan in PausePlan.objects.filter(
            owner=reminder.owner, check_back_on__lte=local_today, reminded_on__isnull=True
        ):
            if not PausePlan.objects.filter(pk=plan.pk, reminded_on__isnull=True).update(
                reminded_on=local_today
            ):
                continue  # another runner claimed it
            release = lambda plan=plan: PausePlan.objects.filter(pk=plan.pk).update(reminded_on=None)  # noqa: E731
            if not _deliver_or_release(
                release,
                user=reminder.owner,
                channel=reminder.check_back_channel,
                kind="pause_check_back",
                email=lambda plan=plan, reminder=reminder: build_check_back_email(reminder, plan),
                email_stopped=reminder.check_back_email_stopped,
            ):
                continue
            sent += 1
    return sent


def build_check_back_email(reminder: Reminder, plan: PausePlan) -> EmailMessage:
    link = _absolute(reverse("needs:relationship_detail", args=[plan.relationship_id]))
    unsubscribe = _absolute(
        reverse("journal:unsubscribe", args=[unsubscribe_token(reminder.owner_id, "all")])
    )
    body = render_to_string("emails/pause_check_back.txt", {"link": link, "unsubscribe": unsubscribe})
    message = EmailMessage(subject="Attune: a check-back you planned", body=body, to=[reminder.owner.email])
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


def _deliver_or_release(release: Callable[[], object], *, user, kind: str, **how) -> bool:
    """`deliver`, and when nothing reached the person, `release` their claim so the next run tries again.

    One person's unexpected error (a database error, say) is logged with ids only — its text could quote a
    device's address — and the run goes on to everyone else.
    """
    try:
        if deliver(user=user, kind=kind, **how):
            return True
    except Exception as error:  # noqa: BLE001 - one person's failure must not stop everyone else's reminders
        logger.error("Reminder (%s) for person %s failed: %s", kind, user.pk, type(error).__name__)
    try:
        release()
    except Exception as error:  # noqa: BLE001 - as above
        logger.error(
            "Reminder (%s) claim for person %s not released: %s", kind, user.pk, type(error).__name__
        )
    return False


def send_due(now: dt.datetime) -> int:
    """Send every reminder due at `now`, each at most once. Returns how many were sent."""
    sent = send_pause_plan_check_backs(now)
    for due in due_reminders(now):
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(
                    owner=due.reminder.owner, kind=due.kind, local_date=due.local_date
                )
        except IntegrityError:
            continue  # already sent, or another runner is sending it right now
        if not _deliver_or_release(
            claim.delete,
            user=due.reminder.owner,
            channel=getattr(due.reminder, f"{due.kind}_channel"),
            kind=due.kind,
            email=lambda due=due: build_email(due),
            email_stopped=getattr(due.reminder, f"{due.kind}_email_stopped"),
        ):
            continue
        sent += 1
    return sent
