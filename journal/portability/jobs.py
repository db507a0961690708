"""Imports from the import page run in the background, on Django's tasks framework with django-tasks-db's
database backend (`manage.py worker` runs its worker). A ten-year journal takes longer than a web request may.

- The page checks the file first (`import_start`): a file that isn't an Attune export is refused at once,
  whole, and nothing is stored. A good one is stored sealed with the person's data key in an `ImportJob` row,
  and a task with only the job's id is queued.
- The task runs `import_steps`, which commits in steps: each part of the file once its records are checked and
  counted, then check-ins and reflections in batches. Every commit carries the job's progress and, once a part
  is counted, its report, in the same transaction. A worker holds a job by a lease it renews at each commit.
- A worker killed part-way (a deploy, a crash, an out-of-memory kill) leaves a job whose lease runs out. The
  next worker to start, or the progress page the person is watching, queues it again; the import goes on from
  its last commit: what was written is "already here", the report counted before is kept, nothing is added twice.
- At the end the report is kept sealed until the next import and the stored file is emptied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal.models import ImportJob
from journal.portability import other_apps
from journal.portability.checks import MAX_BYTES, ImportRefused, check_shape, parse
from journal.portability.imports import Steps, import_steps, records_in
from journal.portability.records import Report
from needs.privacy.crypto import JournalLocked

logger = logging.getLogger(__name__)

State = ImportJob.State
ENDED = (State.FINISHED, State.FAILED)
# A job that stopped this many times (a file that kills its worker each time) is stopped for good.
MAX_ATTEMPTS = 5
# The report keeps the reasons of this many refused records (the page shows as many), and the total.
REFUSED_KEPT = 200
# An ended import's report is kept this long (or until the next import), its finished task half as long.
KEPT_DAYS = 30

STEP_NAMES = {
    "": "Waiting for a moment to start",
    "setup": "Settings, needs and your own prompts",
    "checkins": "Check-ins",
    "people": "Needs statements and relationships",
    "reflections": "Reflections",
    "numbers": "The numbers behind your charts",
}


class AlreadyImporting(Exception):  # noqa: N818 - what the person is told
    pass


class LeaseLost(Exception):  # noqa: N818 - another worker holds the job now; this one stops
    pass


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATTUNE_IMPORT_LEASE_SECONDS)


def current_job(user) -> ImportJob | None:
    """The person's import that has not ended, if any."""
    return ImportJob.objects.for_user(user).exclude(state__in=ENDED).first()


def import_start(*, user, raw: bytes) -> ImportJob:
    """Check the file and queue its import. `ImportRefused` (nothing stored) for a file that isn't an Attune
    export or an export of another app Attune reads, `AlreadyImporting` while another import of theirs runs.
    Another app's file is stored converted to an Attune export (other_apps.py), with the start of its report
    (the app, what Attune can't keep of it): the worker then imports it as it imports Attune's own."""
    converted = other_apps.read(raw, user=user)
    data = converted.data
    check_shape(data)
    if converted.source:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if len(raw) > MAX_BYTES:
            raise ImportRefused(
                "This export holds more than Attune imports at once. Export a shorter period at a time and "
                "import each file."
            )
    try:
        with transaction.atomic():
            if current_job(user) is not None:
                raise AlreadyImporting
            # The last report goes when the next import starts; an import still running is never touched.
            ImportJob.objects.for_user(user).filter(state__in=ENDED).delete()
            job = ImportJob(owner=user, total=records_in(data), lease_until=timezone.now() + _lease())
            job.seal("upload", raw.decode("utf-8"), owner=user)
            if converted.source:
                sealed_report(job, Report(
                    source=converted.source, photos_skipped=converted.photos_skipped,
                    skipped=converted.skipped, skipped_total=converted.skipped_total,
                ))  # fmt: skip
            job.save()
            _enqueue(job)
            _watch(job)
    except IntegrityError:  # the same file sent from two windows at once: one import per person runs
        raise AlreadyImporting from None
    return job


def _enqueue(job: ImportJob) -> None:
    result = run_import.enqueue(str(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def _watch(job: ImportJob) -> None:
    """Look at the job again just after its lease would run out (a deferred task in the same queue): a worker
    restarted after a crash finds it there and resumes the import, whether or not anyone watches the page."""
    later = timezone.now() + _lease() + dt.timedelta(seconds=1)
    watch_import.using(run_after=later).enqueue(str(job.pk))


@task
def watch_import(job_id: str) -> str:
    """Queue the import again if its worker stopped; look again later while it has not ended."""
    job = ImportJob.objects.filter(pk=job_id).exclude(state__in=ENDED).first()
    if job is None:
        return "ended"
    resumed = resume_stopped(job_id=job_id)
    _watch(job)
    return "queued again" if resumed else "running"


def resume_stopped(*, user=None, job_id=None) -> int:
    """Queue again the imports whose worker stopped (their lease ran out and their task is not waiting in the
    queue). The worker command calls this as it starts, each job's watch task just after its lease would run
    out, the progress page for the person's own job."""
    now = timezone.now()
    jobs = ImportJob.objects.exclude(state__in=ENDED).filter(lease_until__lt=now)
    if user is not None:
        jobs = jobs.filter(owner=user)
    if job_id is not None:
        jobs = jobs.filter(pk=job_id)
    resumed = 0
    for job in jobs:
        if job.task_id and _task_waiting(job.task_id):
            continue
        # Only one of several callers at the same moment queues it: the lease moves on first. The stopped
        # worker's hold goes; were it only slow, its next step finds the job held by another and rolls back.
        with transaction.atomic():
            moved = ImportJob.objects.filter(pk=job.pk, lease_until=job.lease_until)
            if moved.update(lease_until=now + _lease(), holder=None):
                _enqueue(job)
                resumed += 1
    return resumed


def _task_waiting(task_id: str) -> bool:
    try:
        return run_import.get_result(task_id).status == TaskResultStatus.READY
    except Exception:  # pruned from the queue's table, or any other backend's answer: not waiting
        return False


class JobSteps(Steps):
    """Each step of the import, written to the job's row in the step's own transaction, under the lease."""

    def __init__(self, job: ImportJob, holder: uuid.UUID):
        super().__init__()
        self.job, self.holder = job, holder
        self.counted = frozenset(job.counted)

    def _save(self, **fields) -> None:
        fields["lease_until"] = timezone.now() + _lease()
        if not ImportJob.objects.filter(pk=self.job.pk, holder=self.holder).update(**fields):
            raise LeaseLost  # the write of this step rolls back with the transaction it is in

    def alive(self, step: str) -> None:
        self._save(step=step)

    def count(self, step: str, report: Report, *, settled: int) -> None:
        fields = {"step": step}
        if step not in self.counted:  # counted before a stop: its records are in `done` already
            self.job.counted = [*self.job.counted, step]
            fields |= {
                "counted": self.job.counted,
                "report": self._sealed(report),
                "done": F("done") + settled,
            }
        self._save(**fields)

    def wrote(self, step: str, count: int) -> None:
        self._save(step=step, done=F("done") + count)

    def finish(self, report: Report) -> None:
        self._save(
            step="numbers", state=State.FINISHED, report=self._sealed(report), upload="", holder=None,
            done=F("total"), finished_at=timezone.now(),
        )  # fmt: skip

    def _sealed(self, report: Report) -> str:
        return sealed_report(self.job, report)


def sealed_report(job: ImportJob, report: Report, message: str = "") -> str:
    kept = dataclasses.asdict(report)
    kept["refused_total"] = len(report.refused) + report.refused_dropped
    kept["refused"] = report.refused[:REFUSED_KEPT]
    kept["refused_dropped"] = kept["refused_total"] - len(kept["refused"])
    kept["message"] = message
    job.seal("report", json.dumps(kept), owner=job.owner)
    return job.report


def report_of(job: ImportJob) -> dict | None:
    """The job's report as the page shows it (counts, refused records, a message), or None before any count."""
    if not job.report:
        return None
    return json.loads(job.reveal("report", owner=job.owner))


def _loaded_report(job: ImportJob) -> Report:
    kept = report_of(job)
    if kept is None:
        return Report()
    # Every field the report keeps (reports sealed before a field was added lack it: its default stays).
    return Report(**{f.name: kept[f.name] for f in dataclasses.fields(Report) if f.name in kept})


@task
def run_import(job_id: str) -> str:
    """Run (or go on with) one import. Returns how it ended, in a word. The queue's table keeps no words of the
    person's: no exception leaves this function (a stop for good is recorded on the job instead)."""
    holder = uuid.uuid4()
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .exclude(state__in=ENDED)
        .filter(Q(holder__isnull=True) | Q(lease_until__lt=now))
        .update(state=State.RUNNING, holder=holder, lease_until=now + _lease(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return "held elsewhere or ended"
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        return _stop(
            job, holder, "The import stopped several times part-way, so it was given up.", "given up"
        )
    try:
        data = parse(job.reveal("upload", owner=job.owner).encode("utf-8"))
        check_shape(data)
        import_steps(user=job.owner, data=data, report=_loaded_report(job), steps=JobSteps(job, holder))
    except LeaseLost:
        return "lease lost"
    except IntegrityError:
        # Something saved in another window took a row this batch was writing; the batch rolled back. Checked
        # again, that row is "already here": go on from the last step.
        try:
            with transaction.atomic():
                if ImportJob.objects.filter(pk=job_id, holder=holder).update(holder=None):
                    _enqueue(job)
        except Exception:
            return _stop(job, holder, "Something went wrong on our side.", "failed")
        return "collided, queued again"
    except ImportRefused as error:
        return _stop(job, holder, str(error), "refused")
    except JournalLocked:
        return _stop(job, holder, "Your journal could not be opened.", "locked")
    except Exception as error:
        # The class only: an exception's message can hold a value from the file.
        logger.error("import job %s stopped: %s", job_id, type(error).__name__)
        return _stop(job, holder, "Something went wrong on our side.", "failed")
    return "finished"


def _stop(job: ImportJob, holder: uuid.UUID, message: str, outcome: str) -> str:
    """End the job for good with `message`, keeping the report as last committed. Never raises: when even the
    report can't be sealed (the journal's key can't be opened), the job ends without one."""
    stopped = {"state": State.FAILED, "upload": "", "holder": None, "finished_at": timezone.now()}
    try:
        job.refresh_from_db()  # the report as committed, not as a rolled-back step left it in memory
        stopped["report"] = sealed_report(job, _loaded_report(job), message)
    except Exception as error:
        logger.error("import job %s: its report could not be kept: %s", job.pk, type(error).__name__)
        stopped["report"] = ""
    try:
        ImportJob.objects.filter(pk=job.pk, holder=holder).update(**stopped)
    except Exception as error:
        logger.error("import job %s could not be stopped: %s", job.pk, type(error).__name__)
    return outcome


def imports_purge() -> int:
    """The daily clean-up (`purge_trash`): reports of imports that ended more than KEPT_DAYS ago, and the queue's
    finished tasks (their ids and outcomes only) older than half that. Returns how many reports went."""
    now = timezone.now()
    deleted, _ = ImportJob.objects.filter(
        state__in=ENDED, finished_at__lt=now - dt.timedelta(days=KEPT_DAYS)
    ).delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=now - dt.timedelta(days=KEPT_DAYS // 2)).delete()
    # A task left running by a killed worker never finishes; its job was resumed by another task long since.
    DBTaskResult.objects.running().filter(started_at__lt=now - dt.timedelta(days=KEPT_DAYS)).delete()
    return deleted
