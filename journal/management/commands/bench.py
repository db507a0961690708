"""`make bench`: seed a decade of journaling, serve it with gunicorn as in production, measure with wrk."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from journal.devdata import history_create
from journal.models import Reflection
from needs.models.needs import CheckIn
from needs.services.accounts import local_today

HEAVY = "bench-decade@attune.invalid"
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\":%d,\\"duration_us\\":%d,\\"errors\\":%d,\\"bad_status\\":%d,"
    .. "\\"p50\\":%d,\\"p95\\":%d,\\"p99\\":%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
PAGES = [
    ("baseline: privacy page (template only)", "/privacy/"),
    ("dashboard", "/"),
    ("insights (90 days)", "/insights/"),
    ("journal list", "/journal/"),
    ("search", "/journal/?q=garden"),
]


class Command(BaseCommand):
    help = (
        "Benchmark: seed one person with 10 years of daily data among 100 lighter people (once), serve with "
        "gunicorn in production mode, measure pages with wrk, print a table and write docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed (apt-get install wrk); `make bench` installs it as root."
            )
        user = self.seed()
        session_key = self.session_for(user)
        tables = {}
        for page_cache in (True, False):
            port = self.free_port()
            server = self.start_gunicorn(port, options["workers"], page_cache=page_cache)
            try:
                self.check_pages(port, session_key)
                results = [
                    (
                        label,
                        path,
                        self.measure(port, path, session_key, options["duration"], options["connections"]),
                    )
                    for label, path in PAGES
                ]
            finally:
                server.terminate()
                server.wait(timeout=20)
            tables[page_cache] = self.table(results)
            self.stdout.write(
                ("With" if page_cache else "Without") + " the page cache:\n" + tables[page_cache]
            )
        self.write_doc(options["output"], tables, options)

    # --- data -------------------------------------------------------------------------------------

    def seed(self):
        User = get_user_model()
        heavy = User.objects.filter(username="bench-decade").first()
        if heavy is not None:
            self.stdout.write("Bench data already seeded; reusing it.")
            return heavy
        started = time.monotonic()
        heavy = User.objects.create_user("bench-decade", HEAVY, password=None)
        EmailAddress.objects.create(user=heavy, email=HEAVY, verified=True, primary=True)
        today = local_today(heavy)
        counts = history_create(user=heavy, today=today, days=3650, needs=40, reflection_size=2000)
        for index in range(100):
            light = User.objects.create_user(
                f"bench-light-{index:03d}", f"light{index:03d}@attune.invalid", password=None
            )
            history_create(
                user=light,
                today=today,
                days=90,
                needs=6,
                reflection_size=600,
                reflections_every=3,
                seed=index + 2,
            )
        self.stdout.write(
            f"Seeded {counts['checkins']:,} check-ins and {counts['reflections']:,} reflections for one person, "
            f"plus 100 lighter people, in {time.monotonic() - started:.0f} s."
        )
        return heavy

    def session_for(self, user) -> str:
        client = Client()
        client.force_login(user)
        return client.session.session_key

    # --- server -------------------------------------------------------------------------------------

    @staticmethod
    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def start_gunicorn(self, port: int, workers: int, *, page_cache: bool) -> subprocess.Popen:
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            url = f"sqlite:///{db['NAME']}"
        else:
            url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
        keys = ",".join(base64.urlsafe_b64encode(k).decode() for k in settings.ATTUNE_MASTER_KEYS)
        env = {
            **os.environ,
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "ATTUNE_MASTER_KEYS": keys,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "ATTUNE_LOG_LEVEL": "WARNING",
            "ATTUNE_PAGE_CACHE": str(page_cache),
        }
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise CommandError("gunicorn did not start")

    @staticmethod
    def headers(session_key: str) -> list[str]:
        return [
            "-H", "X-Forwarded-Proto: https",
            "-H", "Host: 127.0.0.1",
            "-H", f"Cookie: __Host-sessionid={session_key}",
        ]  # fmt: skip

    def check_pages(self, port: int, session_key: str) -> None:
        for _, path in PAGES:
            result = subprocess.run(  # noqa: S603, S607 - fixed arguments
                [
                    "curl",
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    *self.headers(session_key),
                    f"http://127.0.0.1:{port}{path}",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
            if result.stdout != "200":
                raise CommandError(f"{path} answered {result.stdout}, not 200: is the session valid?")

    def measure(self, port: int, path: str, session_key: str, duration: int, connections: int) -> dict:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        url = f"http://127.0.0.1:{port}{path}"
        # Warm up first (connections, caches), then measure.
        subprocess.run(
            ["wrk", "-t1", "-c2", "-d2s", *self.headers(session_key), url], capture_output=True, check=False
        )  # noqa: S603, S607
        run = subprocess.run(  # noqa: S603, S607 - fixed arguments
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                *self.headers(session_key),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        os.unlink(script.name)
        line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
        data = json.loads(line[len("RESULT ") :])
        data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
        return data

    # --- report -------------------------------------------------------------------------------------

    @staticmethod
    def table(results) -> str:
        baseline = results[0][2]["rps"]
        lines = [
            "| page | requests/s | vs baseline | p50 ms | p95 ms | p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, path, r in results:
            errors = r["errors"] + r["bad_status"]
            lines.append(
                f"| {label} `{path}` | {r['rps']:.0f} | {100 * r['rps'] / baseline:.0f} % | "
                f"{r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {errors} |"
            )
        return "\n".join(lines) + "\n"

    def write_doc(self, output: str, tables: dict[bool, str], options) -> None:
        vendor = connection.vendor
        data = (
            f"{CheckIn.objects.count():,} check-ins and {Reflection.objects.count():,} reflections in the database "
            f"(one person with 10 years of daily data — 40 needs, 146,000 check-ins, 3,650 reflections of ~2 KB — "
            f"among 100 lighter people)"
        )
        path = Path(output)
        previous = path.read_text() if path.exists() else ""
        section = (
            f"## {dt.date.today().isoformat()} — {vendor}\n\n"
            f"{data}. gunicorn with {options['workers']} sync workers, DEBUG off, HTTPS settings on; wrk with "
            f"{options['connections']} connections for {options['duration']} s per page on the same 2 cores, signed in "
            f"as the person with 10 years of data.\n\n"
            f"**Repeat views** (the sealed page cache on, as in production; wrk asks for the same page again "
            f"and again):\n\n{tables[True]}\n"
            f"**First view after a change** (`ATTUNE_PAGE_CACHE=False`: every request builds the page, as the "
            f"first view after any write, a new day or a new search does):\n\n{tables[False]}\n"
        )
        heading = "# Benchmarks\n\nWritten by `make bench` (`manage.py bench`). Newest first; one section per run and database.\n\n"
        body = previous.split("\n\n", 2)[2] if previous.startswith("# Benchmarks") else ""
        path.parent.mkdir(exist_ok=True)
        path.write_text(heading + section + body)
        self.stdout.write(f"Wrote {path}")
