"""The needs app: needs, check-ins, sharing, relationships, and the privacy plumbing every subject builds on."""

from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "Needs"
