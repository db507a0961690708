"""`load_starter_content`: add the starter needs catalogue and prompt library where missing, and keep the starter
prompts' care flags (where a question may appear) as the starter file asks."""

from django.core.management.base import BaseCommand

from journal.services.prompts import prompts_load, prompts_take_care
from needs.services.needs import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the starter needs catalogue and prompt library. Run after every migrate "
        "(`make run` and `make serve` do): adds what is missing, never overwrites staff edits to wording. "
        "Starter prompts the file keeps out of the daily questions, ties to a relationship or points to help "
        "are made so again (a flag is only ever set, never cleared)."
    )

    def handle(self, *args, **options):
        added = catalogue_load()
        self.stdout.write(f"Starter catalogue: {added} need(s) added.")
        added = prompts_load()
        self.stdout.write(f"Starter prompts: {added} prompt(s) added.")
        changed = prompts_take_care()
        self.stdout.write(f"Starter prompts: {changed} prompt(s) given the care the starter file asks for.")
