"""The benchmark's people: one heavy person per history length (40 needs, a check-in a day for each, a ~2 KB
reflection a day) among lighter people (90 days, 6 needs, a reflection every 3 days). Seeded once per
database; lighter people are added up to the count asked for, so one database can hold 100 and later 10,000."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from journal.devdata import histories_create
from needs.models.needs import Need
from needs.services.accounts import local_today
from needs.services.relationships import relationship_create, relationship_ratings_save

LIGHT_PREFIX = "bench-light-"
PEOPLE_PER_BULK = 100


def heavy_username(years: int) -> str:
    return f"bench-{years}y"


def heavy_person(years: int, *, say: Callable[[str], None]):
    """The person with `years` years of history, seeded on first use."""
    User = get_user_model()
    username = heavy_username(years)
    person = User.objects.filter(username=username).first()
    if person is not None:
        return person
    started = time.monotonic()
    email = f"{username}@attune.invalid"
    with transaction.atomic():  # an interrupted seeding leaves no half-seeded person to be reused
        person = User.objects.create_user(username, email, password=None)
        EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
        counts = histories_create(users=[person], today=local_today(person), days=365 * years, seed=years)
        needs = list(Need.objects.for_user(person)[:6])
        for index, kind in enumerate(("partner", "friend", "family")):
            relationship = relationship_create(user=person, nickname=f"Person {index + 1}", kind=kind)
            today = local_today(person)
            ratings = [(need, today, (index * 3 + position) % 11) for position, need in enumerate(needs)]
            relationship_ratings_save(user=person, relationship=relationship, ratings=ratings)
    say(
        f"Seeded {years} year{'s' if years > 1 else ''} for one person ({counts['checkins']:,} check-ins, {counts['reflections']:,} "
        f"reflections) in {time.monotonic() - started:.0f} s."
    )
    return person


def light_count() -> int:
    return get_user_model().objects.filter(username__startswith=LIGHT_PREFIX).count()


def light_people_seed(count: int, *, say: Callable[[str], None]) -> None:
    """Add lighter people until there are `count`, PEOPLE_PER_BULK at a time."""
    User = get_user_model()
    have = light_count()
    if have >= count:
        return
    started, rows = time.monotonic(), 0
    for first in range(have, count, PEOPLE_PER_BULK):
        people = []
        for index in range(first, min(first + PEOPLE_PER_BULK, count)):
            person = User(username=f"{LIGHT_PREFIX}{index:05d}", email=f"light{index:05d}@attune.invalid")
            person.set_unusable_password()
            people.append(person)
        with transaction.atomic():
            people = User.objects.bulk_create(people)
            if not all(person.pk for person in people):  # databases that return no keys from a bulk insert
                people = list(User.objects.filter(username__in=[person.username for person in people]))
            counts = histories_create(
                users=people,
                today=local_today(people[0]),
                days=90,
                needs=6,
                reflection_size=600,
                reflections_every=3,
                seed=first + 1000,
            )
        rows += counts["checkins"]
        done = first + len(people)
        elapsed = time.monotonic() - started
        if done % 1000 == 0 or done == count:
            say(f"  {done:,} lighter people, {rows:,} of their check-ins, {elapsed:.0f} s")
    say(f"Lighter people: {have:,} → {count:,}, in {time.monotonic() - started:.0f} s.")
