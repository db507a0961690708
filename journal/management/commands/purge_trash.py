"""`purge_trash`: the daily clean-up of the trash, ended sessions and expired counters."""

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from journal.models import TRASH_DAYS
from journal.portability.jobs import KEPT_DAYS, imports_purge
from journal.services.reflections import trash_purge


def sessions_purge() -> int:
    """Delete ended sessions and, with them, the address and browser recorded for each (allauth's user sessions)."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    deleted, _ = UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return deleted


def expired_cache_purge() -> int:
    """Delete expired rate-limit counters (they name an IP address) from the database cache.

    Redis forgets them by itself; Django's database cache deletes expired rows only once the table is full.
    """
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    table = connection.ops.quote_name(cache._table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])  # noqa: S608
        return cursor.rowcount


class Command(BaseCommand):
    help = (
        f"Daily clean-up (cron; idempotent): delete reflections that have been in the trash for more than {TRASH_DAYS} days, "
        "ended sessions with the address and browser kept for them, expired rate-limit counters, and the reports of "
        f"imports that ended more than {KEPT_DAYS} days ago."
    )

    def handle(self, *args, **options):
        deleted = trash_purge()
        sessions = sessions_purge()
        expired_cache_purge()
        reports = imports_purge()
        self.stdout.write(
            f"Emptied the trash: {deleted} row(s) deleted; {sessions} ended session record(s) deleted; "
            f"{reports} old import report(s) deleted."
        )
