"""Serving the benchmark database with gunicorn in production settings and loading it with wrk."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

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


class ServingError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


@contextmanager
def gunicorn(workers: int):
    """gunicorn with `workers` sync workers on a free port, DEBUG off and HTTPS settings on; yields the port."""
    port = _free_port()
    keys = ",".join(base64.urlsafe_b64encode(k).decode() for k in settings.ATTUNE_MASTER_KEYS)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "ATTUNE_MASTER_KEYS": keys,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "ATTUNE_LOG_LEVEL": "WARNING",
    }
    env.pop("ATTUNE_HTTPS", None)  # production's default: on
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603 - fixed arguments
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise ServingError("gunicorn did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _headers(session_key: str) -> list[str]:
    # The session cookie's name with HTTPS settings on, as gunicorn runs here.
    cookie = f"Cookie: __Host-sessionid={session_key}"
    return ["-H", "X-Forwarded-Proto: https", "-H", "Host: 127.0.0.1", "-H", cookie]


def check_pages(port: int, session_key: str, paths: list[str]) -> None:
    """Each page answers 200 to the signed-in person, or the measurement would time error pages."""
    for path in paths:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *_headers(session_key)]  # noqa: S607
            + [f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.stdout != "200":
            raise ServingError(f"{path} answered {result.stdout}, not 200: is the session valid?")


def load(port: int, path: str, session_key: str, *, duration: int, connections: int) -> dict:
    """wrk against one page after a short warm-up: requests/s, latency percentiles (µs) and errors."""
    url = f"http://127.0.0.1:{port}{path}"
    headers = _headers(session_key)
    warm = ["wrk", "-t1", "-c2", f"-d{min(2, duration)}s", *headers, url]
    subprocess.run(warm, capture_output=True, check=False)  # noqa: S603, S607 - fixed arguments
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(LUA)
        script.flush()
        command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", script.name]
        run = subprocess.run(  # noqa: S603 - fixed arguments
            [*command, *headers, url], capture_output=True, text=True, check=True
        )
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    data = json.loads(line[len("RESULT ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data
