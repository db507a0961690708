"""A ten-year journal moves whole, through the import page's background path: the worker is killed midway,
the next worker resumes the import from its last step, and exporting the new account gives the same journal
back, with nothing twice. Importing the file again from the command line then adds nothing."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model

from journal.devdata import history_create
from journal.models import ImportedRecord, ImportJob, Reflection
from journal.portability import jobs
from journal.portability.export import json_chunks
from needs.models.needs import CheckIn, Need
from needs.services.accounts import local_today
from tests.conftest import make_person
from tests.journal.test_data_ownership import comparable, exported
from tests.test_production_server import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

# Ten years of days; fewer needs than the benchmark's 40 keep the seeding quick on SQLite.
DAYS, NEEDS = 3650, 8
LEASE = 2  # seconds: the killed worker's hold runs out quickly


def manage(*args: str) -> subprocess.Popen:
    """`manage.py ...` in its own process, on the test database."""
    env = {**os.environ, "DATABASE_URL": database_url(), "ATTUNE_IMPORT_LEASE_SECONDS": str(LEASE)}
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip


def owned_rows(user) -> dict:
    return {
        model.__name__: model.objects.filter(owner=user).count()
        for model in (Need, CheckIn, Reflection, ImportedRecord)
    }


def test_a_ten_year_import_killed_midway_is_resumed_by_the_next_worker_and_round_trips(tmp_path):
    source = make_person("decade@example.com")
    history_create(user=source, today=local_today(source), days=DAYS, needs=NEEDS, reflection_size=2000)
    path = tmp_path / "export.json"
    path.write_text("".join(json_chunks(user=source)), encoding="utf-8")
    original = json.loads(path.read_text(encoding="utf-8"))
    assert len(original["checkins"]) == DAYS * NEEDS and len(original["reflections"]) == DAYS
    target = make_person("moved@example.com")
    job = jobs.import_start(user=target, raw=path.read_bytes())  # what the import page does

    # Killed (SIGKILL: no clean-up of any kind) once the first check-ins are committed.
    killed = manage("worker")
    deadline = time.monotonic() + 300
    while not CheckIn.objects.filter(owner=target).exists():
        assert killed.poll() is None and time.monotonic() < deadline, killed.stdout.read()
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=60)
    killed.stdout.close()
    job.refresh_from_db()
    partway = owned_rows(target)
    assert job.state == "running" and 0 < job.done < job.total
    assert 0 < partway["CheckIn"] < DAYS * NEEDS or partway["Reflection"] < DAYS, partway

    time.sleep(LEASE + 1)
    resumed = manage("worker", "--batch")
    output, _ = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, output
    assert "Queued again 1 import(s)" in output
    job.refresh_from_db()
    assert job.state == "finished" and job.attempts == 2 and job.done == job.total and job.upload == ""
    report = jobs.report_of(job)
    assert report["imported"]["checkins"] == DAYS * NEEDS and report["imported"]["reflections"] == DAYS
    assert report["refused_total"] == 0 and sum(report["unchanged"].values()) == 0
    target = get_user_model().objects.get(pk=target.pk)
    assert comparable(exported(target)) == comparable(original)
    assert owned_rows(target)["CheckIn"] == DAYS * NEEDS and owned_rows(target)["Reflection"] == DAYS

    # The same file again, from the command line: nothing is added.
    again = manage("import_journal", "--user-email", target.email, str(path))
    output, _ = again.communicate(timeout=600)
    assert again.returncode == 0, output
    assert f"checkins: 0 added, {DAYS * NEEDS} already here" in output
    assert f"reflections: 0 added, {DAYS} already here" in output and "refused: 0" in output
    assert ImportJob.objects.filter(owner=target).count() == 1
