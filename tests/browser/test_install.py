"""Installing Attune: Chromium itself finds the manifest and the service worker and reports no reason the site
could not be installed, for a visitor and for a signed-in person, with no console error and the CSP intact
(the `page` fixture fails the test on either)."""

import pytest

from tests.browser.helpers import log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLLED = "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"


def _installability(page) -> tuple[dict, list]:
    """What Chromium's own install check says of the page: the manifest it parsed, and why it can't install."""
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    # Playwright's browser contexts are off the record, where Chromium never installs anything: that one reason
    # is about the test's browser, not the site. Every other reason counts.
    errors = [
        error
        for error in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        if error["errorId"] != "in-incognito"
    ]
    cdp.detach()
    return manifest, errors


def _wait_until_controlled(page) -> None:
    page.wait_for_function("() => 'serviceWorker' in navigator")
    page.evaluate("() => navigator.serviceWorker.ready")
    if not page.evaluate(CONTROLLED):
        page.reload()  # a worker installed during the first load controls the page from the next one
    assert page.evaluate(CONTROLLED), "the service worker does not control the page"


def test_a_visitor_finds_an_installable_app(page):
    page.goto(page.base_url + "/")
    _wait_until_controlled(page)
    manifest, errors = _installability(page)
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert not manifest.get("errors"), manifest.get("errors")
    assert '"display": "standalone"' in manifest["data"] or '"display":"standalone"' in manifest["data"]
    assert errors == [], errors


def test_a_signed_in_person_finds_the_same_installable_app(page):
    make_person("installer@example.com")
    log_in(page, page.base_url, "installer@example.com", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    _wait_until_controlled(page)
    manifest, errors = _installability(page)
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest.get("errors")
    assert errors == [], errors
    registration = page.evaluate(
        "() => navigator.serviceWorker.getRegistration().then((r) => [r.scope, r.active.scriptURL])"
    )
    assert registration == [page.base_url + "/", page.base_url + "/sw.js"]
