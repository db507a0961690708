"""Browser journeys: Playwright on the system Chromium against `live_server`.

Every page a journey visits is checked by axe (0 violations); any CSP violation, JavaScript error
or failed sub-resource fails the test.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import mail
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def _static_files_as_in_production():
    """Serve static files the way production does: whitenoise, from collected, hashed files.

    The live server's own static handler looks files up by their unhashed names and would 404
    every hashed URL the manifest storage writes into pages.
    """
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda self, path: False
    yield
    StaticFilesHandler._should_handle = original


@pytest.fixture
def page(page, live_server):
    """A page that records console errors; any CSP violation fails the test at the end."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}")
        if response.status >= 400 and response.request.resource_type != "document"
        else None,
    )
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    csp = [error for error in errors if "Content Security Policy" in error or "Refused to" in error]
    assert not csp, f"CSP violations: {csp}"
    assert not errors, f"JavaScript errors: {errors}"


def latest_code(subject_hint: str = "") -> str:
    """The code from the newest email (verification, login or password reset)."""
    assert mail.outbox, "no email was sent"
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{3,4})?)\s*$", body, re.MULTILINE)
    assert match, f"no code in the email: {body[:200]!r}"
    return match.group(1)
