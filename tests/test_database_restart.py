"""PostgreSQL restarts while people use Attune: they get a calm 503 or a success, never a 500; no write that was
answered with success is lost; the server recovers by itself, without restarting gunicorn.

This stops and starts the local PostgreSQL cluster that serves the test database (as root, with `pg_ctlcluster`,
as in CI), which also drops
this process's own connection: it is closed first and opens again afterwards.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection, connections

from needs.models.needs import CheckIn
from tests.conftest import IN_CI, PASSWORD, make_person
from tests.factories import make_need
from tests.test_production_server import Browser, gunicorn  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 2
RECOVERY_SECONDS = 10  # observed: well under one second; room for a loaded machine


def local_cluster() -> tuple[str, str]:
    """The version and name of the local cluster serving the test database (found by its port); skips (fails
    under CI) if it can't be restarted from here."""
    if connection.vendor != "postgresql":
        pytest.skip("Restarting the database server is a PostgreSQL test; CI runs it on PostgreSQL.")
    db = connection.settings_dict
    port = str(db["PORT"] or 5432)
    clusters = []
    if shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster"):
        listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)  # noqa: S603, S607
        clusters = [line.split()[:2] for line in listing.stdout.splitlines() if line.split()[2:3] == [port]]
    reasons = []
    if os.geteuid() != 0:
        reasons.append("it must run as root")
    if (db["HOST"] or "localhost") not in {"localhost", "127.0.0.1", "::1"} or not clusters:
        reasons.append(f"the test database must be on a local cluster (pg_lsclusters) on port {port}")
    if reasons:
        message = "Cannot restart PostgreSQL: " + "; ".join(reasons) + "."
        if IN_CI:
            pytest.fail(message + " Under CI this test must run.", pytrace=False)
        pytest.skip(message)
    version, name = clusters[0]
    return version, name


def sign_in(browser: Browser, email: str) -> None:
    _, html = browser.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})
    response, _ = browser.request("POST", "/accounts/login/", body)
    assert response.status == 302, response.status


class Traffic(threading.Thread):
    """A person using the site in a loop: the home page, then a check-in with a note for a new day each time."""

    def __init__(self, browser: Browser, need) -> None:
        super().__init__(daemon=True)
        self.browser, self.need = browser, need
        self.results: list[dict] = []
        self.failure: BaseException | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            for number in range(1, 10_000):
                if self.stop.is_set():
                    return
                self.send("GET", "/")
                day = dt.date.today() - dt.timedelta(days=number)
                note = f"Evening note {number}: slept badly, need quiet."
                self.send(
                    "POST", "/needs/check-in/", self.check_in(day, number % 11, note), day=day, note=note
                )
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.failure = error

    def check_in(self, day: dt.date, score: int, note: str) -> str:
        csrf = self.browser.cookies.get("__Host-csrftoken") or self.browser.cookies.get("csrftoken")
        return urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "date": day.isoformat(),
                "rating-TOTAL_FORMS": "1",
                "rating-INITIAL_FORMS": "0",
                "rating-MIN_NUM_FORMS": "0",
                "rating-MAX_NUM_FORMS": "500",
                "rating-0-need": str(self.need.pk),
                "rating-0-score": str(score),
                "rating-0-note": note,
            }
        )

    def send(self, method: str, path: str, body: str = "", **about) -> None:
        response, html = self.browser.request(method, path, body)
        self.results.append(
            {
                "at": time.monotonic(),
                "method": method,
                "status": response.status,
                "retry_after": response.headers.get("Retry-After"),
                "html": html if response.status >= 500 else "",
                **about,
            }
        )

    def successes_since(self, moment: float) -> int:
        return sum(1 for r in self.results if r["at"] > moment and r["status"] < 400)


def run_cluster(cluster: tuple[str, str], action: str) -> None:
    subprocess.run(["pg_ctlcluster", *cluster, action], check=True, timeout=120)  # noqa: S603, S607


def database_ready() -> bool:
    db = connection.settings_dict
    command = ["pg_isready", "-q", "-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432)]
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_requests_during_a_postgresql_restart_get_503_or_succeed_and_no_saved_write_is_lost(
    gunicorn,  # noqa: F811 - the fixture imported above
    tmp_path,
    settings,
):
    cluster = local_cluster()
    # A hash the server (production settings) can check: the suite's fast hasher is not one of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    alice = make_person("alice@example.com")
    need = make_need(alice, "Quiet mornings")
    port = gunicorn()
    browser = Browser(port)
    sign_in(browser, "alice@example.com")

    traffic = Traffic(browser, need)
    traffic.start()
    try:
        assert wait_until(lambda: traffic.successes_since(0) >= 6, 30), traffic.results[-3:]
        connections.close_all()  # this process's connection would be cut too
        down_at = time.monotonic()
        run_cluster(cluster, "stop")
        try:
            time.sleep(OUTAGE_SECONDS)  # long enough that requests certainly arrive while it is down
        finally:
            run_cluster(cluster, "start")  # returns once the server accepts connections
        up_at = time.monotonic()
        assert wait_until(database_ready, 60)
        # Back without restarting gunicorn: a few seconds after the database, pages and writes succeed again.
        recovered = wait_until(lambda: traffic.successes_since(up_at) >= 2, RECOVERY_SECONDS)
    finally:
        traffic.stop.set()
        traffic.join(timeout=30)
    assert traffic.failure is None, repr(traffic.failure)
    assert recovered, [(r["method"], r["status"]) for r in traffic.results if r["at"] > up_at]

    statuses = [r["status"] for r in traffic.results]
    assert 500 not in statuses
    assert all(status < 400 or status == 503 for status in statuses), sorted(set(statuses))
    outage = [r for r in traffic.results if r["status"] == 503]
    assert outage, "no request arrived while the database was down"
    assert all(r["at"] > down_at for r in outage)
    for r in outage:
        assert r["retry_after"], "a 503 says when to try again"
        assert "Attune will be back in a moment" in r["html"]
    refused_writes = [r for r in outage if r["method"] == "POST"]
    assert refused_writes, "no check-in was sent while the database was down"
    for r in refused_writes:
        assert r["note"] in r["html"], "the refused form's text comes back in the page"

    # Every check-in that was answered with success is in the database, with its note.
    writes = [r for r in traffic.results if r["method"] == "POST"]
    assert {r["status"] for r in writes} <= {302, 503}, "a check-in is either saved (302) or refused (503)"
    saved = [r for r in writes if r["status"] == 302]
    stored = {c.date: c for c in CheckIn.objects.for_user(alice).filter(need=need)}
    for r in saved:
        assert r["day"] in stored, f"the check-in for {r['day']} was answered 302 but is not stored"
        assert stored[r["day"]].reveal("note", owner=alice) == r["note"]

    log = "\n".join(path.read_text() for path in tmp_path.glob("gunicorn-*.log"))
    assert "Traceback" not in log, "an outage is logged one line per request, not as tracebacks"
