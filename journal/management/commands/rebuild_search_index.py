"""`rebuild_search_index`: fingerprint every reflection's words again, person by person."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from journal.models import Reflection
from journal.services.search_index import index_rebuild
from needs.privacy.crypto import JournalLocked


class Command(BaseCommand):
    help = (
        "Rebuild every person's search index from their reflections. Saving a reflection keeps its index up "
        "to date; run this after reflections were put into the database another way (a partial restore) or "
        "after changing how words are indexed. Safe to run again."
    )

    def handle(self, *args, **options):
        people = get_user_model().objects.filter(pk__in=Reflection.objects.values("owner_id")).order_by("pk")
        indexed = counted = 0
        for user in people.iterator():
            try:
                indexed += index_rebuild(user=user)
            except JournalLocked as error:
                raise CommandError(
                    f"The reflections of account {user.pk} could not be opened ({error}). Check "
                    "ATTUNE_MASTER_KEYS; the accounts before it were indexed."
                ) from error
            counted += 1
        self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} reflection(s) of {counted} person(s)."))
