from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from journal.services import trash_purge
from needs import pagecache


def sessions_purge() -> int:
    """Delete ended sessions and, with them, the address and browser recorded for each (allauth's user sessions)."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    deleted, _ = UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return deleted


class Command(BaseCommand):
    help = (
        "Daily clean-up (cron; idempotent): delete reflections that have been in the trash for more than 30 days, "
        "ended sessions with the address and browser kept for them, and expired kept pages."
    )

    def handle(self, *args, **options):
        deleted = trash_purge()
        sessions = sessions_purge()
        pagecache.prune()  # and pages whose time in the page cache is up
        self.stdout.write(
            f"Emptied the trash: {deleted} row(s) deleted; {sessions} ended session record(s) deleted."
        )
