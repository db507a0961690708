"""While the database is out of reach (a restart, a fail-over): a calm 503 in Attune's layout, never the
generic 500, and a form's text comes back in the page so nothing is lost. See also test_database_restart.py."""

import datetime as dt
import logging
import sqlite3
import uuid

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from config.outage import is_database_outage
from journal.models import Reflection
from needs.models.needs import CheckIn
from tests.factories import make_need, quick_checkin_data

NEW = reverse("journal:reflection_create")
BODY = "I need quiet mornings.\nAnd someone to ask how I am."


@pytest.fixture
def signed_in(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def wrapped(driver_error: Exception, wrapper=OperationalError) -> Exception:
    """What a query raises: Django's error, made from the driver's and chained to it, as Django does."""
    try:
        raise driver_error
    except Exception as error:  # noqa: BLE001 - re-raised wrapped
        try:
            raise wrapper(*error.args) from error
        except wrapper as django_error:
            return django_error


def lost_connection(error=OperationalError) -> Exception:
    """The error a query meets when the database has gone away, from this backend's own driver."""
    if error is InterfaceError:
        return wrapped(psycopg.InterfaceError("the connection is closed"), InterfaceError)
    if connection.vendor == "sqlite":
        return wrapped(sqlite3.OperationalError("unable to open database file"))
    return wrapped(psycopg.OperationalError("server closed the connection unexpectedly"))


def database_down(error=OperationalError):
    """Every query fails, as when the server has gone away: nothing may reach the database from here on."""

    def fail(execute, sql, params, many, context):
        raise lost_connection(error)

    return connection.execute_wrapper(fail)


def reflection_form(**changes) -> dict:
    return {"date": dt.date.today().isoformat(), "title": "Mornings", "body": BODY, **changes}


def assert_calm_503(response) -> str:
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert "Attune will be back in a moment" in html
    assert "Skip to main content" in html and 'class="navbar' in html  # the site's layout, not the bare page
    return html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_while_the_database_is_unreachable_is_a_calm_503(signed_in, error):
    with database_down(error):
        response = signed_in.get("/")
    html = assert_calm_503(response)
    assert "<form" not in html  # a GET sent no text to give back


def test_a_form_sent_while_the_database_is_unreachable_comes_back_filled_in(signed_in, caplog):
    key = str(uuid.uuid4())
    with caplog.at_level(logging.DEBUG), database_down():
        response = signed_in.post(NEW, reflection_form(form_key=key, password="hunter2-secret"))
    html = assert_calm_503(response)
    assert "may not have been saved" in html
    assert '<form method="post" action="/journal/new/"' in html
    assert "I need quiet mornings.\nAnd someone to ask how I am.</textarea>" in html
    assert 'value="Mornings"' in html
    assert f'type="hidden" name="form_key" value="{key}"' in html  # sending it again can't store it twice
    assert 'name="csrfmiddlewaretoken"' in html
    assert "hunter2-secret" not in html
    assert caplog.records, "the failure is logged"
    assert "quiet mornings" not in caplog.text and "Mornings" not in caplog.text


def test_a_write_cut_off_by_the_database_stores_nothing_and_gives_the_text_back(signed_in, alice):
    def lose_connection_on_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "journal_reflection"'):
            raise lost_connection(InterfaceError)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lose_connection_on_insert):
        response = signed_in.post(NEW, reflection_form())
    html = assert_calm_503(response)
    assert "I need quiet mornings.\nAnd someone to ask how I am.</textarea>" in html
    assert not Reflection.objects.for_user(alice).exists()


def test_other_errors_still_get_the_plain_server_error_page(signed_in, monkeypatch):
    def broken(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("journal.views.home.dashboard", broken)
    response = signed_in.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()


def test_a_session_that_cannot_be_saved_is_an_outage_not_a_bad_request(signed_in, alice):
    # The check-in is written, then its "saved" message can't be kept in the session: Django calls that an
    # interrupted session (400). The person is told to try again, and sending it again changes nothing more.
    need = make_need(alice)

    def lose_connection_on_session_save(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            raise wrapped(psycopg.errors.AdminShutdown("terminating connection due to administrator command"))
        return execute(sql, params, many, context)

    data = {**quick_checkin_data(need, 7), "rating-0-note": "Slept badly."}
    with connection.execute_wrapper(lose_connection_on_session_save):
        response = signed_in.post(reverse("needs:checkin"), data)
    html = assert_calm_503(response)
    assert 'value="Slept badly."' in html
    assert CheckIn.objects.for_user(alice).get().score == 7


def test_a_deadlock_mid_request_is_a_plain_500_not_the_outage_page(signed_in, alice):
    need = make_need(alice)

    def deadlock_on_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "needs_checkin"'):
            raise wrapped(psycopg.errors.DeadlockDetected("deadlock detected"))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(deadlock_on_insert):
        response = signed_in.post(reverse("needs:checkin"), quick_checkin_data(need, 7))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()
    assert not CheckIn.objects.for_user(alice).exists()


class FakeDriverError(Exception):
    """A driver error that says only its SQLSTATE, as psycopg's do."""

    def __init__(self, sqlstate):
        super().__init__("a message")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        # PostgreSQL: unreachable, shutting down, starting up — outages.
        (wrapped(psycopg.OperationalError("connection refused")), True),  # libpq's own: no SQLSTATE
        (wrapped(psycopg.errors.ConnectionFailure("connection failure")), True),  # 08006
        (wrapped(psycopg.errors.SqlclientUnableToEstablishSqlconnection("no")), True),  # 08001
        (wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),  # 57P01
        (wrapped(psycopg.errors.CrashShutdown("crash")), True),  # 57P02
        (wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")), True),  # 57P03
        (wrapped(psycopg.InterfaceError("the connection is closed"), InterfaceError), True),
        (InterfaceError("connection already closed"), True),
        # PostgreSQL: real bugs, whatever the wrapper — each keeps its traceback.
        (wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), False),  # 40P01
        (wrapped(psycopg.errors.SerializationFailure("could not serialize")), False),  # 40001
        (wrapped(psycopg.errors.QueryCanceled("canceling statement")), False),  # 57014
        (wrapped(psycopg.errors.UndefinedTable("no such relation")), False),
        (wrapped(FakeDriverError("40P01")), False),
        (wrapped(psycopg.errors.UniqueViolation("duplicate key"), IntegrityError), False),
        # SQLite: only a file out of reach.
        (wrapped(sqlite3.OperationalError("database is locked")), True),
        (wrapped(sqlite3.OperationalError("unable to open database file")), True),
        (wrapped(sqlite3.OperationalError("disk I/O error")), True),
        (wrapped(sqlite3.OperationalError("no such table: needs_need")), False),
        (wrapped(sqlite3.OperationalError('near "SELEC": syntax error')), False),
        # Anything else.
        (ValueError("a bug"), False),
        (wrapped(psycopg.DataError("bad value"), DatabaseError), False),
        (None, False),
    ],
)
def test_what_counts_as_the_database_being_out_of_reach(error, outage):
    assert is_database_outage(error) is outage


def test_an_outage_behind_another_error_still_counts_and_a_bug_behind_one_does_not():
    def raised_while_handling(inner: Exception) -> Exception:
        try:
            try:
                raise inner
            except Exception:  # noqa: BLE001 - what a session that could not load does
                raise AttributeError("'SessionStore' object has no attribute '_session_cache'")  # noqa: B904
        except AttributeError as outer:
            return outer

    assert is_database_outage(raised_while_handling(lost_connection()))
    assert not is_database_outage(raised_while_handling(wrapped(psycopg.errors.DeadlockDetected("dl"))))
