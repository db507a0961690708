"""A ten-year journal moves whole: its export is imported by a process killed midway, which leaves nothing
half-done, then imported again to the end; exporting the new account gives the same journal back."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model

from journal.devdata import history_create
from journal.models import ImportedRecord, Reflection
from journal.portability import imports
from journal.portability.export import json_chunks
from needs.models.needs import CheckIn, Need
from needs.services.accounts import local_today
from tests.conftest import make_person
from tests.journal.test_data_ownership import comparable, exported
from tests.test_production_server import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

# Ten years of days; fewer needs than the benchmark's 40 keep the seeding quick on SQLite.
DAYS, NEEDS = 3650, 8


def importer(email: str, path) -> subprocess.Popen:
    """`manage.py import_journal` in its own process, on the test database."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, "manage.py", "import_journal", "--user-email", email, str(path)]
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def owned_rows(user) -> dict:
    return {
        model.__name__: model.objects.filter(owner=user).count()
        for model in (Need, CheckIn, Reflection, ImportedRecord)
    }


def test_a_ten_year_import_killed_midway_leaves_nothing_and_the_next_one_round_trips(tmp_path):
    source = make_person("decade@example.com")
    history_create(user=source, today=local_today(source), days=DAYS, needs=NEEDS, reflection_size=2000)
    path = tmp_path / "export.json"
    path.write_text("".join(json_chunks(user=source)), encoding="utf-8")
    original = json.loads(path.read_text(encoding="utf-8"))
    assert len(original["checkins"]) == DAYS * NEEDS and len(original["reflections"]) == DAYS
    target = make_person("moved@example.com")

    # Killed once check-ins are being written: the import's one transaction never commits.
    killed = importer(target.email, path)
    lines = []
    for line in killed.stdout:
        lines.append(line)
        if line.startswith("check-ins written"):
            killed.kill()
            break
    killed.wait(timeout=60)
    killed.stdout.close()
    assert any(line.startswith("check-ins written") for line in lines), "".join(lines)
    assert not any("import finished" in line for line in lines)
    assert owned_rows(target) == {"Need": 0, "CheckIn": 0, "Reflection": 0, "ImportedRecord": 0}

    finished = importer(target.email, path)
    output, _ = finished.communicate(timeout=600)
    assert finished.returncode == 0, output
    assert "import finished" in output and "refused: 0" in output
    target = get_user_model().objects.get(pk=target.pk)
    assert comparable(exported(target)) == comparable(original)

    # Importing the same file again adds nothing.
    again = imports.import_data(user=target, data=original)
    assert sum(again.imported.values()) == 0 and again.refused == []
    assert again.unchanged["checkins"] == DAYS * NEEDS and again.unchanged["reflections"] == DAYS
