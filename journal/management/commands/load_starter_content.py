"""`load_starter_content`: add the starter needs catalogue and prompt library where missing."""

from django.core.management.base import BaseCommand

from journal.services.prompts import prompts_load
from needs.services.needs import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the starter needs catalogue and prompt library. Run after every migrate "
        "(`make run` and `make serve` do): adds what is missing, never overwrites staff edits."
    )

    def handle(self, *args, **options):
        added = catalogue_load()
        self.stdout.write(f"Starter catalogue: {added} need(s) added.")
        added = prompts_load()
        self.stdout.write(f"Starter prompts: {added} prompt(s) added.")
