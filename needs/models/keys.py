"""Each person's data key, stored wrapped by a master key (see needs.privacy.crypto)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DataKey(models.Model):
    """One person's data key, wrapped by a master key. Deleting it makes their ciphertext unreadable."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_key", editable=False
    )
    master_key_id = models.CharField(max_length=16, editable=False)
    wrapped = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "needs"

    def __str__(self) -> str:
        return f"data key of person {self.owner_id}"
