"""`worker`: run background work (imports) — first queue again any import whose worker stopped, then run
django-tasks-db's worker (`db_worker`) with the options given."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from journal.portability.jobs import resume_stopped


class Command(BaseCommand):
    help = (
        "Run the background worker: imports from the import page. Queues again any import a stopped worker "
        "left part-way, then runs django-tasks-db's db_worker. Run one or more on each machine (`make worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at the queue.")

    def handle(self, *args, batch, interval, **options):
        resumed = resume_stopped()
        if resumed:
            self.stdout.write(f"Queued again {resumed} import(s) a stopped worker left part-way.")
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            startup_delay=not batch,
            verbosity=options["verbosity"],
        )
