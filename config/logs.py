"""What reaches a log line: never a person's words, never a working secret.

Search words travel in query strings, and needs-card links, email-confirmation links and password-reset links
carry a working secret in their path. `redact_path` is the one place that decides what of an address may be
logged; gunicorn's access log (`AccessLogger`, config/gunicorn.py) and every Django log handler
(`RedactFilter`) use it.

A request that fails because the database cannot be reached (PostgreSQL restarting, a dropped connection) is
logged as one line, not a traceback per request: the outage is one fact, and a wall of identical tracebacks
hides the errors that matter. Every other error keeps its traceback.
"""

from __future__ import annotations

import copy
import logging
import re

REDACTED = "[redacted]"

# Paths whose next segment is a working secret: a needs card, an email-confirmation key, a password-reset key.
# Matched anywhere in a text (a message may hold a full URL); the secret runs to the next slash, quote or line
# end, so a token with spaces (decoded from %20) or without its closing slash is covered too.
_ROUTES_WITH_KEYS = r"(/c/|/accounts/confirm-email/|/accounts/password/reset/key/)"
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


def database_unavailable(exc_info) -> BaseException | None:
    """The database connectivity error (`OperationalError`, `InterfaceError`) behind an exception, if any."""
    from django.db.utils import InterfaceError, OperationalError

    exception = exc_info[1] if exc_info else None
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


class RedactFilter(logging.Filter):
    """On every handler: redacts paths in the message, its arguments and any traceback; one line for outages.

    Returns a changed copy, so other handlers of the same record are unaffected.
    """

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        record = copy.copy(record)
        failure = database_unavailable(record.exc_info)
        if failure is not None:
            return _one_line(record, failure)
        record.msg, record.args = redact_text(_message(record)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return record


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # arguments that don't fit the format
        return str(record.msg)


def _one_line(record: logging.LogRecord, failure: BaseException) -> logging.LogRecord:
    detail = (str(failure).strip().splitlines() or [""])[0][:200]
    name = type(failure).__name__
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "method"):
        record.msg = "Service Unavailable (database): %s %s %s: %s"
        record.args = (request.method, redact_path(request.path), name, redact_text(detail))
    else:
        message = redact_text(_message(record))
        record.msg = "%s (database unavailable: %s: %s)"
        record.args = (message, name, redact_text(detail))
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return record
