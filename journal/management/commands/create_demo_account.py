"""`create_demo_account`: the local demo account, its year of sample data and its partner (local mode only)."""

import base64
import hashlib
import hmac

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from journal.demo import demo_data_create
from journal.services.account_data import account_delete
from needs.models.sharing import Connection
from needs.services.accounts import local_date_of, local_today, profile_for

DEMO_EMAIL = "demo@attune.local"
PARTNER_EMAIL = "sam@attune.local"

# (username, email, first name) of the demo person and of their partner.
PEOPLE = (("demo", DEMO_EMAIL, "Demo"), ("demo-partner", PARTNER_EMAIL, "Sam"))


def demo_password() -> str:
    """Stable for this checkout (derived from its local secret key, which lives in var/), so it survives re-runs."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"attune-demo-password", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)[:16].decode()


def _is_current(demo, partner) -> bool:
    """Built today (in the demo person's time zone) with everything this command makes, partner included."""
    if demo is None or partner is None:
        return False
    built_on = local_date_of(demo.date_joined, profile_for(demo))
    connected = Connection.objects.for_participant(demo).filter(invitee=partner).exists()
    return connected and built_on == local_today(demo)


class Command(BaseCommand):
    help = (
        "Local mode only (DJANGO_DEBUG=True): create the demo account with a year of sample data and a partner "
        "account connected to it, and print their log-in details. Idempotent: a demo built today is left as "
        "it is; one built on an earlier day is deleted and built afresh, so its dates stay current. "
        "`make run` calls it."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account exists only in local mode (DJANGO_DEBUG=True).")
        password = demo_password()
        User = get_user_model()
        with transaction.atomic():
            found = [User.objects.filter(username=name, email=email).first() for name, email, _ in PEOPLE]
            if _is_current(*found):
                summary = "sample data: already there (built today)"
                for person in found:
                    if not person.check_password(password):
                        person.set_password(password)
                        person.save(update_fields=["password"])
            else:
                for person in found:
                    if person is not None:
                        account_delete(user=person)
                found = [
                    User.objects.create_user(name, email, password, first_name=first_name)
                    for name, email, first_name in PEOPLE
                ]
                summary = demo_data_create(user=found[0], partner=found[1])
            for person in found:
                EmailAddress.objects.update_or_create(
                    user=person, email=person.email, defaults={"verified": True, "primary": True}
                )
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Demo account (local only)\n"
                f"    email:    {DEMO_EMAIL}\n"
                f"    password: {password}\n"
                f"    {summary}\n"
                "  Their partner Sam, to see the exchange from the other side (same password)\n"
                f"    email:    {PARTNER_EMAIL}\n"
            )
        )
