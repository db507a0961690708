"""Every page on a phone and on a desktop: the header stays small, nothing scrolls sideways, axe finds nothing.

The pages are the ones the sealed-value walk opens (tests/page_visits.py, every URL pattern of the project),
each as the person who sees it: a visitor, a brand-new person with no data, and alice with a full account
(tests/full_account.py) or bob her partner. Left out: POSTs and htmx fragments (not pages), the exports
(downloads), and the staff admin (Django's own screens, not Attune's layout). One browser context per
viewport; people are switched by their session cookie, so nobody signs in through the form.

The same checks run on the pages the demo's year fills (`create_demo_account`: a year of check-ins,
reflections, relationships and a partner). Also here: layout shift (CLS) on the landing page and the
signed-in home page, measured by the browser.
"""

import io
import re
import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from journal.management.commands.create_demo_account import DEMO_EMAIL, PARTNER_EMAIL
from needs.charts import RANGES
from needs.models.needs import Need
from needs.models.relationships import Relationship
from needs.models.sharing import Connection
from needs.services.accounts import local_today
from tests.browser.helpers import assert_accessible
from tests.conftest import make_person
from tests.factories import make_checkin, make_need, sign_in_with_second_factor
from tests.full_account import build_full_account
from tests.page_visits import planned_visits
from tests.urlwalk import url_params

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# On a phone the header may take at most this share of the screen's height.
HEADER_SHARE = 0.15
DOWNLOADS = {
    "journal:export_json",
    "journal:export_markdown",
    "journal:export_csv",
    "mfa_download_recovery_codes",
    # The installable app's files: a manifest, a script and the offline page's JSON, not pages to lay out.
    "web_manifest",
    "service_worker",
    "offline_state",
}
NOT_FOUND = "/no-such-page/"
LINKS = ("Home", "Journal", "Needs", "Check in", "Insights", "Wheel", "Sharing", "Relationships")
# Pages about an authenticator app that a brand-new person has not set up (they answer 404).
NEEDS_AUTHENTICATOR = {"mfa_deactivate_totp", "mfa_view_recovery_codes"}

HEADER_HEIGHT = "document.querySelector('body > header').getBoundingClientRect().height"
SIDEWAYS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return [document.documentElement.scrollWidth, width, wide];
}"""


def _pages(acct) -> dict[str, list[tuple[str, str]]]:
    """(URL name, address) to open, by who opens them; a query that changes what a page shows counts apart."""
    pages: dict[str, list[tuple[str, str]]] = {"anonymous": [], "new": [], "alice": [], "bob": []}
    for name, visits in planned_visits(acct).items():
        if name.startswith("admin:") or "admin/" in name or name in DOWNLOADS:
            continue
        for visit in visits:
            if visit.post is not None or visit.htmx or visit.who == "staff" or visit.status >= 400:
                continue
            query = "&".join(f"{k}={v}" for k, v in visit.query.items())
            one = (name, visit.path + (f"?{query}" if query else ""))
            if one not in pages[visit.who]:
                pages[visit.who].append(one)
            # A brand-new person opens every page that names none of alice's objects.
            try:
                names_no_object = visit.who == "alice" and not url_params(name)
            except KeyError:  # a route without a name (an old address that redirects)
                names_no_object = False
            if names_no_object and name not in NEEDS_AUTHENTICATOR and one not in pages["new"]:
                pages["new"].append(one)
    pages["anonymous"].append(("404", NOT_FOUND))
    pages["alice"].append(("404", NOT_FOUND))
    return pages


def _session_cookie(user, *, second_factor: bool = False) -> str:
    client = Client()
    if second_factor:
        sign_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _check_page(page, address: str, viewport: dict, *, axe: bool) -> list[str]:
    problems = []
    response = page.goto(page.base_url + address)
    expected = 404 if address == NOT_FOUND else 200
    if response.status != expected:
        problems.append(f"{address}: answered {response.status}, expected {expected}")
    header = page.evaluate(HEADER_HEIGHT)
    if viewport == PHONE and header > HEADER_SHARE * viewport["height"]:
        problems.append(
            f"{address}: the header is {header:.0f} px, over {HEADER_SHARE:.0%} of {viewport['height']}"
        )
    scroll_width, width, wide = page.evaluate(SIDEWAYS)
    if scroll_width > width:
        problems.append(f"{address}: scrolls sideways, {scroll_width} px wide in {width} ({', '.join(wide)})")
    if axe:
        try:
            assert_accessible(page)
        except AssertionError as failure:
            problems.append(str(failure))
    return problems


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-360x740", "desktop-1280x900"])
def test_every_page_fits_the_screen_and_passes_axe(page, live_server, alice, bob, viewport):
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "root-password-123")
    acct = build_full_account(alice, bob, staff)
    RecoveryCodes.activate(alice)
    newcomer = make_person("new@example.com")
    sessions = {
        "anonymous": None,
        "new": _session_cookie(newcomer),
        # alice owns an authenticator app, like a careful person, and confirmed this session with it.
        "alice": _session_cookie(alice, second_factor=True),
        "bob": _session_cookie(bob),
    }
    pages = _pages(acct)
    assert len(pages["alice"]) > 60 and len(pages["new"]) > 30 and len(pages["anonymous"]) > 8
    started = time.monotonic()
    page.set_viewport_size(viewport)
    problems: list[str] = []
    opened = checked = 0
    for who, visits in pages.items():
        page.context.clear_cookies()
        if sessions[who]:
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": sessions[who], "url": live_server.url}]
            )
        # Every address is measured; axe runs once per page, not again for each of its query strings.
        seen: set[str] = set()
        for name, address in visits:
            problems += _check_page(page, address, viewport, axe=name not in seen)
            checked += name not in seen
            seen.add(name)
            opened += 1
    print(
        f"\n{opened} addresses, {checked} through axe, at {viewport['width']}×{viewport['height']} in "
        f"{time.monotonic() - started:.0f}s"
    )
    assert not problems, (
        f"{len(problems)} problems at {viewport['width']}×{viewport['height']}:\n" + "\n".join(problems)
    )


# --- Layout shift -----------------------------------------------------------------------------------

# Layout shift as the browser reports it (buffered: shifts from before the observer started count too).
CLS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(total), 300)));
})"""
PHONE_390 = {"width": 390, "height": 844}


def _layout_shift(page, url: str) -> float:
    page.goto(url, wait_until="load")
    return page.evaluate(CLS)


def test_landing_and_home_do_not_shift_as_they_load(page, live_server, alice):
    page.set_viewport_size(PHONE_390)
    landing = _layout_shift(page, live_server.url + "/")
    assert page.locator("summary", has_text="Colours").is_visible()  # the menu that used to appear late
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(alice), "url": live_server.url}]
    )
    home = _layout_shift(page, live_server.url + "/")
    assert page.get_by_role("heading", level=1).is_visible()
    print(f"\nCLS at 390×844: landing {landing:.3f}, home {home:.3f}")
    assert landing < 0.1, f"the landing page shifts as it loads: CLS {landing:.3f}"
    assert home < 0.1, f"the home page shifts as it loads: CLS {home:.3f}"


# --- The phone menu without JavaScript ----------------------------------------------------------------


def test_phone_menu_opens_without_javascript_and_marks_the_current_page(browser, live_server, alice):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(alice), "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("needs:inventory"))
    nav = page.get_by_role("navigation", name="Main")
    # Folded: one row, the page links behind "Menu", the colour menu (it needs JavaScript) not shown at all.
    assert page.evaluate(HEADER_HEIGHT) <= HEADER_SHARE * PHONE["height"]
    expect(nav.get_by_role("link", name="Journal")).to_be_hidden()
    expect(nav.locator("summary", has_text="Colours")).to_be_hidden()
    nav.locator("summary", has_text="Menu").click()
    links = nav.get_by_role("link")
    expect(links.filter(has_text="Journal")).to_be_visible()
    current = nav.locator("[aria-current=page]:visible")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Needs")
    expect(current).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    links.filter(has_text="Journal").click()
    expect(page).to_have_url(live_server.url + reverse("journal:reflection_list"))
    context.close()


def test_desktop_keeps_the_links_in_a_row_with_the_current_page_marked(page, live_server, alice):
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(alice), "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("journal:insights"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("summary", has_text="Menu")).to_be_hidden()
    tops = {round(nav.get_by_role("link", name=name, exact=True).bounding_box()["y"]) for name in LINKS}
    assert len(tops) == 1, f"the header's links are not on one row: {tops}"
    current = nav.locator("[aria-current=page]:visible")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Insights")
    expect(current).to_have_class(re.compile(r"\bactive\b"))
    assert page.evaluate(HEADER_HEIGHT) <= 64  # one row, as before the phone layout


def test_a_first_days_pages_fit_a_phone(page, live_server):
    """Someone on their first day: needs with long words in their names, one check-in. The insights table
    of each need used to push the page 413 px wide."""
    person = make_person("first@example.com")
    today = local_today(person)
    needs = [
        make_need(person, "Uninterrupted focus", "mental", 5),
        make_need(person, "Companionship", "emotional", 4),
        make_need(person, "Stimulating conversation", "mental", 3),
    ]
    for need in needs:
        make_checkin(person, need, today, 6)
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(person), "url": live_server.url}]
    )
    addresses = [reverse("journal:insights") + f"?range={key}" for key in ["", *RANGES]]
    addresses += [reverse("journal:insights_feelings") + f"?range={key}" for key in RANGES]
    addresses += [reverse("journal:insights_year")]
    addresses += [
        reverse("home"),
        reverse("needs:inventory"),
        reverse("needs:wheel"),
        reverse("needs:checkin"),
    ]
    addresses += [reverse("needs:need_detail", args=[need.pk]) for need in needs]
    wide = {}
    for address in addresses:
        page.goto(live_server.url + address)
        scroll_width, width, what = page.evaluate(SIDEWAYS)
        if scroll_width > width:
            wide[address] = f"{scroll_width} px ({', '.join(what)})"
    assert wide == {}, f"pages wider than the phone's {PHONE['width']} px: {wide}"
    assert_accessible(page)  # the last need page, with its chart and table


# --- The demo's year ----------------------------------------------------------------------------------


def _demo_pages(demo, partner) -> list[str]:
    """Every page the demo person's year fills: charts over each range, a year of journal, each need and
    relationship, the cards and the partner exchange."""
    pages = [
        reverse("home"),
        reverse("journal:reflection_list"),
        reverse("journal:reflection_list") + "?q=pottery",
        reverse("journal:calendar"),
        reverse("journal:weekly_review"),
        reverse("needs:inventory"),
        reverse("needs:checkin"),
        reverse("needs:wheel"),
        reverse("needs:relationships"),
        reverse("sharing:cards"),
        reverse("sharing:partners"),
        reverse("sharing:love_profile"),
    ]
    pages += [reverse("journal:insights") + f"?range={key}" for key in RANGES]
    pages += [reverse("journal:insights_feelings") + f"?range={key}" for key in RANGES]
    pages += [reverse("journal:insights_year")]
    pages += [
        reverse("needs:need_detail", args=[pk])
        for pk in Need.objects.for_user(demo).values_list("pk", flat=True)
    ]
    for rel in Relationship.objects.for_user(demo):
        pages += [
            reverse("needs:relationship_detail", args=[rel.pk]),
            reverse("needs:pause_plan", args=[rel.pk]),
        ]
    pages += [
        reverse("sharing:partner_detail", args=[c.pk]) for c in Connection.objects.for_participant(demo)
    ]
    return pages


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-360x740", "desktop-1280x900"])
def test_the_demo_years_pages_fit_the_screen_and_pass_axe(page, live_server, settings, viewport):
    settings.DEBUG = True  # the demo exists only in local mode
    call_command("load_starter_content", verbosity=0)
    call_command("create_demo_account", stdout=io.StringIO())
    settings.DEBUG = False
    people = get_user_model().objects
    demo, partner = people.get(email=DEMO_EMAIL), people.get(email=PARTNER_EMAIL)
    pages = _demo_pages(demo, partner)
    assert len(pages) > 30
    page.set_viewport_size(viewport)
    problems: list[str] = []
    for who, addresses in ((demo, pages), (partner, [reverse("home"), reverse("sharing:partners")])):
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(who), "url": live_server.url}]
        )
        for address in addresses:
            problems += _check_page(page, address, viewport, axe=True)
    assert not problems, (
        f"{len(problems)} problems at {viewport['width']}×{viewport['height']}:\n" + "\n".join(problems)
    )
