"""Numbers kept from a person's check-ins so pages read a few rows instead of years of them.

Written in the same transaction as every check-in write (needs.services.derived), rebuilt from the raw rows by
`manage.py rebuild_derived`. They hold scores and counts only, never text.
"""

from django.conf import settings
from django.db import models

from needs.models.needs import Category, Need
from needs.privacy.owned import OwnedModel


class CheckInDay(OwnedModel):
    """One person's check-ins of one local date and category: the sum of the scores and how many there are."""

    # The unique (owner, date, category) index serves every lookup by owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    date = models.DateField()
    category = models.CharField(max_length=12, choices=Category.choices)
    total = models.PositiveIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "date", "category"], name="checkinday_once"),
        ]

    def __str__(self) -> str:
        return f"check-ins of {self.date}"


class NeedWeek(OwnedModel):
    """One need's check-ins of one week (starting Monday): the sum of the scores and how many there are."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+", db_index=False)
    week = models.DateField()
    total = models.PositiveIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "week"], name="needweek_once")]
        indexes = [models.Index(fields=["owner", "week"])]

    def __str__(self) -> str:
        return f"week of {self.week}"


class NeedMonth(OwnedModel):
    """One need's check-ins of the weeks whose Monday falls in one month: the sum of the scores and how many
    there are (the sums of its NeedWeek rows, so long charts read a month's row instead of four or five weeks')."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    total = models.PositiveIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "month"], name="needmonth_once")]
        indexes = [models.Index(fields=["owner", "month"])]

    def __str__(self) -> str:
        return f"month of {self.month}"


class NeedFeelingWeek(OwnedModel):
    """One need's check-ins of one week paired with the same day's average feelings: for each feeling, the
    number of paired days and the sums a correlation needs (x: the score, y: the day's average feeling).

    Kept when a check-in or a reflection of the week changes (a reflection changes the pairing of every need
    checked that day); numbers only, no text.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, editable=False, db_index=False
    )
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+", db_index=False)
    week = models.DateField()
    anxiety_n = models.PositiveIntegerField()
    anxiety_x = models.FloatField()
    anxiety_y = models.FloatField()
    anxiety_xx = models.FloatField()
    anxiety_yy = models.FloatField()
    anxiety_xy = models.FloatField()
    confidence_n = models.PositiveIntegerField()
    confidence_x = models.FloatField()
    confidence_y = models.FloatField()
    confidence_xx = models.FloatField()
    confidence_yy = models.FloatField()
    confidence_xy = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "week"], name="needfeelingweek_once")]
        indexes = [models.Index(fields=["owner", "week"])]

    def __str__(self) -> str:
        return f"feelings beside the week of {self.week}"
