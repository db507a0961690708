"""Made-up data for the benchmark (`manage.py bench`) and the tests: years of journaling, written in bulk."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence

from django.db import transaction

from journal.models import Reflection, SearchTerm
from journal.services.derived import derived_rebuild_many
from journal.services.search_index import terms_of
from needs.models.needs import Category, CheckIn, Need
from needs.privacy.crypto import search_key_for
from needs.services.writes import rows_insert

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
