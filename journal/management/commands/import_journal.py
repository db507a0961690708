"""`import_journal`: import an Attune JSON export into one account from the command line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from journal.portability import imports
from journal.portability.records import KINDS


class Command(BaseCommand):
    help = (
        "Import an Attune JSON export into the account with this email, as the import page does: in one "
        "transaction, adding nothing twice. For moving a journal too large for a browser's upload; run it "
        "again safely. Prints a line as each part is done, then the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user-email", required=True)
        parser.add_argument("file", type=Path)

    def handle(self, *args, user_email, file, **options):
        user = get_user_model().objects.filter(email__iexact=user_email).first()
        if user is None:
            raise CommandError("No account has this email address.")

        def progress(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            report = imports.import_file(user=user, raw=file.read_bytes(), progress=progress)
        except imports.ImportRefused as refused:
            raise CommandError(f"Nothing was imported. {refused}") from None
        for kind in KINDS:
            self.stdout.write(f"{kind}: {report.imported[kind]} added, {report.unchanged[kind]} already here")
        self.stdout.write(f"refused: {len(report.refused)}")
