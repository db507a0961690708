"""No page ever shows a sealed value: every URL pattern of the project, rendered for a full account.

Sealed texts are stored as `v1:` + base64 (needs/privacy/crypto.py). A template that prints a sealed field
itself (`{{ reflection.body }}` instead of `{{ reflection.plain.body }}`) would put that token on the page.
The walk visits every URL pattern (a new one that has no visit here fails the test), as the person who sees
that page, with the query strings that change what a page shows, follows expected redirects, opens the
three exports, and reports every response that holds a sealed value.
"""

import csv
import io
import re
import time
import zipfile

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from needs.privacy.crypto import PREFIX
from tests.conftest import PASSWORD
from tests.factories import make_reflection, sign_in_with_second_factor
from tests.full_account import WORDS, build_full_account
from tests.page_visits import Visit, planned_visits

pytestmark = pytest.mark.django_db

SEALED = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{16,}")


# --- The walk over the project's URL patterns -----------------------------------------------------


def _join(namespace: str | None, name: str | None) -> str | None:
    return f"{namespace}:{name}" if namespace and name else name


def url_patterns(patterns=None, namespace=None, prefix=""):
    """(key, route) for every URL pattern of the project: its name, or its whole route when it has none."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, _join(namespace, entry.namespace) or namespace, route)
        elif isinstance(entry, URLPattern):
            yield (_join(namespace, entry.name) if entry.name else route), route


# --- Visiting ----------------------------------------------------------------------------------------


def _body(response) -> str:
    """What the person receives, as text: a page, a download, or every file of a zip."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            assert names, "the Markdown export is an empty zip"
            return "\n".join(name + "\n" + archive.read(name).decode("utf-8") for name in names)
    text = raw.decode("utf-8")
    if response.get("Content-Type", "").startswith("text/csv"):
        assert list(csv.reader(io.StringIO(text))), "the CSV export is empty"
    return text


def visit(client: Client, one: Visit) -> tuple[str, list[str]]:
    """Open one page as its visitor and follow its redirects; returns what the person received (headers
    included: a redirect's address is shown too) and the problems found."""
    headers = {"HX-Request": "true"} if one.htmx else {}
    if one.post is not None:
        response = client.post(one.path, one.post, headers=headers)
    else:
        response = client.get(one.path, one.query, headers=headers)
    if response.status_code != one.status:
        where = response.get("Location", "")
        return "", [f"{one}: answered {response.status_code} {where}, expected {one.status}".rstrip()]
    received = [str(response.headers)]
    for _ in range(5):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response["Location"], headers=headers)
        received.append(str(response.headers))
    problems = []
    if one.status in (301, 302, 303) and response.status_code != 200:
        problems.append(f"{one}: the redirect ended on {response.status_code}")
    text = "\n".join([*received, _body(response)])
    problems += [f"{one}: shows the sealed value {found[:24]}…" for found in SEALED.findall(text)]
    problems += [f"{one}: does not show its {key} text" for key in one.shows if WORDS[key] not in text]
    return text, problems


@pytest.fixture
def account(alice, bob):
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "root-password-123")
    return build_full_account(alice, bob, staff)


@pytest.fixture
def clients(account) -> dict[str, Client]:
    people = {"alice": Client(), "bob": Client(), "staff": Client(), "anonymous": Client()}
    # alice's account has an authenticator app and recovery codes, like a careful person's.
    sign_in_with_second_factor(people["alice"], account["alice"])
    RecoveryCodes.activate(account["alice"])
    people["bob"].force_login(account["bob"])
    for name in ("alice", "bob"):
        # Exports, import and account deletion ask for a recent sign-in.
        people[name].post(reverse("account_reauthenticate"), {"password": PASSWORD})
    sign_in_with_second_factor(people["staff"], account["staff"])
    return people


def test_no_page_of_a_full_account_shows_a_sealed_value(account, clients):
    started = time.monotonic()
    plan = planned_visits(account)
    walked = dict(url_patterns())
    # A pattern without a visit fails here, so a new page cannot go unchecked; a stale entry too.
    assert set(walked) - set(plan) == set(), f"URL patterns with no visit: {sorted(set(walked) - set(plan))}"
    assert set(plan) - set(walked) == set(), f"visits for no URL pattern: {sorted(set(plan) - set(walked))}"
    visits = [v for vs in plan.values() for v in vs]
    problems, shown = [], ""
    for one in sorted(visits, key=lambda v: v.late):
        text, found = visit(clients[one.who], one)
        problems += found
        shown += text
    assert not problems, "\n".join(problems)
    # Every kind of text of the account was on some page: none of the checks above looked at empty pages.
    assert [key for key, word in WORDS.items() if word not in shown] == []
    assert account.invitation_code in shown and account.card_token in shown  # sealed codes, shown to alice
    print(f"\n{len(walked)} URL patterns, {len(visits)} visits in {time.monotonic() - started:.1f}s")


# --- The check itself catches a template that prints a sealed field ---------------------------------

# A page template that prints the stored field where it should print its revealed text.
RAW_FIELD = "<main><h1>{{ reflection.plain.title }}</h1><p>{{ reflection.body }}</p></main>"


def test_the_check_reports_a_template_that_prints_a_sealed_field(alice, settings):
    reflection = make_reflection(alice, title="Plain title", body="Plain words")
    client = Client()
    client.force_login(alice)
    one = Visit(reverse("journal:reflection_detail", args=[reflection.pk]))
    text, problems = visit(client, one)
    assert problems == [] and "Plain words" in text  # the real page shows the text, not the token
    page = client.get(one.path).templates[0].name
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {page: RAW_FIELD}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    with override_settings(TEMPLATES=[engine]):
        text, problems = visit(client, one)
    assert "<main><h1>Plain title</h1>" in text  # the overriding template was the one rendered
    assert len(problems) == 1 and problems[0].startswith(
        f"GET {one.path} as alice: shows the sealed value v1:"
    )
