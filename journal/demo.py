"""Sample data for the local demo account (`manage.py create_demo_account`)."""

import datetime as dt
import random

from journal.models import Reflection
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
DEMO_REFLECTIONS = [
    (1, "A slower Sunday", "Turned the phone off until noon. I noticed how much **quieter** my head gets."),
    (6, "Asking for help", "I told a friend I needed someone to *just listen*. It was easier than I feared."),
    (20, "", "Tired again. I keep saying yes to evening plans when what I need is an early night."),
    (
        45,
        "Walk by the river",
        "Forty minutes outside and the knot in my shoulders loosened.\n\n- more of this\n- less scrolling",
    ),
    (90, "Starting out", "First entry. Writing down what I need feels strange, and useful."),
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
    reflections = 0
    for back, title, body in DEMO_REFLECTIONS:
        reflection = Reflection(owner=user, date=today - dt.timedelta(days=back))
        reflection.seal("title", title, owner=user)
        reflection.seal("body", body, owner=user)
        reflection.anxiety, reflection.confidence = rng.randint(2, 7), rng.randint(3, 8)
        reflection.save()
        reflection.needs.set(rng.sample(needs, k=min(2, len(needs))))
        reflections += 1
    return f"sample data: {len(needs)} needs, {len(checkins)} check-ins, {reflections} reflections"
