"""`rotate_keys`: re-wrap every data key under the current master key."""

from django.core.management.base import BaseCommand, CommandError

from needs.privacy.crypto import JournalLocked, current_master, rotate_data_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every person's data key under the first key in ATTUNE_MASTER_KEYS. Run after putting a new "
        "master key first (keep the old ones after it until this has run). Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            rewrapped, unchanged = rotate_data_keys()
        except JournalLocked as error:
            raise CommandError(
                f"Some data keys could not be unwrapped ({error}). Keep every old master key in "
                "ATTUNE_MASTER_KEYS (after the new one) until rotation has finished."
            ) from error
        master_id, _ = current_master()
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped {rewrapped} data key(s) under master key {master_id}; {unchanged} already were."
            )
        )
