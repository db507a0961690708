"""`send_reminders`: send the reminders (emails and push notifications) due now (every minute, from cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from journal.services.reminders import send_due


class Command(BaseCommand):
    help = (
        "Send the reminders (emails and push notifications) that are due now. Run every minute from cron; safe on several machines at "
        "once (each reminder is claimed before it is sent) and across daylight-saving changes."
    )

    def handle(self, *args, **options):
        sent = send_due(timezone.now())
        self.stdout.write(f"Sent {sent} reminder(s).")
