"""While the database is out of reach (a restart, a fail-over): a calm 503 in Attune's layout, never the
generic 500, and a form's text comes back in the page so nothing is lost. See also test_database_restart.py."""

import datetime as dt
import logging
import uuid

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from journal.models import Reflection
from needs.models import CheckIn
from tests.factories import make_need, quick_checkin_data

NEW = reverse("journal:reflection_create")
BODY = "I need quiet mornings.\nAnd someone to ask how I am."


@pytest.fixture
def signed_in(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def database_down(error=OperationalError):
    """Every query fails, as when the server has gone away: nothing may reach the database from here on."""

    def fail(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

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
            raise InterfaceError("connection already closed")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lose_connection_on_insert):
        response = signed_in.post(NEW, reflection_form())
    html = assert_calm_503(response)
    assert "I need quiet mornings.\nAnd someone to ask how I am.</textarea>" in html
    assert not Reflection.objects.for_user(alice).exists()


def test_other_errors_still_get_the_plain_server_error_page(signed_in, monkeypatch):
    def broken(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("journal.pages.dashboard", broken)
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
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    data = {**quick_checkin_data(need, 7), "rating-0-note": "Slept badly."}
    with connection.execute_wrapper(lose_connection_on_session_save):
        response = signed_in.post(reverse("needs:checkin"), data)
    html = assert_calm_503(response)
    assert 'value="Slept badly."' in html
    assert CheckIn.objects.for_user(alice).get().score == 7
