"""Made-up data: the local demo account's history (`manage.py create_demo_account`), written through the
same services as the pages, and the benchmark's years of journaling (`manage.py bench`), written in bulk."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence

from django.db import transaction

from journal.models import Reflection, SearchTerm
from journal.services.derived import derived_rebuild_many
from journal.services.reflections import reflection_save
from journal.services.search_index import terms_of
from journal.services.settings import settings_save
from needs.models.needs import CatalogueNeed, Category, CheckIn, Need
from needs.privacy.crypto import search_key_for
from needs.services.accounts import local_today
from needs.services.checkins import checkins_save
from needs.services.needs import needs_adopt
from needs.services.writes import rows_insert

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
    settings_save(user=user, confirm_time_zone=True)
    wanted = list(CatalogueNeed.objects.filter(slug__in=DEMO_NEEDS))
    if len(wanted) < 4:
        wanted = list(CatalogueNeed.objects.filter(is_active=True).order_by("category", "name")[::12][:6])
    needs = needs_adopt(user=user, catalogue_needs=wanted)
    rng = random.Random(7)  # the same history every time
    today = local_today(user)
    days: dict[dt.date, dict] = {}
    for need_index, need in enumerate(needs):
        level = 4 + need_index % 4
        for back in range(120, -1, -1):
            if rng.random() < 0.25:
                continue
            level = max(0, min(10, level + rng.choice([-1, 0, 0, 1]) + (1 if back < 40 and level < 6 else 0)))
            note = rng.choice(DEMO_NOTES) if back % 9 == 0 else ""
            days.setdefault(today - dt.timedelta(days=back), {})[need] = (level, note)
    checkins = sum(checkins_save(user=user, date=date, ratings=ratings) for date, ratings in days.items())
    for back, title, body in DEMO_REFLECTIONS:
        data = {"date": today - dt.timedelta(days=back), "title": title, "body": body}
        data["anxiety"], data["confidence"] = rng.randint(2, 7), rng.randint(3, 8)
        data["needs"] = rng.sample(needs, k=min(2, len(needs)))
        reflection_save(user=user, reflection=Reflection(owner=user), data=data)
    return f"sample data: {len(needs)} needs, {checkins} check-ins, {len(DEMO_REFLECTIONS)} reflections"


WORDS = (
    "quiet morning walk tired rested friend listened work deadline sleep early late coffee rain sun garden "
    "call sister brother partner cooked dinner read book music breath slow heavy light hopeful worried calm "
    "honest asked needed time alone space boundaries grateful noticed body shoulders tense easy laughter"
).split()


def _text(rng: random.Random, size: int) -> str:
    words = rng.choices(WORDS, k=size // 5 + 12)
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return " ".join(sentences)[:size].rstrip()  # as a form stores it: no space at the end


def history_create(
    *,
    user,
    today: dt.date,
    days: int,
    needs: int = 40,
    reflection_size: int = 2000,
    reflections_every: int = 1,
    seed: int = 1,
) -> dict:
    """`needs` needs with one check-in a day each for `days` days, and a reflection every
    `reflections_every` days (~`reflection_size` characters, with feelings and two linked needs)."""
    return histories_create(
        users=[user],
        today=today,
        days=days,
        needs=needs,
        reflection_size=reflection_size,
        reflections_every=reflections_every,
        seed=seed,
    )


def histories_create(
    *,
    users: Sequence,
    today: dt.date,
    days: int,
    needs: int = 40,
    reflection_size: int = 2000,
    reflections_every: int = 1,
    seed: int = 1,
) -> dict:
    """`history_create` for many people at once: one bulk insert per table for all of them, the search index
    written from the texts at hand, then each person's derived rows rebuilt from their raw rows.

    For the benchmark and tests only: years of rows go straight into the tables (COPY on PostgreSQL), not
    through the services one row at a time, which would take hours. Nothing here runs for a real person."""
    rng = random.Random(seed)
    categories = list(Category.values)
    dates = [today - dt.timedelta(days=back) for back in range(days)]
    owned: dict[int, list[Need]] = {}
    for user in users:
        owned[user.pk] = []
        for index in range(needs):
            need = Need(
                owner=user,
                name=f"Need {index + 1:02d}",
                category=categories[index % 4],
                importance=1 + index % 5,
            )
            need.seal("met_looks_like", f"What need {index + 1} looks like when met.", owner=user)
            owned[user.pk].append(need)

    def checkin_rows():
        for user in users:
            for need in owned[user.pk]:
                phase = rng.random() * math.tau
                for back, day in enumerate(dates):
                    wave = 5 + 3 * math.sin(back / 45 + phase) + rng.uniform(-1.5, 1.5)
                    yield uuid.uuid4(), user.pk, need.pk, day, max(0, min(10, round(wave)))

    reflections, links, texts = [], [], []
    for user in users:
        for back in range(0, days, reflections_every):
            reflection = Reflection(owner=user, date=dates[back])
            title, body = f"Day {back}", _text(rng, reflection_size)
            reflection.seal("title", title, owner=user)
            reflection.seal("body", body, owner=user)
            reflections.append(
                (reflection.pk, user.pk, reflection.date, reflection.title, reflection.body)
                + (rng.randint(0, 10), rng.randint(0, 10))
            )
            links += [(reflection.pk, need.pk) for need in rng.sample(owned[user.pk], k=min(2, needs))]
            texts.append((user, reflection.pk, title, body))

    def index_rows():
        # What index_rebuild writes, from the texts at hand and in one COPY: it was most of the seeding's time.
        for user, pk, title, body in texts:
            for term in terms_of(search_key_for(user), title, body):
                yield user.pk, pk, term

    with transaction.atomic():
        Need.objects.bulk_create([need for made in owned.values() for need in made], batch_size=2000)
        checkins = rows_insert(CheckIn, ("id", "owner_id", "need_id", "date", "score"), checkin_rows())
        rows_insert(
            Reflection, ("id", "owner_id", "date", "title", "body", "anxiety", "confidence"), reflections
        )
        rows_insert(Reflection.needs.through, ("reflection_id", "need_id"), links)
        rows_insert(SearchTerm, ("owner_id", "reflection_id", "term"), index_rows())
        derived_rebuild_many(owner_ids=[user.pk for user in users])
    return {"needs": needs * len(users), "checkins": checkins, "reflections": len(reflections)}
