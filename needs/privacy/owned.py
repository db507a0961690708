"""Per-person data isolation by construction.

Every model a person owns inherits `OwnedModel`. Views reach owned rows only through
`Model.objects.for_user(request.user)`, so another person's row is simply not there (a 404).
"""

from django.conf import settings
from django.db import models


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user) -> "OwnedQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class OwnedModel(models.Model):
    # Never a form field: the view sets it from request.user.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
