"""Starting up: any number of instances may prepare the database at the same moment (`make serve`)."""

import fcntl
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections

from journal.management.commands import prepare_database

ROOT = Path(__file__).resolve().parent.parent


def serve_preparation_command() -> str:
    """The database steps of the Makefile's `serve` target (every `manage.py` line but collectstatic), as one
    shell command: what each instance runs before gunicorn starts."""
    recipe, in_serve = [], False
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith("serve:"):
            in_serve = True
        elif in_serve and line.startswith("\t"):
            recipe.append(line.strip())
        elif in_serve and line.strip():
            break
    steps = [step for step in recipe if "manage.py" in step and "collectstatic" not in step]
    assert steps, "the serve target prepares no database"
    return " && ".join(step.replace("$(PY)", sys.executable) for step in steps)


def lock_is_free() -> bool:
    """Whether another process could take the preparation lock right now."""
    if connection.vendor == "postgresql":
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [prepare_database.LOCK_KEY])
                free = cursor.fetchone()[0]
                if free:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [prepare_database.LOCK_KEY])
            return free
        finally:
            other.close()
    with open(prepare_database.lock_file_path(), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.mark.django_db
def test_prepare_database_holds_its_lock_through_every_step(monkeypatch):
    steps = []
    monkeypatch.setattr(
        prepare_database, "call_command", lambda name, **options: steps.append((name, lock_is_free()))
    )
    prepare_database.Command().run_from_argv(["manage.py", "prepare_database"])
    assert steps == [("migrate", False), ("createcachetable", False), ("load_starter_content", False)]
    assert lock_is_free(), "the lock is released at the end"


@pytest.mark.django_db(transaction=True)
def test_two_instances_starting_at_once_on_an_empty_database_both_come_up():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent migrations racing on one server is a PostgreSQL property; CI runs this on PostgreSQL."
        )
    import psycopg

    db = connection.settings_dict
    server = {
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"] or "localhost",
        "port": db["PORT"] or 5432,
    }
    name = f"attune_startup_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname=db["NAME"], autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}/{name}",
        }
        command = serve_preparation_command()
        # Two instances at the same moment, as two machines running `make serve` would.
        first, second = (
            subprocess.Popen(  # noqa: S603 - the Makefile's own command
                ["/bin/bash", "-c", command],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        )
        outputs = [process.communicate(timeout=300)[0] for process in (first, second)]
        assert first.returncode == 0, outputs[0]
        assert second.returncode == 0, outputs[1]

        check = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        with psycopg.connect(dbname=name, **server) as fresh:
            tables = {
                row[0] for row in fresh.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
            assert {"attune_cache", "mfa_authenticator"} <= tables
            assert fresh.execute("SELECT count(*) FROM journal_prompt").fetchone()[0] > 0
    finally:
        with psycopg.connect(dbname=db["NAME"], autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
