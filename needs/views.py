"""The needs inventory, the catalogue, one need's page, check-ins, the wheel and time-zone settings.

Every owned row is reached through `for_user(request.user)`: anyone else's is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs import charts, hooks, services
from needs.forms import AdoptForm, CheckInDateForm, CheckInEditForm, CheckInFormSet, NeedForm, posted
from needs.models import CATEGORY_DESCRIPTIONS, CatalogueNeed, Category, CheckIn, Need, Statement
from needs.share_views import statements_of

RANGES = {"90d": ("90 days", 90), "1y": ("1 year", 365), "all": ("All time", None)}
NAME_TAKEN_MEANWHILE = (
    "You already have a need with this name — it was added a moment ago, perhaps from another window or by a "
    "second click. Everything you wrote is still here: choose another name, or leave this page to find it in "
    "your inventory."
)


def twin_safe(write, **kwargs):
    """Run a service write once more if a unique constraint refused it.

    The service checks for the row before inserting it, but the same form sent twice at once (a double click,
    a retrying browser, a second window) can pass that check in both requests. The refused write was rolled
    back whole by the service's transaction; run again, it finds the twin's row and updates or skips it.
    """
    try:
        return write(**kwargs)
    except IntegrityError:
        return write(**kwargs)


def _save_need(form: NeedForm) -> Need | None:
    """The saved need, or None with a form error when the name was taken between the form's check and the
    write (the database's unique constraint has the last word). Nothing is stored then; the text stays in the
    form."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        name = form.cleaned_data["name"]
        clash = Need.objects.for_user(form.owner).filter(name__iexact=name).exclude(pk=form.instance.pk)
        if not clash.exists():
            raise
        if not form.instance._state.adding:
            form.instance.refresh_from_db(fields=["name"])  # the page's heading shows the name it still has
        form.add_error("name", NAME_TAKEN_MEANWHILE)
        return None


def _by_category(needs) -> list[dict]:
    groups = {value: [] for value, _ in Category.choices}
    for need in needs:
        groups[need.category].append(need)
    return [
        {"value": value, "label": label, "description": CATEGORY_DESCRIPTIONS[value], "needs": groups[value]}
        for value, label in Category.choices
    ]


@require_safe
def inventory(request):
    today = services.local_today(request.user)
    needs = list(services.with_latest_scores(Need.objects.for_user(request.user).active()))
    lines = services.sparklines(user=request.user, needs=needs, today=today)
    weeks = [services.week_start(today) - dt.timedelta(weeks=w) for w in range(11, -1, -1)]
    for need in needs:
        need.sparkline = charts.sparkline(lines.get(need.pk, []), weeks_back=weeks)
        need.weekly = lines.get(need.pk, [])
    archived = list(Need.objects.for_user(request.user).archived().order_by("name"))
    return render(
        request,
        "needs/need_list.html",
        {
            "groups": _by_category(needs),
            "need_count": len(needs),
            "archived": archived,
            "profile": services.profile_for(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def catalogue(request):
    form = AdoptForm(posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        created = twin_safe(
            services.needs_adopt,
            user=request.user,
            catalogue_needs=list(form.cleaned_data["catalogue_needs"]),
        )
        messages.success(
            request,
            f"Added {len(created)} need{'s' if len(created) != 1 else ''} to your inventory. "
            "Adjust how important each one is whenever you like.",
        )
        return redirect("needs:inventory")
    adopted = set(
        Need.objects.for_user(request.user)
        .filter(catalogue_need__isnull=False)
        .values_list("catalogue_need_id", flat=True)
    )
    selected = {str(pk) for pk in (form["catalogue_needs"].value() or [])}
    items = list(CatalogueNeed.objects.filter(is_active=True).order_by("name"))
    for item in items:
        item.adopted = item.pk in adopted
        item.selected = str(item.pk) in selected
    return render(request, "needs/catalogue_list.html", {"form": form, "groups": _by_category(items)})


@require_http_methods(["GET", "HEAD", "POST"])
def need_create(request):
    initial = {}
    if request.GET.get("category") in Category.values:
        initial["category"] = request.GET["category"]
    form = NeedForm(posted(request), owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and (need := _save_need(form)) is not None:
        messages.success(request, f"“{need.name}” is in your inventory.")
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def need_edit(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    form = NeedForm(posted(request), instance=need, owner=request.user)
    if request.method == "POST" and form.is_valid() and _save_need(form) is not None:
        messages.success(request, "Saved.")
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "need": need})


@require_safe
def need_detail(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    today = services.local_today(request.user)
    range_key = request.GET.get("range", "90d")
    if range_key not in RANGES:
        range_key = "90d"
    label, days = RANGES[range_key]
    since = today - dt.timedelta(days=max(days or 0, 60) - 1) if days else None
    points_qs = need.checkins.filter(date__lte=today)
    if since:
        points_qs = points_qs.filter(date__gte=since)
    points = list(points_qs.order_by("date").values_list("date", "score"))
    shown = [(d, s) for d, s in points if not days or d > today - dt.timedelta(days=days)]
    weekly = services.weekly_averages(shown)
    recent = list(need.checkins.order_by("-date")[:14])
    for checkin in recent:
        checkin.note_text = checkin.reveal("note", owner=request.user)
    return render(
        request,
        "needs/need_detail.html",
        {
            "need": need,
            "met_looks_like": need.reveal("met_looks_like", owner=request.user),
            "what_helps": need.reveal("what_helps", owner=request.user),
            "chart": charts.line_chart(weekly),
            "weekly": weekly,
            "range_key": range_key,
            "range_label": label,
            "ranges": RANGES,
            "comparison": services.compare_windows(points, today=today),
            "recent": recent,
            "checkin_count": len(shown),
            "sections": hooks.need_page_sections(request, need),
            "statements": statements_of(
                request.user, Statement.objects.for_user(request.user).filter(need=need)
            ),
        },
    )


@require_POST
def need_archive(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    if need.archived_at is None:
        need.archived_at = timezone.now()
        need.save(update_fields=["archived_at", "updated_at"])
    messages.success(request, f"“{need.name}” is archived. Its history is kept; restore it any time.")
    return redirect("needs:inventory")


@require_POST
def need_restore(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    need.archived_at = None
    need.save(update_fields=["archived_at", "updated_at"])
    messages.success(request, f"“{need.name}” is back in your inventory.")
    return redirect("needs:need_detail", pk=need.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def need_delete(request, pk):
    need = get_object_or_404(
        Need.objects.for_user(request.user).annotate(checkin_count=Count("checkins")), pk=pk
    )
    if request.method == "POST":
        name = need.name
        need.delete()
        messages.success(request, f"“{name}” and its history are deleted.")
        return redirect("needs:inventory")
    return render(request, "needs/need_confirm_delete.html", {"need": need})


def _checkin_date(request, today: dt.date):
    """The date the check-in page is for, from the form or ?date=, defaulting to the local today."""
    source = request.POST if request.method == "POST" else request.GET
    date_form = CheckInDateForm(source if "date" in source else None, today=today, initial={"date": today})
    if date_form.is_bound and date_form.is_valid():
        return date_form, date_form.cleaned_data["date"]
    return date_form, today


@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request):
    today = services.local_today(request.user)
    date_form, date = _checkin_date(request, today)
    active = list(Need.objects.for_user(request.user).active())
    needs_by_id = {str(n.pk): n for n in active}
    if request.method == "POST":
        formset = CheckInFormSet(request.POST, prefix="rating", form_kwargs={"needs": needs_by_id})
        date_ok = not date_form.is_bound or date_form.is_valid()  # no date given: the local today
        if date_ok and formset.is_valid():
            ratings = {
                f.cleaned_data["need"]: (f.cleaned_data["score"], f.cleaned_data["note"])
                for f in formset.forms
            }
            saved = twin_safe(services.checkins_save, user=request.user, date=date, ratings=ratings)
            if request.POST.get("quick"):
                if request.htmx:
                    return render(
                        request,
                        "needs/_quick_checkin.html#quick-checkin",
                        {
                            "quick_rows": services.quick_checkin(user=request.user, today=today),
                            "quick_saved": True,
                            "score_values": range(11),
                        },
                    )
                messages.success(request, f"Today’s check-in is saved: {saved} rated. Thank you.")
                return redirect("home")
            if saved:
                messages.success(
                    request, f"Check-in saved for {date:%A %-d %B %Y}: {saved} rated. Thank you."
                )
            else:
                messages.info(request, "Nothing was rated, so nothing changed.")
            return redirect("needs:inventory")
    else:
        existing = {c.need_id: c for c in CheckIn.objects.for_user(request.user).filter(date=date)}
        initial = []
        for need in active:
            found = existing.get(need.pk)
            initial.append(
                {
                    "need": str(need.pk),
                    "score": str(found.score) if found else "",
                    "note": found.reveal("note", owner=request.user) if found else "",
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
            "groups": _rows_by_category(formset),
        },
    )


def _rows_by_category(formset) -> list[dict]:
    groups = {value: [] for value, _ in Category.choices}
    for form in formset.forms:
        need = form.need_object
        groups[need.category if need else Category.MENTAL].append(form)
    return [{"value": v, "label": label, "rows": groups[v]} for v, label in Category.choices if groups[v]]


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_edit(request, pk):
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user).select_related("need"), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        need_pk = checkin.need_id
        checkin.delete()
        messages.success(request, "That check-in is deleted.")
        return redirect("needs:need_detail", pk=need_pk)
    initial = {"score": str(checkin.score), "note": checkin.reveal("note", owner=request.user)}
    form = CheckInEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        checkin.score = form.cleaned_data["score"]
        checkin.seal("note", form.cleaned_data["note"], owner=request.user)
        checkin.save()
        messages.success(request, f"Check-in for {checkin.date:%-d %B %Y} updated.")
        return redirect("needs:need_detail", pk=checkin.need_id)
    return render(request, "needs/checkin_edit.html", {"form": form, "checkin": checkin})


@require_safe
def wheel(request):
    today = services.local_today(request.user)
    slices = services.wheel(user=request.user, today=today)
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
