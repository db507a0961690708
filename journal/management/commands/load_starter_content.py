from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the starter needs catalogue and prompt library. Run after every migrate "
        "(`make run` and `make serve` do): adds what is missing, never overwrites staff edits."
    )

    def handle(self, *args, **options):
        self.stdout.write("Starter content: nothing to load yet.")
