"""Browser journeys: Playwright on the system Chromium against `live_server`.

Every page a journey visits is checked by axe (0 violations); any CSP violation, JavaScript error
or failed sub-resource fails the test.
"""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler

from tests.browser.helpers import watch_errors
from tests.conftest import ensure_static_collected


@pytest.fixture(scope="session", autouse=True)
def _static_files_as_in_production():
    """Serve static files the way production does: whitenoise, from collected, hashed files.

    The live server's own static handler looks files up by their unhashed names and would 404
    every hashed URL the manifest storage writes into pages.
    """
    ensure_static_collected()
    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda self, path: False
    yield
    StaticFilesHandler._should_handle = original


@pytest.fixture
def page(page, live_server):
    """A page that records console errors; any CSP violation fails the test at the end."""
    errors = watch_errors(page)
    page.base_url = live_server.url
    yield page
    csp = [error for error in errors if "Content Security Policy" in error or "Refused to" in error]
    assert not csp, f"CSP violations: {csp}"
    assert not errors, f"JavaScript errors: {errors}"
