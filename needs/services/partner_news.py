"""News in a partner exchange: the name each person shows the other, what is new for someone since they last
opened a connection (a need the other person shared there, or an answer they wrote), the card on the home page
that says so, and the one short email about it.

The email says only that there is something new and from whom (by the name that person chose), with a link: never
which need, never a word anyone wrote. It goes after the write is committed, at most once per connection until
the person has opened that connection again (`*_notified_at` against `*_seen_at`), and only while their
`Profile.partner_emails` is on. A connection is claimed for the email by one UPDATE, so two processes writing at
the same moment send one email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from needs.models.accounts import Profile
from needs.models.sharing import Answer, Connection, SharedNeed

logger = logging.getLogger(__name__)

# Shown wherever a person who chose no name appears to the other: never their email address or a part of it.
UNNAMED = "your connection"


# --- Names ----------------------------------------------------------------------------------------------


def chosen_name(user) -> str:
    """The name `user` chose to show the people they are connected with, or "" (reads a prefetched profile)."""
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return ""
    return profile.display_name if profile is not None else ""


def shown_name(user) -> str:
    """How `user` appears to the other person in a connection: their chosen name, or a neutral stand-in."""
    return chosen_name(user) or UNNAMED


def with_names(connections, user) -> list[Connection]:
    """Connections of `user`, each with `other_person` and `other_name` set (select `inviter__profile` and
    `invitee__profile` to keep it to the one query)."""
    connections = list(connections)
    for connection in connections:
        connection.other_person = connection.other(user)
        connection.other_name = shown_name(connection.other_person)
    return connections


# --- What is new ------------------------------------------------------------------------------------------


def _side_fields(connection: Connection, user) -> tuple[str, str]:
    """The names of `user`'s own `seen_at` and `notified_at` fields on the connection."""
    side = "inviter" if connection.inviter_id == user.pk else "invitee"
    return f"{side}_seen_at", f"{side}_notified_at"


def _news_since(side: str, other: str) -> Q:
    """Connections where `other` shared or answered something after `side` last opened the connection."""
    seen = OuterRef(f"{side}_seen_at")
    shares = SharedNeed.objects.filter(
        connection=OuterRef("pk"), owner=OuterRef(other), need__archived_at__isnull=True
    )
    answers = Answer.objects.filter(shared__connection=OuterRef("pk"), owner=OuterRef(other))
    never_opened = Q(**{f"{side}_seen_at__isnull": True})
    return (
        (never_opened & (Exists(shares) | Exists(answers)))
        | Exists(shares.filter(created_at__gt=seen))
        | Exists(answers.filter(created_at__gt=seen))
    )


def with_news(user):
    """The person's active connections where the other person has something new for them."""
    return Connection.objects.for_participant(user).filter(
        (Q(inviter=user) & _news_since("inviter", "invitee"))
        | (Q(invitee=user) & _news_since("invitee", "inviter"))
    )


@dataclass
class News:
    connection: Connection
    name: str


def news_for(*, user) -> list[News]:
    """For the home page: one item per connection with something new, with the other person's name. One query."""
    connections = (
        with_news(user).select_related("inviter__profile", "invitee__profile").order_by("created_at")
    )
    return [News(connection, connection.other_name) for connection in with_names(connections, user)]


def connection_seen(*, connection: Connection, user) -> None:
    """`user` opened the connection: what is there now is no longer news, and a later change may be emailed."""
    seen_field, _ = _side_fields(connection, user)
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(**{seen_field: now})
    setattr(connection, seen_field, now)


# --- The email -----------------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.ATTUNE_SITE_URL.rstrip("/") + path


def news_posted(*, connection: Connection, sender) -> None:
    """`sender` just shared or answered something in the connection: once the write is committed, the other
    person may get the email."""
    recipient_id = connection.invitee_id if connection.inviter_id == sender.pk else connection.inviter_id
    transaction.on_commit(lambda: news_email_send(connection_id=connection.pk, recipient_id=recipient_id))


def news_email_send(*, connection_id, recipient_id: int) -> bool:
    """Email the recipient that there is something new in the connection, unless they turned these emails off,
    the connection has ended, or they were emailed about it and haven't opened it since. True if sent."""
    connection = (
        Connection.objects.filter(pk=connection_id, ended_at__isnull=True)
        .filter(Q(inviter_id=recipient_id) | Q(invitee_id=recipient_id))
        .select_related("inviter__profile", "invitee__profile")
        .first()
    )
    if connection is None:
        return False
    recipient = connection.inviter if connection.inviter_id == recipient_id else connection.invitee
    sender = connection.other(recipient)
    if not _wants_emails(recipient):
        return False
    seen_field, notified_field = _side_fields(connection, recipient)
    before = getattr(connection, notified_field)
    # The claim: emailed never, or before the person last opened the connection.
    claimed = (
        Connection.objects.filter(pk=connection.pk)
        .filter(Q(**{f"{notified_field}__isnull": True}) | Q(**{f"{notified_field}__lt": F(seen_field)}))
        .update(**{notified_field: timezone.now()})
    )
    if not claimed:
        return False
    try:
        _news_email(connection, recipient, sender).send()
    except Exception:
        # Free the claim so the next news can try again; log without anything personal.
        logger.exception("Partner news email failed for connection %s", connection.pk)
        Connection.objects.filter(pk=connection.pk).update(**{notified_field: before})
        return False
    return True


def _wants_emails(user) -> bool:
    """Partner emails are on unless the person turned them off (no profile yet: the default, on)."""
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return True
    return profile is None or profile.partner_emails


def _news_email(connection: Connection, recipient, sender) -> EmailMessage:
    name = shown_name(sender)
    context = {
        "name": name,
        "link": _absolute(reverse("sharing:partner_detail", args=[connection.pk])),
        "settings_link": _absolute(reverse("journal:settings")),
    }
    message = EmailMessage(
        subject=f"Attune: something new from {name}",
        body=render_to_string("emails/partner_news.txt", context),
        to=[recipient.email],
    )
    message.extra_headers = {"Auto-Submitted": "auto-generated"}
    return message
