"""What reaches a log line: never a person's words, never a working secret.

Search words travel in query strings, and needs-card links, reminder unsubscribe links, email-confirmation
links and password-reset links carry a working secret in their path. `redact_path` is the one place that decides what of an address may be
logged; gunicorn's access log (`AccessLogger`, config/gunicorn.py) and every Django log handler
(`RedactFilter`) use it.

A request that fails because the database cannot be reached (PostgreSQL restarting, a dropped connection;
`config.outage` decides) is logged as one line, not a traceback per request: the outage is one fact, and a wall
of identical tracebacks hides the errors that matter. Every other error keeps its traceback — its types and
frames, never its messages, which may quote what a person wrote.
"""

from __future__ import annotations

import copy
import logging
import re
import traceback

from config.outage import SQLITE_OUTAGE_MESSAGES, is_database_outage

REDACTED = "[redacted]"
WITHHELD = "[message withheld]"
TRACEBACK_WITHHELD = "[traceback withheld]"

# Paths whose next segment is a working secret: a needs card, a reminder unsubscribe token, an email-confirmation
# key, a password-reset key (allauth's, should links replace codes). Every other route's parameters are ids.
# Matched anywhere in a text (a message may hold a full URL); the secret runs to the next slash, quote or line
# end, so a token with spaces (decoded from %20) or without its closing slash is covered too.
_ROUTES_WITH_KEYS = r"(/c/|/reminders/unsubscribe/|/accounts/confirm-email/|/accounts/password/reset/key/)"
_KEY_IN_PATH = re.compile(_ROUTES_WITH_KEYS + r"[^/]*")
_KEY_IN_TEXT = re.compile(_ROUTES_WITH_KEYS + r"[^/\n'\"]*")
# A query string attached to a path or URL: up to the protocol of a raw request line when one follows on the
# same line (a query with spaces), else up to whitespace or a quote.
_QUERY = re.compile(r"(?<=[^\s'\"])\?(?:[^\n'\"]*?(?=\sHTTP/)|[^\s'\"]+)")


def redact_path(path: str) -> str:
    """The loggable form of a request path: no query string or fragment, secrets in the path replaced."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return _KEY_IN_PATH.sub(lambda match: match.group(1) + REDACTED, path)


def redact_text(text: str) -> str:
    """`redact_path` applied to every path or URL inside a free text (a log message, a traceback)."""
    text = _QUERY.sub("", text)
    return _KEY_IN_TEXT.sub(lambda match: match.group(1) + REDACTED, text)


class RedactFilter(logging.Filter):
    """On every handler: redacts paths in the message, its arguments and any traceback; one line for outages.

    An exception's message never reaches a log, for any exception: a database error quotes the row it refused
    (PostgreSQL's unique-key error names the key's values, a need's name among them) and other errors may
    quote what a person sent. Tracebacks keep what finds the bug: each exception's type and every frame (file,
    line, function, code line). Returns a changed copy, so other handlers of the same record are unaffected.
    """

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        exception = record.exc_info[1] if record.exc_info else None
        if is_database_outage(exception):
            return _one_line(record, exception)
        record.msg, record.args = redact_text(_message(record)), None
        if exception is not None:
            record.exc_text = redact_text(withheld_traceback(exception))
        elif record.exc_text:  # formatted elsewhere, without the exception to format it again from
            record.exc_text = TRACEBACK_WITHHELD
        record.exc_info = None  # no formatter may print the original
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return record


def withheld_traceback(exception: BaseException) -> str:
    """The traceback Python would print, chained exceptions included, with every message left out."""
    chain: list[tuple[BaseException, str | None]] = []  # newest first, with how each follows the older one
    seen = set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__cause__ is not None:
            link, following = _CAUSE, current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link, following = _CONTEXT, current.__context__
        else:
            link, following = None, None
        chain.append((current, link))
        current = following
    parts = []
    for error, link in reversed(chain):  # oldest first, as Python prints them
        if link is not None:
            parts.append(link)
        if error.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(f"{exception_name(error)}: {WITHHELD}\n")
    return "".join(parts).rstrip("\n")


def exception_name(error: BaseException) -> str:
    """The exception's type as Python's own traceback names it."""
    kind = type(error)
    if kind.__module__ in {"builtins", "__main__"}:
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _message(record: logging.LogRecord) -> str:
    if isinstance(record.msg, BaseException):  # `logger.error(error)`
        return f"{exception_name(record.msg)}: {WITHHELD}"
    if isinstance(record.args, tuple):  # `logger.error("failed: %s", error)`
        record.args = tuple(
            f"{exception_name(arg)}: {WITHHELD}" if isinstance(arg, BaseException) else arg
            for arg in record.args
        )
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that don't fit the format
        return str(record.msg)


def _one_line(record: logging.LogRecord, exception: BaseException) -> logging.LogRecord:
    what = _outage_summary(exception)
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "method"):
        record.msg = "Service Unavailable (database): %s %s %s"
        record.args = (request.method, redact_path(request.path), what)
    else:
        message = redact_text(_message(record))
        record.msg = "%s (database unavailable: %s)"
        record.args = (message, what)
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return record


def _outage_summary(exception: BaseException) -> str:
    """Which error said the database is out of reach: Django's type, the driver's type and its code.

    The driver's message is left out like every other; for SQLite, whose messages are its codes, the known
    phrase that made it an outage is named instead.
    """
    chain, seen, current = [], set(), exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    # The deepest error that is an outage by itself (everything above it only wraps it).
    index = max(i for i, error in enumerate(chain) if is_database_outage(error))
    failure = chain[index]
    driver = failure.__cause__ if _is_driver_error(failure.__cause__) else None
    if _is_driver_error(failure) and index > 0:  # a driver error: name Django's wrapper above it too
        failure, driver = chain[index - 1], failure
    words = [type(failure).__name__]
    if driver is not None:
        words.append(f"from {exception_name(driver)}")
        if sqlstate := getattr(driver, "sqlstate", None):
            words.append(f"SQLSTATE {sqlstate}")
    source = str(driver if driver is not None else failure).lower()
    words += [f"({phrase})" for phrase in SQLITE_OUTAGE_MESSAGES if phrase in source]
    return " ".join(words)


def _is_driver_error(error: BaseException | None) -> bool:
    return error is not None and type(error).__module__.split(".")[0] in {"psycopg", "sqlite3"}
