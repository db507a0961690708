"""Your data: export (JSON, Markdown, CSV), import, and deleting the account. Each asks for recent
reauthentication first (allauth)."""

from __future__ import annotations

import datetime as dt

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from journal.forms import CONFIRMATION, DeleteForm, ImportForm, RangeForm
from journal.portability import export, imports, readable
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
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
            report = imports.import_file(user=request.user, raw=upload.read())
        except imports.ImportRefused as refused:
            error = str(refused)
        except IntegrityError:
            # A check-in or reflection saved in another window during the import took a date or id the
            # import was writing: the whole import was rolled back.
            error = (
                "Something in your journal changed while the file was being imported, so nothing was imported. "
                "Import the file again: what is already here is kept."
            )
    return render(request, "journal/import.html", {"form": form, "report": report, "error": error})


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
