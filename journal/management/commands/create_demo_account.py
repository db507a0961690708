"""`create_demo_account`: the local demo account and its sample data (local mode only)."""

import base64
import hashlib
import hmac

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from journal.devdata import demo_data_create

DEMO_EMAIL = "demo@attune.local"


def demo_password() -> str:
    """Stable for this checkout (derived from its local secret key, which lives in var/), so it survives re-runs."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"attune-demo-password", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)[:16].decode()


class Command(BaseCommand):
    help = (
        "Local mode only (DJANGO_DEBUG=True): create or refresh the demo account with sample "
        "data and print its credentials. Idempotent; `make run` calls it."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account exists only in local mode (DJANGO_DEBUG=True).")
        password = demo_password()
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username="demo", defaults={"email": DEMO_EMAIL, "first_name": "Demo"}
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
            )
            summary = demo_data_create(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Demo account (local only)\n"
                f"    email:    {DEMO_EMAIL}\n"
                f"    password: {password}\n"
                f"    {summary}\n"
            )
        )
