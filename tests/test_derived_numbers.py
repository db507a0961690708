"""The kept day, week and month numbers, feeling sums, link counts and the search index always equal a
recomputation from the raw check-ins and reflections.

Hypothesis runs random sequences of the writes a person can make (check-ins saved, edited, deleted;
reflections written, edited, moved to another date, relinked to other needs, trashed, restored, destroyed,
purged; needs moved to
another category or deleted; an export imported; an account deleted) and after each sequence compares every
kept row with numbers recomputed here, independently, from the raw rows.
"""

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import NeedLinkDay, Reflection, ReflectionDay, SearchTerm
from journal.portability.export import json_chunks
from journal.portability.imports import import_file
from journal.services.account_data import account_delete
from journal.services.derived import derived_rebuild
from journal.services.reflections import (
    reflection_destroy,
    reflection_restore,
    reflection_save,
    reflection_trash,
    trash_purge,
)
from journal.services.search_index import terms_of
from needs.models.derived import CheckInDay, NeedFeelingWeek, NeedMonth, NeedWeek
from needs.models.needs import Category, CheckIn, Need
from needs.privacy.crypto import reveal_each, search_key_for
from needs.services.checkins import checkin_delete, checkin_update, checkins_save
from needs.services.derived import FEELING_FIELDS
from needs.services.needs import need_delete, need_save
from tests.conftest import make_person

START = dt.date(2026, 3, 1)  # a Sunday: day offsets cross week boundaries
CATEGORIES = list(Category.values)

person = st.integers(0, 1)
day = st.integers(0, 20)
feeling = st.one_of(st.none(), st.integers(0, 10))
# Writes come far more often than the rare, wide operations (imports, account deletions), as in a real day.
operation = st.one_of(
    st.tuples(st.just("checkin"), person, st.integers(0, 2), day, st.integers(0, 10)),
    st.tuples(st.just("checkin"), person, st.integers(0, 2), day, st.integers(0, 10)),
    st.tuples(st.just("reflect"), person, day, feeling, feeling),
    st.tuples(st.just("reflect"), person, day, feeling, feeling),
    st.tuples(st.just("checkin_update"), person, st.integers(0, 50), st.integers(0, 10)),
    st.tuples(st.just("checkin_delete"), person, st.integers(0, 50)),
    st.tuples(st.just("reflect"), person, day, feeling, feeling),
    st.tuples(st.just("reflection_edit"), person, st.integers(0, 50), day, feeling),
    st.tuples(st.just("reflect_linked"), person, day, feeling, feeling, st.integers(0, 7)),
    st.tuples(st.just("relink"), person, st.integers(0, 50), st.integers(0, 7)),
    st.tuples(st.just("trash"), person, st.integers(0, 50)),
    st.tuples(st.just("restore"), person, st.integers(0, 50)),
    st.tuples(st.just("destroy"), person, st.integers(0, 50)),
    st.tuples(st.just("purge")),
    st.tuples(st.just("recategorise"), person, st.integers(0, 2), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("need_delete"), person, st.integers(0, 2)),
    st.tuples(st.just("import"), person),
    st.tuples(st.just("account_delete"), person),
)


def expected_numbers(owner_id: int) -> tuple[dict, ...]:
    """The kept numbers, recomputed from the raw rows without the code under test."""
    days, weeks = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    months = defaultdict(lambda: [0, 0])
    checkins = list(
        CheckIn.objects.filter(owner_id=owner_id).values_list("date", "need_id", "need__category", "score")
    )
    for date, need_id, category, score in checkins:
        days[(date, category)][0] += score
        days[(date, category)][1] += 1
        monday = date - dt.timedelta(days=date.weekday())
        weeks[(need_id, monday)][0] += score
        weeks[(need_id, monday)][1] += 1
        months[(need_id, monday.replace(day=1))][0] += score
        months[(need_id, monday.replace(day=1))][1] += 1
    reflection_days = defaultdict(lambda: [0, 0, 0, 0, 0])
    feelings = defaultdict(lambda: ([], []))
    links = defaultdict(int)
    live = Reflection.objects.filter(owner_id=owner_id, deleted_at__isnull=True)
    for date, anxiety, confidence in live.values_list("date", "anxiety", "confidence"):
        cell = reflection_days[date]
        cell[0] += 1
        if anxiety is not None:
            cell[1] += anxiety
            cell[2] += 1
            feelings[date][0].append(anxiety)
        if confidence is not None:
            cell[3] += confidence
            cell[4] += 1
            feelings[date][1].append(confidence)
    for date, need_id in live.filter(needs__owner_id=owner_id).values_list("date", "needs"):
        links[(need_id, date)] += 1
    pairs = defaultdict(lambda: [0] * 12)
    for date, need_id, _, score in checkins:
        if not any(feelings.get(date, ())):
            continue
        cell = pairs[(need_id, date - dt.timedelta(days=date.weekday()))]
        for index, values in enumerate(feelings[date]):
            if values:
                y = sum(values) / len(values)
                for offset, value in enumerate((1, score, y, score * score, y * y, score * y)):
                    cell[index * 6 + offset] += value
    return (
        {key: tuple(value) for key, value in days.items()},
        {key: tuple(value) for key, value in weeks.items()},
        {key: tuple(value) for key, value in reflection_days.items()},
        {key: tuple(value) for key, value in months.items()},
        {key: _rounded(value) for key, value in pairs.items()},
        dict(links),
    )


def _rounded(values) -> tuple:
    """Sums of fractions added in another order differ in their last bits."""
    return tuple(round(value, 6) for value in values)


def kept_numbers(owner_id: int) -> tuple[dict, ...]:
    days = {
        (date, category): (total, count)
        for date, category, total, count in CheckInDay.objects.filter(owner_id=owner_id).values_list(
            "date", "category", "total", "count"
        )
    }
    weeks = {
        (need_id, week): (total, count)
        for need_id, week, total, count in NeedWeek.objects.filter(owner_id=owner_id).values_list(
            "need_id", "week", "total", "count"
        )
    }
    reflection_days = {
        row[0]: tuple(row[1:])
        for row in ReflectionDay.objects.filter(owner_id=owner_id).values_list(
            "date", "count", "anxiety_total", "anxiety_count", "confidence_total", "confidence_count"
        )
    }
    months = {
        (need_id, month): (total, count)
        for need_id, month, total, count in NeedMonth.objects.filter(owner_id=owner_id).values_list(
            "need_id", "month", "total", "count"
        )
    }
    pairs = {
        (need_id, week): _rounded(sums)
        for need_id, week, *sums in NeedFeelingWeek.objects.filter(owner_id=owner_id).values_list(
            "need_id", "week", *FEELING_FIELDS
        )
    }
    links = {
        (need_id, date): count
        for need_id, date, count in NeedLinkDay.objects.filter(owner_id=owner_id).values_list(
            "need_id", "date", "count"
        )
    }
    return days, weeks, reflection_days, months, pairs, links


def kept_fingerprints(owner_id: int) -> set:
    return set(SearchTerm.objects.filter(owner_id=owner_id).values_list("reflection_id", "term"))


def expected_fingerprints(user) -> set:
    """Every reflection's fingerprints (the trash's too), from its texts opened here."""
    key = search_key_for(user)
    return {
        (reflection.pk, term)
        for reflection in reveal_each(Reflection.objects.filter(owner=user), owner=user)
        for term in terms_of(key, reflection.plain.title, reflection.plain.body)
    }


class World:
    """Two people with three needs each, and the writes of `operation` applied to them."""

    def __init__(self):
        self.people = [make_person(f"kept{n}-{timezone.now().timestamp()}@example.com") for n in range(2)]
        self.gone: list[int] = []
        for user in self.people:
            for index in range(3):
                self.need_add(user, index)
            for offset in range(3):
                self.apply(("checkin", self.people.index(user), offset, offset * 5, offset + 4))
                self.apply(("reflect", self.people.index(user), offset * 6, offset, None))

    def need_add(self, user, index: int) -> None:
        need_save(
            user=user,
            name=f"Need {index} {timezone.now().timestamp()}",
            category=CATEGORIES[index],
            importance=3,
        )

    def needs(self, user) -> list[Need]:
        return list(Need.objects.for_user(user).order_by("created_at"))

    def chosen(self, user, mask: int) -> list[Need]:
        """The needs whose bit is set in `mask`."""
        return [need for index, need in enumerate(self.needs(user)) if mask >> index & 1]

    def pick(self, queryset, index: int):
        rows = list(queryset.order_by("pk"))
        return rows[index % len(rows)] if rows else None

    def apply(self, op) -> None:
        kind = op[0]
        if kind == "purge":
            trash_purge(now=timezone.now() + dt.timedelta(days=365))
            return
        user = self.people[op[1]]
        if user.pk is None:
            return
        if kind == "checkin":
            needs = self.needs(user)
            if needs:
                need = needs[op[2] % len(needs)]
                checkins_save(user=user, date=START + dt.timedelta(days=op[3]), ratings={need: (op[4], "")})
        elif kind == "checkin_update":
            checkin = self.pick(CheckIn.objects.for_user(user), op[2])
            if checkin:
                checkin_update(user=user, checkin=checkin, score=op[3], note="")
        elif kind == "checkin_delete":
            checkin = self.pick(CheckIn.objects.for_user(user), op[2])
            if checkin:
                checkin_delete(checkin=checkin)
        elif kind == "reflect":
            data = {
                "date": START + dt.timedelta(days=op[2]),
                "body": "Words.",
                "anxiety": op[3],
                "confidence": op[4],
            }
            reflection_save(user=user, reflection=Reflection(owner=user), data=data)
        elif kind == "reflect_linked":
            data = {
                "date": START + dt.timedelta(days=op[2]),
                "body": "Linked words.",
                "anxiety": op[3],
                "confidence": op[4],
                "needs": self.chosen(user, op[5]),
            }
            reflection_save(user=user, reflection=Reflection(owner=user), data=data)
        elif kind == "relink":
            reflection = self.pick(Reflection.objects.for_user(user).live(), op[2])
            if reflection:
                data = {
                    "date": reflection.date,
                    "body": "Relinked.",
                    "anxiety": reflection.anxiety,
                    "confidence": reflection.confidence,
                    "needs": self.chosen(user, op[3]),
                }
                reflection_save(user=user, reflection=reflection, data=data, base_version=reflection.version)
        elif kind == "reflection_edit":
            reflection = self.pick(Reflection.objects.for_user(user).live(), op[2])
            if reflection:
                data = {"date": START + dt.timedelta(days=op[3]), "body": "Changed.", "anxiety": op[4]}
                reflection_save(user=user, reflection=reflection, data=data, base_version=reflection.version)
        elif kind in ("trash", "restore", "destroy"):
            rows = Reflection.objects.for_user(user)
            rows = rows.live() if kind == "trash" else rows.trashed()
            reflection = self.pick(rows, op[2])
            if reflection:
                {"trash": reflection_trash, "restore": reflection_restore, "destroy": reflection_destroy}[
                    kind
                ](reflection=reflection)
        elif kind == "recategorise":
            needs = self.needs(user)
            if needs:
                need = needs[op[2] % len(needs)]
                need_save(user=user, name=need.name, category=op[3], importance=need.importance, need=need)
        elif kind == "need_delete":
            needs = self.needs(user)
            if needs:
                need_delete(need=needs[op[2] % len(needs)])
                self.need_add(user, op[2])
        elif kind == "import":
            other = self.people[1 - op[1]]
            if other.pk is not None:
                import_file(user=user, raw="".join(json_chunks(user=other)).encode())
        elif kind == "account_delete":
            self.gone.append(user.pk)
            account_delete(user=user)
            user.pk = None


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=25))
def test_kept_numbers_equal_a_recomputation_after_any_writes(operations):
    with transaction.atomic():
        world = World()
        for op in operations:
            world.apply(op)
        for user in world.people:
            if user.pk is not None:
                assert kept_numbers(user.pk) == expected_numbers(user.pk), operations
                assert kept_fingerprints(user.pk) == expected_fingerprints(user), operations
        for owner_id in world.gone:
            assert kept_numbers(owner_id) == ({}, {}, {}, {}, {}, {})
            assert kept_fingerprints(owner_id) == set()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_rebuilding_from_the_raw_rows_gives_the_same_numbers(alice):
    world = World.__new__(World)
    world.people, world.gone = [alice], []
    for index in range(3):
        world.need_add(alice, index)
    for offset in range(10):
        world.apply(("checkin", 0, offset % 3, offset, offset))
        world.apply(("reflect_linked", 0, offset, offset % 11, None, offset % 8))
    kept = kept_numbers(alice.pk)
    assert kept == expected_numbers(alice.pk)
    assert all(kept)
    CheckInDay.objects.filter(owner=alice).update(total=0)
    ReflectionDay.objects.filter(owner=alice).delete()
    NeedMonth.objects.filter(owner=alice).update(count=0)
    NeedFeelingWeek.objects.filter(owner=alice).delete()
    NeedLinkDay.objects.filter(owner=alice).update(count=9)
    derived_rebuild(user=get_user_model().objects.get(pk=alice.pk))
    assert kept_numbers(alice.pk) == kept


@pytest.mark.django_db
def test_the_rebuild_command_finds_and_corrects_numbers_that_drifted(alice):
    world = World.__new__(World)
    world.people, world.gone = [alice], []
    world.need_add(alice, 0)
    world.apply(("checkin", 0, 0, 3, 7))
    kept = kept_numbers(alice.pk)
    call_command("rebuild_derived", "--check", stdout=io.StringIO())  # all equal: no exit status
    NeedWeek.objects.filter(owner=alice).update(count=5)
    with pytest.raises(SystemExit):
        call_command("rebuild_derived", "--check", stdout=io.StringIO())
    assert kept_numbers(alice.pk) != kept  # --check changed nothing
    out = io.StringIO()
    call_command("rebuild_derived", stdout=out)
    assert "of 1 were corrected" in out.getvalue()
    assert kept_numbers(alice.pk) == kept
