"""Two writes of one person at the same moment keep the kept numbers exact (PostgreSQL, where writes run side by
side; SQLite writes one at a time).

A reflection with feelings and a check-in of the same day both rewrite that week's feeling sums. Here the
reflection's transaction is held open while the check-in is saved in a second connection: the check-in's
recomputation must wait for the reflection to commit, then count the pair the two make.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from journal.models import Reflection
from journal.portability.import_needs import checkins_write
from journal.services.account_data import account_delete
from journal.services.reflections import reflection_save
from needs.models.derived import NeedFeelingWeek
from needs.models.needs import CheckIn
from needs.services.checkins import ChangedElsewhere, checkin_delete, checkin_update, checkins_save
from needs.services.derived import FEELING_FIELDS, feeling_week_rows, person_lock
from needs.services.needs import need_delete
from tests.conftest import make_person
from tests.factories import make_need

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 6, 10)


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def side_by_side(first_write, second_write, while_waiting=None) -> list[Exception]:
    """Run `first_write` in a transaction held open until `second_write` (in another connection) is waiting
    for a lock or done, then (after `while_waiting()`, if given) let the first commit; the exceptions either
    raised."""
    first_done, let_it_commit = threading.Event(), threading.Event()
    failures = []

    def first():
        try:
            with transaction.atomic():
                first_write()
                first_done.set()
                let_it_commit.wait(10)
        except Exception as error:  # noqa: BLE001 - returned to the test
            failures.append(error)
        finally:
            first_done.set()
            connections.close_all()

    def second():
        try:
            second_write()
        except Exception as error:  # noqa: BLE001 - returned to the test
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_done.wait(10)
    threads[1].start()
    # The second either waits for the first's transaction (the person's writes take turns) or, if it does
    # not, finishes on its own; either way the first commits after it got that far.
    deadline = time.monotonic() + 10
    while threads[1].is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        if while_waiting is not None:
            while_waiting()
    finally:
        let_it_commit.set()
    for thread in threads:
        thread.join(10)
    return failures


def test_a_check_in_saved_while_a_reflection_of_its_day_commits_is_paired_with_its_feelings():
    if connection.vendor != "postgresql":
        pytest.skip("Writes only run side by side on PostgreSQL; CI runs this on PostgreSQL.")
    person = make_person("races@example.com")
    need = make_need(person, "Rest")
    failures = side_by_side(
        lambda: reflection_save(
            user=person,
            reflection=Reflection(),
            data={"date": DAY, "title": "", "body": "A slow evening.", "anxiety": 3, "confidence": 6},
        ),
        lambda: checkins_save(user=person, date=DAY, ratings={need: (7, "")}),
    )
    assert not failures, failures

    kept = {
        (row[0], row[1]): tuple(row[2:])
        for row in NeedFeelingWeek.objects.filter(owner=person).values_list(
            "need_id", "week", *FEELING_FIELDS
        )
    }
    recomputed = {(row[1], row[2]): tuple(row[3:]) for row in feeling_week_rows([person.pk])}
    assert recomputed, "the reflection's feelings and the check-in make a pair"
    assert kept == recomputed


def test_a_rating_sent_from_two_devices_at_the_same_moment_is_never_overwritten_unseen():
    """Both devices showed 3. The first saves 5 and has not committed yet when the second sends 8: the second
    waits its turn, then sees the 5 and is asked to choose, instead of overwriting it."""
    if connection.vendor != "postgresql":
        pytest.skip("Writes only run side by side on PostgreSQL; CI runs this on PostgreSQL.")
    person = make_person("devices@example.com")
    need = make_need(person, "Rest")
    checkins_save(user=person, date=DAY, ratings={need: (3, "")})
    failures = side_by_side(
        lambda: checkins_save(user=person, date=DAY, ratings={need: (5, None)}, based_on={need.pk: 3}),
        lambda: checkins_save(user=person, date=DAY, ratings={need: (8, None)}, based_on={need.pk: 3}),
    )
    assert len(failures) == 1 and isinstance(failures[0], ChangedElsewhere), failures
    assert [(n.pk, found.score) for n, found in failures[0].changed] == [(need.pk, 5)]
    assert CheckIn.objects.get(owner=person, need=need, date=DAY).score == 5


def _import_batch(person, items):
    with transaction.atomic():  # as the import writes each batch
        checkins_write(person, items)


CHECKIN_WRITES = {
    "save": lambda person, need, found: checkins_save(user=person, date=DAY, ratings={need: (7, None)}),
    "update": lambda person, need, found: checkin_update(user=person, checkin=found, score=7, note=""),
    "delete": lambda person, need, found: checkin_delete(checkin=found),
    "need delete": lambda person, need, found: need_delete(need=need),
    "account delete": lambda person, need, found: account_delete(user=person),
    "import": lambda person, need, found: _import_batch(person, [(need.pk, DAY, 7, "", found.pk)]),
}


@pytest.mark.parametrize("write", CHECKIN_WRITES.values(), ids=CHECKIN_WRITES.keys())
def test_every_check_in_write_takes_its_turn_before_touching_a_check_in(write):
    """A write that locked a check-in row and then waited for the person's turn could wait forever on a write
    that holds the turn and waits for that row (a save that compares with what the form showed). So each write
    takes its turn first: while another holds it, no check-in row of theirs is locked yet."""
    if connection.vendor != "postgresql":
        pytest.skip("Writes only run side by side on PostgreSQL; CI runs this on PostgreSQL.")
    person = make_person("turns@example.com")
    need = make_need(person, "Rest")
    checkins_save(user=person, date=DAY, ratings={need: (3, "")})
    found = CheckIn.objects.get(owner=person, need=need, date=DAY)
    row_free = []

    def probe():
        assert _waiting_on_a_lock(), "the second write waits for the person's turn"
        try:
            with transaction.atomic():
                row_free.append(CheckIn.objects.select_for_update(nowait=True).filter(pk=found.pk).exists())
        except DatabaseError:
            row_free.append(False)
        finally:
            connections.close_all()

    failures = side_by_side(lambda: person_lock(person.pk), lambda: write(person, need, found), probe)
    assert failures == []
    assert row_free == [True]
