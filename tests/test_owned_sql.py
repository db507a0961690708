"""Fixed-shape reads sent as SQL keep isolation by construction: the owner is always the signed-in person, and
dates and UUIDs come back as Python values on every database."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from journal.services.home import ACTIVE_DATES, NEEDS_TODAY
from needs.privacy.owned import OwnedSQL
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 10)


def test_a_read_that_does_not_limit_its_rows_to_the_owner_is_refused():
    with pytest.raises(ValueError, match="owner"):
        OwnedSQL("SELECT id FROM needs_need")


def test_the_owner_is_never_a_parameter(alice, bob):
    with pytest.raises(ValueError, match="signed-in person"):
        ACTIVE_DATES.rows(alice, owner=bob.pk, since=DAY, today=DAY)


def test_a_visitor_reads_nothing(alice):
    make_checkin(alice, make_need(alice, "Rest"), DAY, 3)
    assert ACTIVE_DATES.rows(AnonymousUser(), since=DAY, today=DAY) == []


def test_rows_are_the_persons_own_with_dates_and_ids_as_python_values(alice, bob):
    rest = make_need(alice, "Rest")
    make_checkin(alice, rest, DAY, 3)
    make_checkin(alice, rest, DAY - dt.timedelta(days=2), 5)
    theirs = make_need(bob, "Rest")
    make_checkin(bob, theirs, DAY + dt.timedelta(days=1), 9)

    assert ACTIVE_DATES.rows(alice, since=DAY - dt.timedelta(days=5), today=DAY + dt.timedelta(days=5)) in (
        [(DAY - dt.timedelta(days=2),), (DAY,)],
        [(DAY,), (DAY - dt.timedelta(days=2),)],
    )
    (row,) = NEEDS_TODAY.rows(alice, today=DAY, start=DAY - dt.timedelta(days=13))
    assert isinstance(row[0], uuid.UUID) and row[0] == rest.pk
    assert row[1:3] == ("Rest", rest.category)
    assert row[5:] == (3, 5, DAY - dt.timedelta(days=2), DAY)
    assert all(type(value) is dt.date for value in row[7:])


def test_many_values_go_as_one_listed_parameter_and_only_the_persons_rows_come_back(alice, bob):
    from django.db import connection

    from needs.privacy.owned import Listed, one_of

    mine = [make_need(alice, name) for name in ("Rest", "Water", "Quiet")]
    theirs = make_need(bob, "Rest")
    among = one_of("id", "ids", "uuid")[connection.vendor]
    read = OwnedSQL(
        f"SELECT id, name FROM needs_need WHERE owner_id = %(owner)s AND {among} ORDER BY name",  # noqa: S608
        uuids=(0,),
    )
    asked = Listed([mine[0].pk, mine[2].pk, theirs.pk])
    assert read.rows(alice, ids=asked) == [(mine[2].pk, "Quiet"), (mine[0].pk, "Rest")]
    assert read.rows(bob, ids=asked) == [(theirs.pk, "Rest")]
    assert read.rows(alice, ids=Listed([])) == []
    with pytest.raises(ValueError, match="Listed"):
        read.rows(alice, ids=[mine[0].pk])
    with pytest.raises(TypeError, match="ids, numbers and dates"):
        Listed(["a,b", "NULL"])
