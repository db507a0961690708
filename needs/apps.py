"""The needs app: needs, check-ins, sharing, relationships, and the privacy plumbing every subject builds on."""

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "Needs"

    def ready(self):
        post_save.connect(
            _data_key_with_the_account, sender=settings.AUTH_USER_MODEL, dispatch_uid="data-key"
        )


def _data_key_with_the_account(sender, instance, created, raw=False, **kwargs):
    """A person's data key is made with their account. Made on first use instead, inside the transaction of a
    first write, two first writes at once (an autosave beside the form sent) each waited on the other's key."""
    if created and not raw:
        from needs.privacy.crypto import create_data_key

        create_data_key(instance.pk)
