"""`rebuild_derived`: recompute every person's kept day, week and month numbers, feeling sums and link counts
from their check-ins and reflections."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from journal.models import NeedLinkDay, ReflectionDay
from journal.services.derived import derived_rebuild
from needs.models.derived import CheckInDay, NeedFeelingWeek, NeedMonth, NeedWeek
from needs.services.derived import FEELING_FIELDS


class Command(BaseCommand):
    help = (
        "Recompute every person's kept day, week and month numbers, feeling sums and link counts (what the "
        "dashboard, insights, the wheel and need "
        "pages read) from their check-ins and reflections. Every write keeps them up to date; run this after "
        "rows were put into the database another way (a partial restore). Safe to run again; with --check it "
        "only reports the people whose kept numbers differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, **options):
        differ = 0
        people = get_user_model().objects.order_by("pk")
        for user in people.iterator():
            with transaction.atomic():
                before = _snapshot(user)
                derived_rebuild(user=user)
                if _snapshot(user) != before:
                    differ += 1
                if options["check"]:
                    transaction.set_rollback(True)
        verb = "differ" if options["check"] else "were corrected"
        self.stdout.write(f"Checked {people.count()} person(s); the kept numbers of {differ} {verb}.")
        if options["check"] and differ:
            raise SystemExit(1)


def _snapshot(user) -> tuple:
    return tuple(
        sorted(model.objects.filter(owner=user).values_list(*fields))
        for model, fields in (
            (CheckInDay, ("date", "category", "total", "count")),
            (NeedWeek, ("need_id", "week", "total", "count")),
            (
                ReflectionDay,
                ("date", "count", "anxiety_total", "anxiety_count", "confidence_total", "confidence_count"),
            ),
            (NeedMonth, ("need_id", "month", "total", "count")),
            (NeedLinkDay, ("need_id", "date", "count")),
        )
    ) + (
        _rounded(NeedFeelingWeek.objects.filter(owner=user).values_list("need_id", "week", *FEELING_FIELDS)),
    )


def _rounded(rows) -> list:
    """The feeling sums hold fractions: compared to 9 places, so a rebuild that added them in another order
    doesn't count as a difference."""
    return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows)
