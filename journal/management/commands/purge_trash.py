from django.core.management.base import BaseCommand

from journal.services import trash_purge
from needs import pagecache


class Command(BaseCommand):
    help = (
        "Delete reflections that have been in the trash for more than 30 days. Run daily (cron); idempotent."
    )

    def handle(self, *args, **options):
        deleted = trash_purge()
        pagecache.prune()  # and pages whose time in the page cache is up
        self.stdout.write(f"Emptied the trash: {deleted} row(s) deleted.")
