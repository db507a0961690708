"""Attune as it runs in production: gunicorn processes, DEBUG off, HTTPS behind a proxy.

The servers share the test database with this process, so these tests use committed data.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.conftest import PASSWORD, ensure_static_collected, make_person

ROOT = Path(__file__).resolve().parent.parent
# The public name the TLS proxy passes on to every instance.
HOST = "attune.example.org"
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(**extra: str) -> dict:
    """The environment of a production-mode server on the test database: this process's, minus its settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_"))}
    env.update(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="production-like-secret-for-the-gunicorn-tests-0123456789-abcdefghij",
        DJANGO_ALLOWED_HOSTS=HOST,
        ATTUNE_MASTER_KEYS=os.environ["ATTUNE_MASTER_KEYS"],
        DATABASE_URL=database_url(),
        **extra,
    )
    return env


@pytest.fixture
def gunicorn(tmp_path):
    """Start production-mode gunicorn servers on the test database; stop them afterwards."""
    ensure_static_collected()
    processes = []

    def start() -> int:
        port = free_port()
        env = production_env()
        log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return port
            except OSError:
                assert process.poll() is None, (tmp_path / f"gunicorn-{port}.log").read_text()
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not start on port {port}")

    yield start
    for process, log in processes:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class Browser:
    """Just enough of a browser, talking to one instance as the TLS proxy in front of it would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", https: bool = True, referer: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
            headers["Origin"] = f"https://{HOST}"
        if referer:
            headers["Referer"] = f"https://{HOST}{referer}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        html = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        conn.close()
        return response, html

    def log_in(self, email: str, password: str) -> str:
        _, html = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
        response, html = self.request("POST", "/accounts/login/", body)
        assert response.status == 200, response.status
        return html


def test_production_home_page_sends_every_security_header(gunicorn):
    browser = Browser(gunicorn())
    response, html = browser.request("GET", "/")
    assert response.status == 200
    assert "Know what you need" in html
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    cookies = response.headers.get_all("Set-Cookie")
    assert cookies, "the landing page sets the CSRF cookie for its forms"
    for cookie in cookies:
        assert cookie.startswith("__Host-") and "; Secure" in cookie and "SameSite=Lax" in cookie


def test_plain_http_is_redirected_to_https(gunicorn):
    response, _ = Browser(gunicorn()).request("GET", "/", https=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/"


def test_failed_log_in_limit_holds_across_two_server_processes(gunicorn):
    make_person("alice@example.com")
    first, second = Browser(gunicorn()), Browser(gunicorn())
    wrong = "not alice's password"
    # Five failures, spread over both processes: neither process alone has seen five.
    for attempt in range(5):
        html = (first if attempt % 2 == 0 else second).log_in("alice@example.com", wrong)
        assert "are not correct" in html, f"attempt {attempt + 1}"
    html = second.log_in("alice@example.com", wrong)
    assert "Too many failed login attempts" in html
    # Even the right password waits now: the limit protects the account, not the guess.
    html = first.log_in("alice@example.com", PASSWORD)
    assert "Too many failed login attempts" in html
