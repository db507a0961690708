"""Generated history: years of needs, daily check-ins and reflections, for benchmarks and tests.

Deterministic (seeded), written with bulk inserts through the same sealing as the app.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from journal.models import Reflection
from needs.models import Category, CheckIn, Need

WORDS = (
    "quiet morning walk tired rested friend listened work deadline sleep early late coffee rain sun garden "
    "call sister brother partner cooked dinner read book music breath slow heavy light hopeful worried calm "
    "honest asked needed time alone space boundaries grateful noticed body shoulders tense easy laughter"
).split()


def _text(rng: random.Random, size: int) -> str:
    words, length = [], 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return " ".join(sentences)[:size]


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
    rng = random.Random(seed)
    categories = list(Category.values)
    made = []
    for index in range(needs):
        need = Need(
            owner=user, name=f"Need {index + 1:02d}", category=categories[index % 4], importance=1 + index % 5
        )
        need.seal("met_looks_like", f"What need {index + 1} looks like when met.", owner=user)
        made.append(need)
    Need.objects.bulk_create(made)
    checkins = []
    for need in made:
        phase = rng.random() * math.tau
        for back in range(days):
            day = today - dt.timedelta(days=back)
            wave = 5 + 3 * math.sin(back / 45 + phase) + rng.uniform(-1.5, 1.5)
            checkins.append(
                CheckIn(owner=user, need=need, date=day, score=max(0, min(10, round(wave))), note="")
            )
    CheckIn.objects.bulk_create(checkins, batch_size=5000)
    reflections = []
    for back in range(0, days, reflections_every):
        reflection = Reflection(owner=user, date=today - dt.timedelta(days=back))
        reflection.seal("title", f"Day {back}", owner=user)
        reflection.seal("body", _text(rng, reflection_size), owner=user)
        reflection.anxiety, reflection.confidence = rng.randint(0, 10), rng.randint(0, 10)
        reflections.append(reflection)
    Reflection.objects.bulk_create(reflections, batch_size=1000)
    through = Reflection.needs.through
    links = [
        through(reflection_id=r.pk, need_id=need.pk)
        for r in reflections
        for need in rng.sample(made, k=min(2, len(made)))
    ]
    through.objects.bulk_create(links, batch_size=5000)
    return {"needs": len(made), "checkins": len(checkins), "reflections": len(reflections)}
