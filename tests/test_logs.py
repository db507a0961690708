"""Logs carry no one's words and no working secret: search words, card links and invitation codes stay out.

The end-to-end test starts the very gunicorn command of `make serve` (read from the Makefile) on the test
database and reads everything the server printed: its access log and Django's own warnings.
"""

import datetime as dt
import http.client
import io
import logging
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlencode

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db.utils import IntegrityError, InterfaceError, OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.logs import RedactFilter, redact_path, redact_text
from journal.services.reminders import unsubscribe_token
from needs.models.sharing import Invitation, new_token, token_hash
from tests.conftest import PASSWORD, ensure_static_collected, make_person
from tests.factories import make_card, make_need, make_reflection
from tests.test_production_server import Browser, free_port, production_env

ROOT = Path(__file__).resolve().parent.parent


# --- The redaction itself --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/journal/?q=walk+with+Sam", "/journal/"),
        ("/c/Zq3-xY_9aBcD/", "/c/[redacted]/"),
        ("/c/Zq3-xY_9aBcD", "/c/[redacted]"),
        ("/c/two words/?x=1", "/c/[redacted]/"),
        ("/sharing/partners/join/?code=Kq7_secret", "/sharing/partners/join/"),
        ("/accounts/confirm-email/MQ:1uAbc:xyz/", "/accounts/confirm-email/[redacted]/"),
        ("/accounts/password/reset/key/1-set-password/", "/accounts/password/reset/key/[redacted]/"),
        ("/reminders/unsubscribe/MQ:1uAbc:xyz/", "/reminders/unsubscribe/[redacted]/"),
        ("/reminders/unsubscribe/MQ:1uAbc:xyz", "/reminders/unsubscribe/[redacted]"),
        ("/journal/2026/01/", "/journal/2026/01/"),
    ],
)
def test_redact_path_keeps_only_the_route(path, logged):
    assert redact_path(path) == logged


def test_redact_text_strips_query_strings_and_secrets_inside_a_message():
    line = "Invalid request: 'GET /journal/?q=my sister Ann HTTP/1.1' then https://x.org/c/Tok3n/?a=b done?"
    assert (
        redact_text(line)
        == "Invalid request: 'GET /journal/ HTTP/1.1' then https://x.org/c/[redacted]/ done?"
    )


def _through_filter(record: logging.LogRecord) -> str:
    """What a handler configured like settings.LOGGING's prints for this record."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    handler.addFilter(RedactFilter())
    handler.handle(record)
    return stream.getvalue()


def _record(msg, *args, exc=None, request=None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, msg, args, exc_info)
    if request is not None:
        record.request = request
    return record


def _raised(make):
    try:
        make()
    except Exception as exc:  # noqa: BLE001 - any exception, as the request handler would log it
        return exc
    raise AssertionError("nothing was raised")


def wrapped_by_django(driver_error: Exception, wrapper=OperationalError) -> Exception:
    """What a query raises: Django's error, made from the driver's and chained to it, as Django does."""
    try:
        raise driver_error
    except Exception as error:  # noqa: BLE001 - re-raised wrapped
        try:
            raise wrapper(*error.args) from error
        except wrapper as wrapped:
            return wrapped


def _session_store_failure():
    """What a request meets while PostgreSQL restarts: the session cache is missing, then loading it fails."""
    try:
        raise AttributeError("'SessionStore' object has no attribute '_session_cache'")
    except AttributeError:
        raise wrapped_by_django(  # noqa: B904 - chained to the driver's error, as Django does
            psycopg.errors.AdminShutdown("terminating connection due to administrator command")
        )


def test_database_outage_is_one_line_without_traceback():
    request = RequestFactory().get("/journal/", {"q": "walk with Sam"})
    exc = _raised(_session_store_failure)
    output = _through_filter(
        _record("%s: %s", "Internal Server Error", request.path, exc=exc, request=request)
    )
    assert output.count("\n") == 1, output
    assert "Traceback" not in output and "_session_cache" not in output
    assert (
        "ERROR django.request Service Unavailable (database): GET /journal/ "
        "OperationalError from psycopg.errors.AdminShutdown SQLSTATE 57P01\n"
    ) in output
    assert "terminating connection" not in output  # no exception's message, not even an outage's
    assert "Sam" not in output


def test_database_interface_error_behind_another_error_is_one_line_too():
    def wrapped():
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError as error:
            raise RuntimeError("could not load the page") from error

    output = _through_filter(_record("Task failed for %s", "/c/Tok3n/", exc=_raised(wrapped)))
    assert output.count("\n") == 1, output
    assert "Task failed for /c/[redacted]/ (database unavailable: InterfaceError)\n" in output
    assert "already closed" not in output and "could not load" not in output


def test_other_errors_keep_their_traceback_with_paths_redacted():
    request = RequestFactory().get("/c/Tok3n-secret/")
    exc = _raised(lambda: (_ for _ in ()).throw(ValueError("bad card /c/Tok3n-secret/?q=Sam")))
    output = _through_filter(
        _record("%s: %s", "Internal Server Error", request.path, exc=exc, request=request)
    )
    assert "Internal Server Error: /c/[redacted]/" in output
    assert "Traceback (most recent call last)" in output
    assert "ValueError: [message withheld]" in output
    assert "Tok3n" not in output and "Sam" not in output


NEED_NAME = "Quillowby walks"  # the traceback shows source lines: the word appears only here, out of them


def _unique_violation_while_handling_another_error():
    """PostgreSQL's refusal of a second need with the same name, raised while a first error was handled."""
    detail = (
        'duplicate key value violates unique constraint "need_unique_name_per_owner"\n'
        f"DETAIL:  Key (owner_id, lower(name::text))=(3, {NEED_NAME.lower()}) already exists."
    )
    try:
        raise KeyError(NEED_NAME)
    except KeyError:
        raise wrapped_by_django(psycopg.errors.UniqueViolation(detail), IntegrityError)  # noqa: B904


def test_a_traceback_keeps_types_and_frames_but_no_exception_message():
    exc = _raised(_unique_violation_while_handling_another_error)
    assert "quillowby" in str(exc) and "quillowby" in str(exc.__cause__)  # the words really are there
    output = _through_filter(_record("%s: %s", "Internal Server Error", "/needs/new/", exc=exc))
    assert "quillowby" not in output.lower(), output
    assert "DETAIL" not in output and "already exists" not in output
    # Every exception of the chain by type, in Python's order, each with its frames.
    assert output.index("KeyError: [message withheld]") < output.index(
        "During handling of the above exception, another exception occurred:"
    )
    assert "psycopg.errors.UniqueViolation: [message withheld]" in output
    assert "The above exception was the direct cause of the following exception:" in output
    assert output.rstrip().endswith("django.db.utils.IntegrityError: [message withheld]")
    assert output.count("Traceback (most recent call last):") == 3
    assert f'File "{__file__}", line' in output
    assert ", in _unique_violation_while_handling_another_error\n    raise KeyError(NEED_NAME)" in output


@pytest.mark.django_db
def test_the_databases_own_unique_key_error_reaches_the_log_without_the_key(alice):
    from django.db import connection, transaction

    from needs.models.needs import Need

    Need.objects.create(owner=alice, name=NEED_NAME, category="emotional")
    try:
        with transaction.atomic():
            Need.objects.create(owner=alice, name=NEED_NAME.upper(), category="emotional")
    except IntegrityError as error:
        exc = error
    if connection.vendor == "postgresql":  # PostgreSQL names the key's values: the need's name
        assert NEED_NAME.lower() in str(exc) and "DETAIL" in str(exc)
    output = _through_filter(_record("%s: %s", "Internal Server Error", "/needs/new/", exc=exc))
    assert "quillowby" not in output.lower() and "DETAIL" not in output, output
    assert output.rstrip().endswith("django.db.utils.IntegrityError: [message withheld]")
    assert "Need.objects.create(owner=alice, name=NEED_NAME.upper()" in output


def test_an_exception_given_as_a_log_argument_loses_its_message_too():
    exc = ValueError(f"could not parse {NEED_NAME}")
    output = _through_filter(_record("Import refused: %s", exc))
    assert "Import refused: ValueError: [message withheld]" in output
    assert "Quillowby" not in output
    output = _through_filter(_record(exc))
    assert "ValueError: [message withheld]" in output and "Quillowby" not in output


# --- Django's logging as configured ------------------------------------------------------------------------


@pytest.fixture
def django_log():
    """Everything Django's configured log handlers print during the test."""
    stream = io.StringIO()
    handlers = {h for name in ("", *settings.LOGGING["loggers"]) for h in logging.getLogger(name).handlers}
    ours = [h for h in handlers if isinstance(h, logging.StreamHandler) and h.name == "console"]
    assert ours, "settings.LOGGING's console handler is installed"
    previous = [(handler, handler.stream) for handler in ours]
    for handler in ours:
        handler.setStream(stream)
    yield stream
    for handler, old in previous:
        handler.setStream(old)


def test_every_configured_log_handler_redacts():
    for name in ("", *settings.LOGGING["loggers"]):
        # pytest's own capturing handlers aside, every handler is settings.LOGGING's and filters: Django's
        # defaults (mail_admins, the DEBUG console, runserver's) are replaced, not left beside it.
        handlers = [
            h for h in logging.getLogger(name).handlers if not type(h).__module__.startswith("_pytest")
        ]
        assert handlers, f"logger {name!r} has a handler"
        for handler in handlers:
            assert handler.name in settings.LOGGING["handlers"], (name, handler)
            assert any(isinstance(f, RedactFilter) for f in handler.filters), (name, handler.name)


@pytest.mark.django_db
def test_not_found_warning_for_an_unknown_card_link_is_redacted(client, django_log):
    token = new_token()
    response = client.get(f"/c/{token}/")
    assert response.status_code == 404
    output = django_log.getvalue()
    assert "WARNING django.request Not Found: /c/[redacted]/" in output
    assert token not in output


def test_local_servers_request_line_loses_its_query_string(django_log):
    # `make run`'s runserver logs each request line through `django.server`.
    logging.getLogger("django.server").info('"%s" %s %s', "GET /journal/?q=Sam&page=2 HTTP/1.1", "200", "812")
    output = django_log.getvalue()
    assert 'INFO django.server "GET /journal/ HTTP/1.1" 200 812' in output
    assert "Sam" not in output


def _failing_with(driver_error: Exception):
    def fail(*args, **kwargs):
        raise wrapped_by_django(driver_error)

    return fail


@pytest.mark.django_db
def test_request_failing_on_the_database_logs_one_line(client, alice, django_log):
    client.force_login(alice)
    client.raise_request_exception = False
    lost = psycopg.OperationalError("server closed the connection unexpectedly")  # libpq's: no SQLSTATE
    with mock.patch("journal.views.search.local_today", side_effect=_failing_with(lost)):
        response = client.get("/journal/", {"q": "walk with Sam"})
    assert response.status_code == 503
    output = django_log.getvalue()
    assert (
        "Service Unavailable (database): GET /journal/ OperationalError from psycopg.OperationalError\n"
        in (output)
    )
    assert "Traceback" not in output and "Sam" not in output and "server closed" not in output
    assert output.count("\n") == 1, output


@pytest.mark.django_db
@pytest.mark.parametrize(
    "driver_error",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    ],
    ids=["deadlock", "serialization", "cancelled"],
)
def test_a_deadlock_is_a_bug_with_a_500_and_a_traceback_not_an_outage(
    client, alice, django_log, driver_error
):
    client.force_login(alice)
    client.raise_request_exception = False
    with mock.patch("journal.views.search.local_today", side_effect=_failing_with(driver_error)):
        response = client.get("/journal/", {"q": "walk with Sam"})
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()
    output = django_log.getvalue()
    assert (
        "ERROR django.request Internal Server Error: /journal/\nTraceback (most recent call last):" in output
    )
    assert f"psycopg.errors.{type(driver_error).__name__}: [message withheld]" in output
    assert output.rstrip().endswith("django.db.utils.OperationalError: [message withheld]")
    assert "Service Unavailable" not in output
    assert str(driver_error) not in output and "Sam" not in output


@pytest.mark.django_db
def test_unsubscribe_links_are_redacted_and_never_sent_on_as_a_referer(client, alice, django_log):
    token = unsubscribe_token(alice.pk, "daily")
    url = reverse("journal:unsubscribe", args=[token])
    assert token in url
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert response["Referrer-Policy"] == "no-referrer"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.get(reverse("journal:unsubscribe", args=[forged])).status_code == 404
    output = django_log.getvalue()
    assert "WARNING django.request Not Found: /reminders/unsubscribe/[redacted]/" in output
    assert token[:12] not in output and forged[:12] not in output


# --- The production server, end to end -------------------------------------------------------------------


def serve_command() -> list[str]:
    """`make serve`'s gunicorn arguments, read from the Makefile: the test runs the very same server."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^serve:.*\n((?:\t.*\n|#.*\n)+)", makefile, re.MULTILINE).group(1)
    line = next(line for line in recipe.splitlines() if "exec .venv/bin/gunicorn " in line)
    arguments = shlex.split(line.split("exec .venv/bin/gunicorn ", 1)[1])
    assert "$" not in " ".join(arguments), "every setting comes from config/gunicorn.py, none from make"
    return [sys.executable, "-m", "gunicorn", *arguments]


class Visitor(Browser):
    """A browser behind the TLS proxy, keeping its cookies; every request can name a Referer."""

    def log_in(self, email: str, password: str) -> None:
        _, html = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
        response, _ = self.request("POST", "/accounts/login/", body, referer="/accounts/login/")
        assert response.status == 302, response.status
        assert "__Host-sessionid" in self.cookies


@pytest.fixture
def served(tmp_path):
    """`make serve`'s gunicorn on the test database; yields its port and a function reading all its output."""
    ensure_static_collected()
    port = free_port()
    env = production_env(HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - the Makefile's own arguments
            serve_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def output() -> str:
        """Stops the server (so every line is written) and returns everything it printed."""
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)
        return log_path.read_text()

    deadline = time.monotonic() + 30
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=0.5).connect()
            break
        except OSError:
            assert process.poll() is None, log_path.read_text()
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not start: {log_path.read_text()}")
            time.sleep(0.2)
    yield port, output
    output()


@pytest.mark.django_db(transaction=True)
def test_make_serve_logs_no_search_words_card_tokens_or_invitation_codes(served):
    port, output = served
    alice = make_person("alice@example.com")
    # The server hashes with Argon2 and knows nothing of the fast test hasher.
    alice.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    alice.save(update_fields=["password"])
    bob = make_person("bob@example.com")
    word = "Quillowby"
    make_reflection(alice, title=f"A walk with {word}", body=f"{word} and I talked by the river.")
    card = make_card(alice, [make_need(alice, "Quiet mornings")])
    unknown_token = new_token()
    code = new_token()
    invitation = Invitation(
        owner=bob, code_hash=token_hash(code), expires_at=timezone.now() + dt.timedelta(days=7)
    )
    invitation.seal("code", code, owner=bob)
    invitation.save()

    anonymous = Visitor(port)
    response, _ = anonymous.request("GET", f"/journal/?q={word}")
    assert response.status == 302  # to the log-in page, the search in its `next`
    visitor = Visitor(port)
    visitor.log_in("alice@example.com", PASSWORD)

    search = f"/journal/?{urlencode({'q': word})}"
    response, html = visitor.request("GET", search, referer="/journal/")
    assert response.status == 200 and word in html
    assert response.headers["Referrer-Policy"] == "no-referrer"

    response, html = visitor.request("GET", f"/c/{card.plain_token}/", referer=search)
    assert response.status == 200 and "Quiet mornings" in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    response, _ = visitor.request("GET", f"/c/{card.plain_token}")
    assert response.status == 301
    response, _ = visitor.request("GET", f"/c/{unknown_token}/")
    assert response.status == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"

    join = f"/sharing/partners/join/?code={code}"
    response, html = visitor.request("GET", join, referer=search)
    assert response.status == 200 and code in html
    assert response.headers["Referrer-Policy"] == "strict-origin"

    printed = output()
    for secret in (word, card.plain_token, unknown_token, code):
        assert secret not in printed and quote(secret) not in printed, f"{secret} reached the log:\n{printed}"
    assert word.lower() not in printed.lower()
    # The requests were logged, each with its route only.
    assert re.search(r'"GET /journal/" 302 \d+ \d+ms', printed), printed
    assert re.search(r'"GET /journal/" 200 \d+ \d+ms', printed), printed
    assert '"GET /c/[redacted]/" 200 ' in printed
    assert '"GET /c/[redacted]" 301 ' in printed
    assert '"GET /c/[redacted]/" 404 ' in printed
    assert '"GET /sharing/partners/join/" 200 ' in printed
    assert "WARNING django.request Not Found: /c/[redacted]/" in printed
    assert "?" not in "".join(line for line in printed.splitlines() if '"GET ' in line)
