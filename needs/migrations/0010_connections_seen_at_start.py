"""Connections made before partner news start as seen: what was shared in them before this release is not news,
so nobody finds a "Something new" card for things they looked at long ago."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def seen_now(apps, schema_editor):
    Connection = apps.get_model("needs", "Connection")
    now = timezone.now()
    Connection.objects.filter(inviter_seen_at__isnull=True).update(inviter_seen_at=now)
    Connection.objects.filter(invitee_seen_at__isnull=True).update(invitee_seen_at=now)
    # Nothing was emailed about those shares: the first news after this may be.
    Connection.objects.filter(
        Q(inviter_notified_at__isnull=False) | Q(invitee_notified_at__isnull=False)
    ).update(inviter_notified_at=None, invitee_notified_at=None)


class Migration(migrations.Migration):
    dependencies = [("needs", "0009_partner_news_display_names_relationship_needs")]

    operations = [migrations.RunPython(seen_now, migrations.RunPython.noop)]
