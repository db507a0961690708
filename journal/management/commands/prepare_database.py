"""Bring the database up to date: migrate, create the cache table, load the starter content.

Several instances may start at the same moment on one database (`make serve` on each machine). Django's
migrations are not safe to run side by side: two `migrate` runs on an empty PostgreSQL database both try to
create the same tables and one fails. So the whole sequence runs under one lock per database: a PostgreSQL
advisory lock held by a connection of its own (a migration may close or reset Django's connection, which would
let a lock taken there go), or on SQLite an exclusive lock on a file next to the database.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

# Attune's own advisory-lock number (the bytes of "attune-p" as a signed 64-bit integer).
LOCK_KEY = int.from_bytes(b"attune-p", "big", signed=True)


@contextlib.contextmanager
def preparation_lock(alias: str = DEFAULT_DB_ALIAS, on_wait=None) -> Iterator[None]:
    """Hold the database's preparation lock; `on_wait()` is called once if another process holds it."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        with _advisory_lock(alias, on_wait):
            yield
    elif vendor == "sqlite" and lock_file_path(alias) is not None:
        with _file_lock(lock_file_path(alias), on_wait):
            yield
    else:
        yield


def lock_file_path(alias: str = DEFAULT_DB_ALIAS) -> Path | None:
    """Where the SQLite lock file of a database lives (None: not a file database)."""
    path = _sqlite_path(alias)
    return None if path is None else path.with_name(path.name + ".prepare-lock")


def _sqlite_path(alias: str) -> Path | None:
    name = str(connections[alias].settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


@contextlib.contextmanager
def _advisory_lock(alias: str, on_wait) -> Iterator[None]:
    holder = connections.create_connection(
        alias
    )  # autocommit: the lock is the session's, no open transaction
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                if on_wait:
                    on_wait()
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        yield
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        holder.close()  # ends the session, which releases the lock even if the unlock never ran


@contextlib.contextmanager
def _file_lock(path: Path, on_wait) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Command(BaseCommand):
    help = (
        "Bring the database up to date before serving: migrate, create the cache table and load the starter "
        "content, under a lock, so that any number of instances may run it at the same moment "
        "(`make serve` does, on every start). Idempotent."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def waiting() -> None:
            self.stdout.write("Another instance is preparing the database; waiting for it to finish.")

        with preparation_lock(on_wait=waiting):
            call_command("migrate", interactive=False, verbosity=verbosity)
            call_command("createcachetable", verbosity=verbosity)
            call_command("load_starter_content", verbosity=verbosity)
        self.stdout.write("The database is up to date.")
