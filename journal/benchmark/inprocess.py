"""Measuring pages inside this process with Django's test client: queries per page, CPU time per page, HTML
size, and the journeys a person makes (a write, then the page that shows it; a new search word)."""

from __future__ import annotations

import itertools
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from journal.devdata import WORDS
from journal.models import Reflection
from journal.services.reflections import reflection_destroy
from needs.models.needs import Need
from needs.services.accounts import local_today

BASELINE = ("baseline: privacy page (template only)", "/privacy/")
COMMON_WORD = "garden"
ABSENT_WORD = "zebraquartz"


def pages_for(person) -> list[tuple[str, str]]:
    """(label, path) of every main page for this person, the baseline first."""
    need = Need.objects.for_user(person).order_by("name").first()
    return [
        BASELINE,
        ("dashboard", "/"),
        ("insights: trends, 90 days", "/insights/?range=90d"),
        ("insights: trends, 1 year", "/insights/?range=1y"),
        ("insights: trends, all time", "/insights/?range=all"),
        ("insights: feelings, 90 days", "/insights/feelings/?range=90d"),
        ("insights: feelings, 1 year", "/insights/feelings/?range=1y"),
        ("insights: feelings, all time", "/insights/feelings/?range=all"),
        ("insights: your year", "/insights/year/"),
        ("weekly review", "/insights/week/"),
        ("journal list", "/journal/"),
        ("search, a common word", f"/journal/?q={COMMON_WORD}"),
        ("search, an absent word", f"/journal/?q={ABSENT_WORD}"),
        ("calendar", "/journal/calendar/"),
        ("a need page", f"/needs/{need.pk}/" if need else "/needs/"),
        ("the wheel", "/needs/wheel/"),
        ("relationships", "/needs/relationships/"),
    ]


def shown_path(path: str) -> str:
    """The path as a table prints it: a need's id becomes `<id>`."""
    parts = path.split("/")
    return "/".join("<id>" if len(part) == 36 and part.count("-") == 4 else part for part in parts)


@dataclass
class Cost:
    cpu_ms: float  # median CPU time of the process per request
    wall_ms: float  # median wall time per request
    queries: int
    kb: float  # size of the HTML


def production_like():
    """Settings of a production request in this process: DEBUG off (no query log, cached templates) and the
    test client's host allowed."""
    return override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"])


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _measure(call: Callable[[], object], runs: int, *, expect: int = 200) -> Cost:
    cpu, wall, queries, size = [], [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started_cpu, started = time.process_time(), time.perf_counter()
            response = call()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        if response.status_code != expect:  # a refused form or an error page would time the wrong work
            raise RuntimeError(
                f"{response.request['PATH_INFO']} answered {response.status_code}, not {expect}"
            )
        queries, size = len(captured), len(response.content)
    return Cost(1000 * statistics.median(cpu), 1000 * statistics.median(wall), queries, size / 1024)


def page_costs(person, pages: list[tuple[str, str]], *, runs: int) -> dict[str, Cost]:
    """Each page's cost for this person by label, built from scratch each time (after one visit that warms
    the process: imports, template loading, the prompt of the day)."""
    with production_like():
        client = client_for(person)
        costs = {}
        for label, path in pages:
            client.get(path, secure=True)
            costs[label] = _measure(lambda path=path: client.get(path, secure=True), runs)
        return costs


def journeys(person, *, runs: int) -> list[tuple[str, Cost]]:
    """A person's writes followed by the page that shows them, and searches for a word not searched before.
    The reflections written here are destroyed afterwards, so repeated runs keep the same history."""
    need = Need.objects.for_user(person).active().order_by("name").first()
    today = local_today(person)
    keys: list[uuid.UUID] = []
    scores = itertools.count()
    # Beginnings of the seeded words, a different one each time: qui, mor, wal, …, then quie, morn, …
    words = (WORDS[turn % len(WORDS)][: 3 + turn // len(WORDS) % 4] for turn in itertools.count())

    def checkin():
        data = {
            "quick": "1",
            "rating-TOTAL_FORMS": "1",
            "rating-INITIAL_FORMS": "1",
            "rating-MIN_NUM_FORMS": "0",
            "rating-MAX_NUM_FORMS": "500",
            "rating-0-need": str(need.pk),
            "rating-0-score": str(next(scores) % 11),
        }
        return client.post("/needs/check-in/", data, secure=True)

    def reflection():
        keys.append(uuid.uuid4())
        data = {
            "date": today.isoformat(),
            "title": "An evening walk",
            "body": "Walked by the river after work and noticed my shoulders easing. " * 20,
            "needs": [str(need.pk)],
            "anxiety": "3",
            "confidence": "6",
            "form_key": str(keys[-1]),
        }
        return client.post("/journal/new/", data, secure=True)

    with production_like():
        client = client_for(person)
        client.get("/", secure=True)
        steps = [
            ("POST a quick check-in", checkin, 302),
            ("then GET the dashboard", lambda: client.get("/", secure=True), 200),
            ("POST a new reflection", reflection, 302),
            ("then GET the journal list", lambda: client.get("/journal/", secure=True), 200),
            (
                "GET a search for a new word",
                lambda: client.get(f"/journal/?q={next(words)}", secure=True),
                200,
            ),
        ]
        results = {label: [] for label, _, _ in steps}
        try:
            for _ in range(runs):
                for label, step, expect in steps:
                    results[label].append(_measure(step, 1, expect=expect))
        finally:
            for written in Reflection.objects.for_user(person).filter(form_key__in=keys):
                reflection_destroy(reflection=written)
    return [(label, _median(costs)) for label, costs in results.items()]


def _median(costs: list[Cost]) -> Cost:
    return Cost(
        statistics.median(c.cpu_ms for c in costs),
        statistics.median(c.wall_ms for c in costs),
        max(c.queries for c in costs),
        statistics.median(c.kb for c in costs),
    )
