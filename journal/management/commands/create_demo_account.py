import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.settings import local_secret
from needs import pagecache

DEMO_EMAIL = "demo@attune.local"


class Command(BaseCommand):
    help = (
        "Local mode only (DJANGO_DEBUG=True): create or refresh the demo account with sample "
        "data and print its credentials. Idempotent; `make run` calls it."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account exists only in local mode (DJANGO_DEBUG=True).")
        password = local_secret("demo_password", lambda: secrets.token_urlsafe(12))
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
            from journal.demo import demo_data_create

            summary = demo_data_create(user=user)
        pagecache.forget(user.pk)
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Demo account (local only)\n"
                f"    email:    {DEMO_EMAIL}\n"
                f"    password: {password}\n"
                f"    {summary}\n"
            )
        )
