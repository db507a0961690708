"""Production settings: check --deploy is clean, and bad or missing values stop start-up clearly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "dGVzdHMtb25seS1tYXN0ZXIta2V5LTAxMjM0NTY3ODk="

PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-for-this-test-only-0123456789-xyz",
    "DJANGO_ALLOWED_HOSTS": "attune.example.org",
    "ATTUNE_MASTER_KEYS": GOOD_KEY,
    "ATTUNE_EMAIL_VERIFICATION": "",
    "ATTUNE_HTTPS": "",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATTUNE_"))}
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_are_https_only_with_host_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT, s.ACCOUNT_EMAIL_VERIFICATION,"
        " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.DEBUG)"
    )
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "mandatory",
        "Argon2PasswordHasher",
        "False",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is not set"),
        ({"ATTUNE_MASTER_KEYS": ""}, "ATTUNE_MASTER_KEYS is not set"),
        ({"ATTUNE_MASTER_KEYS": "not-a-key"}, "is not a url-safe base64 32-byte key"),
        ({"ATTUNE_MASTER_KEYS": GOOD_KEY + ",c2hvcnQ="}, "entry 2 is not a url-safe base64 32-byte key"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS is not set"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE='forever' is not a whole number"),
    ],
)
def test_bad_or_missing_setting_stops_start_up_with_a_short_message(change, message):
    result = manage("check", **{**PRODUCTION, **change})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_debug_mode_generates_local_keys_once_into_var(tmp_path):
    env = {"DJANGO_DEBUG": "True", "ATTUNE_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings as s; print(s.SECRET_KEY, s.ATTUNE_MASTER_KEYS[0].hex())"
    first = manage("shell", "-c", code, **env)
    second = manage("shell", "-c", code, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == second.stdout.splitlines()[-1]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "master_key").exists()
