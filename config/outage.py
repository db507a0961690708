"""Whether an error means the database is out of reach (restarting, failing over, refusing connections).

An outage is a fact about the service: the person gets a calm "back in a moment" page (journal/pages.py) and
the log one line (config/logs.py). Every other database error — a deadlock, a serialization failure, a
cancelled statement, a missing table — is a bug to fix and keeps its 500 page and its traceback. Both places
ask this one function, so they always agree.
"""

from __future__ import annotations

import sqlite3

from django.db.utils import InterfaceError, OperationalError

try:
    import psycopg
except ImportError:  # a SQLite-only installation
    psycopg = None


# PostgreSQL error codes (SQLSTATE) of an unreachable server: class 08 is "connection exception"; 57P01-03 are
# an administrator's shutdown, a crash shutdown and "cannot connect now" (starting up or shutting down).
OUTAGE_SQLSTATE_CLASS = "08"

OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})

# SQLite has no codes in its messages' place: these are the ones of a file that can't be reached right now.
SQLITE_OUTAGE_MESSAGES = ("database is locked", "unable to open database", "disk i/o error")


def is_database_outage(error: BaseException | None) -> bool:
    """True if `error`, or an error it was raised from or while handling, says the database is out of reach.

    Django wraps the driver's error and chains it as `__cause__`; an error raised while handling one (a session
    that could not load, say) still counts, so the whole chain is walked.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, InterfaceError):  # a connection already closed or unusable
            return True
        if isinstance(error, OperationalError) and _operational_outage(error):
            return True
        if _driver_outage(error):  # a driver error raised where Django did not wrap it
            return True
        error = error.__cause__ or error.__context__
    return False


def _operational_outage(error: OperationalError) -> bool:
    driver_error = error.__cause__
    if psycopg is not None and isinstance(driver_error, psycopg.Error):
        return _psycopg_outage(driver_error)
    # SQLite, or nothing underneath: only the message can tell.
    return _sqlite_message_outage(driver_error if driver_error is not None else error)


def _driver_outage(error: BaseException) -> bool:
    if psycopg is not None and isinstance(error, psycopg.InterfaceError):
        return True
    if psycopg is not None and isinstance(error, psycopg.OperationalError):
        return _psycopg_outage(error)
    if isinstance(error, sqlite3.OperationalError):
        return _sqlite_message_outage(error)
    return False


def _psycopg_outage(error) -> bool:
    if isinstance(error, psycopg.InterfaceError):
        return True
    # No SQLSTATE: libpq's own failure (refused, reset, "server closed the connection unexpectedly"), since
    # every error the server sends carries one.
    state = getattr(error, "sqlstate", None)
    return state is None or state.startswith(OUTAGE_SQLSTATE_CLASS) or state in OUTAGE_SQLSTATES


def _sqlite_message_outage(error: BaseException) -> bool:
    message = str(error).lower()
    return any(phrase in message for phrase in SQLITE_OUTAGE_MESSAGES)
