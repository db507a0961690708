"""The import page imports in the background: the file is checked at once, stored sealed, imported by the
worker in steps with its progress on a page that refreshes itself, and a stop part-way is resumed without
adding anything twice."""

import datetime as dt
import io
import json
import logging
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal.models import ImportedRecord, ImportJob, Reflection, SearchTerm
from journal.portability import import_needs, imports, jobs
from journal.portability.export import json_chunks
from needs.models.needs import CheckIn, Need
from needs.privacy.crypto import JournalLocked
from tests.conftest import run_background_tasks
from tests.factories import make_import_job
from tests.journal.test_data_ownership import comparable, exported, reauthenticated, seed_everything

pytestmark = pytest.mark.django_db


def export_file(user) -> bytes:
    return "".join(json_chunks(user=user)).encode("utf-8")


def upload(client, raw: bytes):
    return client.post(reverse("journal:import"), {"file": SimpleUploadedFile("export.json", raw)})


def owned_rows(user) -> dict:
    return {
        model.__name__: model.objects.filter(owner=user).count()
        for model in (Need, CheckIn, Reflection, ImportedRecord, SearchTerm)
    }


def test_the_page_queues_the_import_shows_progress_then_the_report(client, alice, bob):
    seed_everything(bob, text="carried")
    raw = export_file(bob)
    reauthenticated(client, alice)
    response = upload(client, raw)
    job = ImportJob.objects.get(owner=alice)
    assert response.status_code == 302 and response["Location"] == reverse(
        "journal:import_job", args=[job.pk]
    )
    # Stored sealed: not one word of the file is readable in the row.
    assert job.state == "waiting" and "carried" not in job.upload and job.upload.startswith("v1:")
    assert job.reveal("upload", owner=alice).encode() == raw

    waiting = client.get(response["Location"]).content.decode()
    assert "Your import is about to start" in waiting
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting  # no JavaScript: refresh
    poll = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in poll and "<html" not in poll

    run_background_tasks()
    job.refresh_from_db()
    assert (
        job.state == "finished"
        and job.upload == ""
        and job.done == job.total == imports.records_in(json.loads(raw))
    )
    finished = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Import finished" in finished and "hx-trigger" not in finished  # polling stops
    page = client.get(response["Location"]).content.decode()
    assert "noscript" not in page.split("</head>")[0]
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', page)
    assert ("Check-ins", "2", "0") in cells and ("Reflections", "2", "0") in cells
    assert comparable(exported(alice)) == comparable(exported(bob))


def test_a_second_file_waits_for_the_first_import_to_finish(client, alice, bob):
    seed_everything(bob)
    raw = export_file(bob)
    reauthenticated(client, alice)
    upload(client, raw)
    response = upload(client, raw)
    html = response.content.decode()
    assert response.status_code == 200 and "still running" in html and "See how far it is" in html
    assert ImportJob.objects.filter(owner=alice).count() == 1
    run_background_tasks()
    # Once it has finished, the next import replaces its report.
    assert upload(client, raw).status_code == 302
    assert ImportJob.objects.filter(owner=alice).count() == 1


def test_a_worker_stopped_part_way_is_resumed_without_duplicates_and_with_the_whole_report(
    alice, bob, monkeypatch
):
    seed_everything(bob)
    data = json.loads(export_file(bob))
    for reflection in data["reflections"]:  # a file may leave ids out: those are not written twice either
        del reflection["id"]
    data["checkins"] += [{"need": "no-such-need", "date": "2026-01-01", "score": 5}] * 2
    monkeypatch.setitem(imports.WRITE_BATCH, "reflections", 1)
    monkeypatch.setattr(jobs, "REFUSED_KEPT", 1)  # the report keeps one reason, and counts both
    job = jobs.import_start(user=alice, raw=json.dumps(data).encode())
    real_write = imports._reflections_write
    calls = []

    def killed_after_one(*args):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("the worker's process ends here")  # not an Exception: nothing catches it
        real_write(*args)

    monkeypatch.setattr(imports, "_reflections_write", killed_after_one)
    with pytest.raises(SystemExit):
        jobs.run_import.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == "running" and job.counted == ["setup", "checkins", "people", "reflections"]
    assert Reflection.objects.filter(owner=alice).count() == 1  # one batch committed, the second rolled back
    halfway = job.done
    assert 0 < halfway < job.total

    monkeypatch.setattr(imports, "_reflections_write", real_write)
    run_background_tasks(sweep=False)  # the lease has not run out: the job is still held
    job.refresh_from_db()
    assert job.state == "running" and job.done == halfway
    # Nobody watches the page and no worker starts: the job's own watch task, due just after the lease, resumes it.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=62)):
        run_background_tasks(sweep=False)
    job.refresh_from_db()
    assert job.state == "finished" and job.attempts == 2 and job.done == job.total
    report = jobs.report_of(job)
    assert report["imported"]["reflections"] == 2 and report["unchanged"]["reflections"] == 0
    assert (
        report["imported"]["checkins"] == 2 and report["refused_total"] == 2 and len(report["refused"]) == 1
    )
    assert comparable(exported(alice)) == comparable(exported(bob))
    assert owned_rows(alice) == owned_rows(bob) | {"ImportedRecord": owned_rows(alice)["ImportedRecord"]}
    # The same file again adds nothing, ids or not.
    again = imports.import_data(user=alice, data=data)
    assert sum(again.imported.values()) == 0 and again.unchanged["reflections"] == 2


def test_the_same_file_sent_from_two_windows_at_once_starts_one_import(alice, bob, monkeypatch):
    seed_everything(bob)
    raw = export_file(bob)
    jobs.import_start(user=alice, raw=raw)
    # The second window looked before the first one's job was there; the database still lets only one in.
    monkeypatch.setattr(jobs, "current_job", lambda user: None)
    with pytest.raises(jobs.AlreadyImporting):
        jobs.import_start(user=alice, raw=raw)
    assert ImportJob.objects.filter(owner=alice).count() == 1


def test_a_journal_that_cannot_be_opened_stops_the_import_with_a_message(client, alice, bob, monkeypatch):
    seed_everything(bob)
    job = jobs.import_start(user=alice, raw=export_file(bob))

    def locked(*args, **kwargs):
        raise JournalLocked("a sealed text failed to open")

    monkeypatch.setattr(ImportJob, "reveal", locked)
    monkeypatch.setattr(ImportJob, "seal", locked)
    assert jobs.run_import.call(str(job.pk)) == "locked"
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.state == "failed" and job.report == "" and job.upload == ""
    client.force_login(alice)
    html = client.get(reverse("journal:import_job", args=[job.pk])).content.decode()
    assert "The import stopped" in html and "Something went wrong on our side." in html


def test_a_collision_with_a_write_elsewhere_is_retried_and_finishes(alice, bob, monkeypatch):
    seed_everything(bob)
    job = jobs.import_start(user=alice, raw=export_file(bob))
    real_write = import_needs.checkins_write
    collided = []

    def collide_once(user, items):
        if not collided:
            collided.append(1)
            raise IntegrityError("duplicate key value violates unique constraint")
        real_write(user, items)

    monkeypatch.setattr(imports, "checkins_write", collide_once)
    run_background_tasks()
    job.refresh_from_db()
    assert collided and job.state == "finished" and job.attempts == 2
    assert jobs.report_of(job)["imported"]["checkins"] == 2
    assert comparable(exported(alice)) == comparable(exported(bob))


def test_an_import_held_by_a_live_worker_is_not_taken_by_another(alice, bob):
    seed_everything(bob)
    job = jobs.import_start(user=alice, raw=export_file(bob))
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", holder="00000000-0000-4000-8000-000000000001",
        lease_until=timezone.now() + dt.timedelta(seconds=30),
    )  # fmt: skip
    assert jobs.run_import.call(str(job.pk)) == "held elsewhere or ended"
    assert jobs.resume_stopped() == 0
    assert not Need.objects.filter(owner=alice).exists()


def test_a_failure_stops_the_import_with_a_message_and_no_words_in_the_log(
    client, alice, bob, monkeypatch, caplog
):
    seed_everything(bob, text="secretword")

    def broken(*args):
        raise ValueError("could not write secretword")

    monkeypatch.setattr(imports, "_reflections_write", broken)
    reauthenticated(client, alice)
    location = upload(client, export_file(bob))["Location"]
    with caplog.at_level(logging.INFO):
        run_background_tasks()
    assert "secretword" not in caplog.text and "ValueError" in caplog.text
    html = client.get(location).content.decode()
    assert "The import stopped" in html and "Something went wrong on our side." in html
    assert "Import the same file again" in html
    job = ImportJob.objects.get(owner=alice)
    assert job.state == "failed" and job.upload == ""
    results = list(DBTaskResult.objects.values_list("args_kwargs", "traceback", "return_value"))
    assert results and all("secretword" not in str(row) for row in results)


def test_a_job_that_keeps_stopping_is_given_up(alice, bob):
    seed_everything(bob)
    job = jobs.import_start(user=alice, raw=export_file(bob))
    ImportJob.objects.filter(pk=job.pk).update(attempts=jobs.MAX_ATTEMPTS)
    assert jobs.run_import.call(str(job.pk)) == "given up"
    job.refresh_from_db()
    assert job.state == "failed" and "stopped several times" in jobs.report_of(job)["message"]


def test_another_persons_import_is_not_there(client, alice, bob):
    seed_everything(bob)
    job = jobs.import_start(user=bob, raw=export_file(bob))
    client.force_login(alice)
    assert client.get(reverse("journal:import_job", args=[job.pk])).status_code == 404


def test_the_daily_clean_up_deletes_old_reports_and_finished_tasks(alice, bob):
    seed_everything(bob)
    job = jobs.import_start(user=alice, raw=export_file(bob))
    run_background_tasks()
    recent = make_import_job(bob)
    with time_machine.travel(timezone.now() + dt.timedelta(days=jobs.KEPT_DAYS + 1)):
        ImportJob.objects.filter(pk=recent.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
        call_command("purge_trash", stdout=io.StringIO())
    assert not ImportJob.objects.filter(pk=job.pk).exists() and not DBTaskResult.objects.finished().exists()
    assert ImportJob.objects.filter(pk=recent.pk).exists()  # ended 2 days before: kept for now
