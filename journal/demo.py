"""Sample data for the local demo account (`manage.py create_demo_account`)."""

import datetime as dt
import random

from needs.models import CatalogueNeed, CheckIn, Need
from needs.services import local_today, needs_adopt, profile_for

DEMO_NEEDS = [
    "restful-sleep",
    "moving-your-body",
    "being-heard",
    "room-to-think",
    "moments-of-awe",
    "belonging",
]
DEMO_NOTES = ["A slow morning helped.", "Too many late nights this week.", "Long walk with a friend.", ""]


def demo_data_create(*, user) -> str:
    """Give the demo person 120 days of history. Idempotent: an account with needs is left alone."""
    if Need.objects.for_user(user).exists():
        return "sample data: already there"
    profile = profile_for(user)
    profile.time_zone_confirmed = True
    profile.save()
    wanted = list(CatalogueNeed.objects.filter(slug__in=DEMO_NEEDS))
    if len(wanted) < 4:
        wanted = list(CatalogueNeed.objects.filter(is_active=True).order_by("category", "name")[::12][:6])
    needs = needs_adopt(user=user, catalogue_needs=wanted)
    rng = random.Random(7)  # the same history every time
    today = local_today(user)
    checkins = []
    for need_index, need in enumerate(needs):
        level = 4 + need_index % 4
        for back in range(120, -1, -1):
            if rng.random() < 0.25:
                continue
            level = max(0, min(10, level + rng.choice([-1, 0, 0, 1]) + (1 if back < 40 and level < 6 else 0)))
            checkin = CheckIn(owner=user, need=need, date=today - dt.timedelta(days=back), score=level)
            checkin.seal("note", rng.choice(DEMO_NOTES) if back % 9 == 0 else "", owner=user)
            checkins.append(checkin)
    CheckIn.objects.bulk_create(checkins)
    return f"sample data: {len(needs)} needs, {len(checkins)} check-ins over 120 days"
