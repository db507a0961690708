"""Your data: export (JSON, Markdown, CSV), import, and deleting the account. Each asks for recent
reauthentication first (allauth)."""

from __future__ import annotations

import datetime as dt

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from journal.forms import CONFIRMATION, DeleteForm, ImportForm, RangeForm
from journal.models import ImportJob
from journal.portability import export, imports, jobs, readable
from journal.services.account_data import account_delete
from needs.privacy.crypto import data_key_for


@require_safe
def data_page(request):
    return render(
        request,
        "journal/data.html",
        {
            "range_form": RangeForm(),
            "import_form": ImportForm(),
            "max_mb": imports.MAX_BYTES // (1024 * 1024),
        },
    )


def _download(request, kind: str):
    form = RangeForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "journal/data.html",
            {"range_form": form, "import_form": ImportForm(), "max_mb": imports.MAX_BYTES // (1024 * 1024)},
            status=400,
        )
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    # Open the person's data key before the first byte goes out: a missing master key raises JournalLocked
    # here, and the middleware answers with the locked-journal page, not a download that breaks off.
    data_key_for(request.user)
    stamp = dt.date.today().isoformat()
    if kind == "json":
        chunks = (
            c.encode("utf-8")
            for c in export.json_chunks(user=request.user, date_from=date_from, date_to=date_to)
        )
        response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
        filename = f"attune-export-{stamp}.json"
    elif kind == "csv":
        chunks = (
            c.encode("utf-8")
            for c in readable.csv_chunks(user=request.user, date_from=date_from, date_to=date_to)
        )
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        filename = f"attune-checkins-{stamp}.csv"
    else:
        chunks = readable.markdown_zip_chunks(user=request.user, date_from=date_from, date_to=date_to)
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        filename = f"attune-journal-{stamp}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@reauthentication_required
def export_json(request):
    return _download(request, "json")


@require_safe
@reauthentication_required
def export_markdown(request):
    return _download(request, "markdown")


@require_safe
@reauthentication_required
def export_csv(request):
    return _download(request, "csv")


@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required
def import_page(request):
    """Checks the file at once (a refused file changes nothing); a good one is imported in the background and
    the person is taken to its progress."""
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
            job = jobs.import_start(user=request.user, raw=upload.read())
        except imports.ImportRefused as refused:
            error = str(refused)
        except jobs.AlreadyImporting:
            error = "An import of yours is still running. When it has finished, import this file."
        else:
            return redirect("journal:import_job", pk=job.pk)
    context = {"form": form, "error": error, "running": jobs.current_job(request.user)}
    return render(request, "journal/import.html", context)


@require_safe
def import_job(request, pk):
    """An import's progress, refreshed by htmx every second (without JavaScript, by the page every three),
    then its report. The person may leave and come back: the import goes on without the page."""
    job = get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)
    if not job.ended and jobs.resume_stopped(user=request.user):
        job.refresh_from_db()
    context = {
        "job": job,
        "step_name": jobs.STEP_NAMES.get(job.step, ""),
        "report": jobs.report_of(job) if job.ended else None,
    }
    template = "journal/_import_progress.html" if request.htmx else "journal/import_job.html"
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required
def delete_account(request):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        return redirect("journal:goodbye")
    context = {
        "form": form,
        "confirmation": CONFIRMATION,
        "key_destroyed_within_days": settings.ATTUNE_KEY_RETIREMENT_DAYS,
    }
    return render(request, "journal/delete_account.html", context)


@require_safe
@login_not_required
def goodbye(request):
    return render(request, "journal/goodbye.html")
