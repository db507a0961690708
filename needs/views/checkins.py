"""The check-in page (one date's ratings of every active need), editing one check-in, and the needs wheel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from needs import charts
from needs.forms.checkins import CheckInDateForm, CheckInEditForm, CheckInFormSet
from needs.forms.fields import posted
from needs.models.needs import Category, CheckIn, Need, by_category
from needs.privacy.crypto import reveal_each
from needs.services.accounts import local_today
from needs.services.checkins import (
    OFFLINE_ID,
    OFFLINE_SENT_KEY,
    ChangedElsewhere,
    checkin_delete,
    checkin_update,
    checkins_save,
    quick_checkin,
)
from needs.services.checkins import wheel as wheel_slices
from needs.services.writes import twin_safe


def _checkin_date(request, today: dt.date):
    """The date the check-in page is for, from the form or ?date=, defaulting to the local today."""
    source = request.POST if request.method == "POST" else request.GET
    date_form = CheckInDateForm(source if "date" in source else None, today=today, initial={"date": today})
    if date_form.is_bound and date_form.is_valid():
        return date_form, date_form.cleaned_data["date"]
    return date_form, today


@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request):
    today = local_today(request.user)
    date_form, date = _checkin_date(request, today)
    active = list(Need.objects.for_user(request.user).active())
    needs_by_id = {str(n.pk): n for n in active}
    if request.method == "POST":
        formset = CheckInFormSet(request.POST, prefix="rating", form_kwargs={"needs": needs_by_id})
        date_ok = not date_form.is_bound or date_form.is_valid()  # no date given: the local today
        if date_ok and formset.is_valid():
            # A row without a note field (the quick check-in, one written offline) keeps the saved note.
            ratings = {
                f.cleaned_data["need"]: (
                    f.cleaned_data["score"],
                    f.cleaned_data["note"] if f.add_prefix("note") in request.POST else None,
                )
                for f in formset.forms
            }
            try:
                saved = twin_safe(
                    checkins_save,
                    user=request.user,
                    date=date,
                    ratings=ratings,
                    based_on=_based_on(request.POST, formset),
                )
            except ChangedElsewhere as answer:
                return _changed_elsewhere(request, date, ratings, answer.changed)
            _confirm_offline(request)
            if request.POST.get("quick"):
                if request.htmx:
                    return render(
                        request,
                        "needs/_quick_checkin.html#quick-checkin",
                        {
                            "quick_rows": quick_checkin(user=request.user, today=today),
                            "quick_saved": True,
                        },
                    )
                if saved:
                    messages.success(request, f"Today’s check-in is saved: {saved} rated. Thank you.")
                else:
                    messages.info(request, "Nothing changed: what was saved stays as it was.")
                return redirect("home")
            if saved:
                messages.success(
                    request, f"Check-in saved for {date:%A %-d %B %Y}: {saved} rated. Thank you."
                )
            else:
                messages.info(request, "Nothing was rated, so nothing changed.")
            return redirect("needs:inventory")
    else:
        on_date = CheckIn.objects.for_user(request.user).filter(date=date)
        existing = {c.need_id: c for c in reveal_each(on_date, owner=request.user)}
        initial = []
        for need in active:
            found = existing.get(need.pk)
            initial.append(
                {
                    "need": str(need.pk),
                    "score": str(found.score) if found else "",
                    "note": found.plain.note if found else "",
                }
            )
        formset = CheckInFormSet(initial=initial, prefix="rating", form_kwargs={"needs": needs_by_id})
    return render(
        request,
        "needs/checkin_form.html",
        {
            "date_form": date_form,
            "formset": formset,
            "date": date,
            "today": today,
            "is_today": date == today,
            # A check-in kept offline that needs another look names itself, so its saving lets the browser
            # let go of it (the form carries it back when the template renders it).
            "offline_id": offline_id(request) if request.method == "POST" else None,
            "groups": by_category(formset.forms, category_of=_category_of_row),
        },
    )


def _based_on(data, formset) -> dict:
    """{need id: the score the form showed (None: none)} for rows that say what they were written against.

    Only check-ins written offline say so (`rating-N-based_on`), sent when the connection came back: the
    person may have rated the same need elsewhere meanwhile."""
    based_on = {}
    for index, form in enumerate(formset.forms):
        value = data.get(f"rating-{index}-based_on")
        if value is None:
            continue
        need = form.cleaned_data["need"]
        based_on[need.pk] = int(value) if value.isdigit() else None
    return based_on


def offline_id(request) -> str | None:
    value = request.POST.get("offline_id", "")
    return value if OFFLINE_ID.match(value) else None


def _confirm_offline(request) -> None:
    found = offline_id(request)
    if found:
        sent = request.session.get(OFFLINE_SENT_KEY, [])
        request.session[OFFLINE_SENT_KEY] = [*sent[-19:], found]


def _changed_elsewhere(request, date, ratings, changed):
    """Save nothing yet: show each rating next to the one saved elsewhere, and let the person choose. Either
    choice saves the ratings that changed nothing elsewhere; a note saved elsewhere stays with either."""
    user = request.user
    rows = [
        {
            "need": need,
            "saved": found.score,
            "saved_note": found.reveal_all(owner=user).note,
            "mine": ratings[need][0],
        }
        for need, found in changed
    ]
    mine = [(need.pk, score, note) for need, (score, note) in ratings.items() if score is not None]
    others = [row for row in mine if row[0] not in {need.pk for need, _ in changed}]
    return render(
        request,
        "needs/checkin_conflict.html",
        {
            "date": date,
            "rows": rows,
            "mine": mine,
            "others": others,
            "offline_id": offline_id(request),
            # Written without a note field: choosing either keeps the note saved elsewhere.
            "notes_stay": any(row["saved_note"] and ratings[row["need"]][1] is None for row in rows),
        },
        status=409,
    )


def _category_of_row(form) -> str:
    """A row's need's category; a row whose need isn't the person's (a tampered form) shows under the first."""
    need = form.need_object
    return need.category if need else Category.MENTAL


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_edit(request, pk):
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user).select_related("need"), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        need_pk = checkin.need_id
        checkin_delete(checkin=checkin)
        messages.success(request, "That check-in is deleted.")
        return redirect("needs:need_detail", pk=need_pk)
    initial = {"score": str(checkin.score), "note": checkin.reveal_all(owner=request.user).note}
    form = CheckInEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        checkin_update(user=request.user, checkin=checkin, **form.cleaned_data)
        messages.success(request, f"Check-in for {checkin.date:%-d %B %Y} updated.")
        return redirect("needs:need_detail", pk=checkin.need_id)
    return render(request, "needs/checkin_edit.html", {"form": form, "checkin": checkin})


@require_safe
def wheel(request):
    today = local_today(request.user)
    slices = wheel_slices(user=request.user, today=today)
    return render(
        request,
        "needs/wheel.html",
        {
            "wedges": charts.wheel(slices),
            "slices": slices,
            "today": today,
            "has_data": any(s.now for s in slices),
        },
    )
