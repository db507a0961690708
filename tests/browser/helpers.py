"""Helpers for browser journeys: axe, sign-up and log-in."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
_axe = Axe()


def assert_accessible(page, *, modes: tuple[str, ...] = ("light", "dark")) -> None:
    """Fail on any axe violation, in each colour mode asked for."""
    for mode in modes:
        # Reduced motion turns off colour transitions, so axe never measures a colour mid-fade.
        page.emulate_media(color_scheme=mode, reduced_motion="reduce")
        page.wait_for_function(
            "mode => document.documentElement.getAttribute('data-bs-theme') === mode", arg=mode
        )
        results = _axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} → "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        ]
        assert not violations, f"axe, {mode} mode, {page.url}:\n" + "\n".join(details)
    page.emulate_media(color_scheme="light")


def watch_errors(page, *, expected=()) -> list[str]:
    """Record the page's console errors, uncaught exceptions and failed sub-resources (CSP reports are console
    errors). `expected` lists (path ending, status) answers a test provokes on purpose."""
    errors: list[str] = []
    # "Failed to load resource" repeats what the response listener below already records (and would
    # flag the deliberate 403 of a recovered CSRF failure page).
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            and response.request.resource_type != "document"
            and not any(
                response.url.endswith(path) and response.status == status for path, status in expected
            )
            else None
        ),
    )
    page.set_default_timeout(10_000)
    return errors


def label(text: str) -> re.Pattern:
    """A form label as crispy renders it: required fields end with an asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def sign_up(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/signup/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_label(label("Password (again)")).fill(password)
    page.get_by_role("button", name="Sign up", exact=True).click()


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page) -> None:
    """Log out from the account menu and wait until the signed-out page shows: the page first erases what waits
    on the device, then sends the form, so the click returns before the log-out has happened."""
    page.locator("summary", has_text="Account").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
