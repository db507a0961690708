"""`load_starter_content`: add the starter needs catalogue and prompt library where missing (never what staff
deleted), tie the starter prompts it adds to their catalogue needs, and keep the starter prompts' care flags (where a question
may appear) as the starter file asks."""

from django.core.management.base import BaseCommand

from journal.models import Prompt, RetiredStarter
from journal.services.prompts import prompts_link, prompts_load, prompts_take_care, retired_slugs
from needs.services.needs import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the starter needs catalogue and prompt library. Run after every migrate "
        "(`make run` and `make serve` do): adds what is missing, never overwrites staff edits to wording, never "
        "brings back a starter prompt or catalogue need staff deleted, and never makes an inactive one active. "
        "Starter prompts it adds are tied to the catalogue needs the starter file names. "
        "Starter prompts the file keeps out of the daily questions, ties to a relationship or points to help "
        "are made so again (a flag is only ever set, never cleared)."
    )

    def handle(self, *args, **options):
        added = catalogue_load(retired=retired_slugs(RetiredStarter.Kind.CATALOGUE_NEED))
        self.stdout.write(f"Starter catalogue: {added} need(s) added.")
        here = set(Prompt.objects.values_list("slug", flat=True))
        added = prompts_load()
        self.stdout.write(f"Starter prompts: {added} prompt(s) added.")
        new = set(Prompt.objects.values_list("slug", flat=True)) - here
        tied = prompts_link(slugs=new)
        self.stdout.write(f"Starter prompts: {tied} prompt(s) tied to the catalogue needs they speak to.")
        changed = prompts_take_care()
        self.stdout.write(f"Starter prompts: {changed} prompt(s) given the care the starter file asks for.")
