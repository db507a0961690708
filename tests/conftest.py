"""Shared fixtures: people (`alice`, `bob`), test-only speed-ups, and the browser harness."""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run beside it
# unless told the calls are ours (machine notes).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    # Argon2 is first in production; tests use a fast hasher so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # The database cache outlives a transactional test's flush; rate-limit counters must not leak.
    with contextlib.suppress(Exception):  # a test without database access cached nothing
        cache.clear()


def make_person(email: str, password: str = PASSWORD):
    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def alice(db):
    return make_person("alice@example.com")


@pytest.fixture
def bob(db):
    return make_person("bob@example.com")


def run_background_tasks(*, sweep: bool = True) -> None:
    """What `manage.py worker --batch` does, in this process: queue again the imports a stopped worker left,
    then run every queued task. Without the worker's signal handlers (they would replace pytest's) and its
    closing of connections between tasks (it would close the test's transaction)."""
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    from journal.portability.jobs import resume_stopped

    if sweep:
        resume_stopped()
    worker = db_worker.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="tests", excluded_queue_names=[],
    )  # fmt: skip
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


def latest_code() -> str:
    """The code in the newest email (verification, log-in or password reset)."""
    assert mail.outbox, "no email was sent"
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{3,4})?)\s*$", body, re.MULTILINE)
    assert match, "no code in the email"
    return match.group(1)


def ensure_static_collected() -> None:
    """Production-mode servers need the collected, hashed static files (`make test` collects them)."""
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


# --- Browser harness --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if IN_CI:
            pytest.fail(message + " Under CI a missing browser fails the run.", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}
