"""The needs inventory, the catalogue, and one need's pages: detail, form, archive, restore and delete.

Every owned row is reached through `for_user(request.user)`: anyone else's is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs import charts, hooks, need_page
from needs.forms.fields import posted
from needs.forms.needs import AdoptForm, NeedForm
from needs.models.needs import Category, Need, by_category
from needs.models.sharing import Statement
from needs.privacy.crypto import reveal_each
from needs.services import needs as needs_services
from needs.services.accounts import local_today, profile_for
from needs.services.checkins import need_history, recent_checkins, sparklines, week_start
from needs.services.needs import NeedNameTaken, need_save, needs_adopt, with_latest_scores
from needs.services.writes import twin_safe

# The chart ranges a need page offers: shorter than 90 days says little about one need.
NEED_RANGES = ("90d", "1y", "all")
RECENT_CHECKINS = 14  # the check-ins a need page lists

NAME_TAKEN_MEANWHILE = (
    "You already have a need with this name — it was added a moment ago, perhaps from another window or by a "
    "second click. Everything you wrote is still here: choose another name, or leave this page to find it in "
    "your inventory."
)


def _save_need(form: NeedForm, need: Need | None = None) -> Need | None:
    """The saved need, or None with a form error when the name was taken between the form's check and the
    write (the database's unique constraint has the last word). Nothing is stored then; the text stays in the
    form."""
    try:
        return need_save(user=form.owner, need=need, **form.cleaned_data)
    except NeedNameTaken:
        if need is not None:
            need.refresh_from_db(fields=["name"])  # the page's heading shows the name it still has
        form.add_error("name", NAME_TAKEN_MEANWHILE)
        return None


@require_safe
def inventory(request):
    today = local_today(request.user)
    needs = list(with_latest_scores(Need.objects.for_user(request.user).active()))
    lines = sparklines(user=request.user, needs=needs, today=today)
    weeks = [week_start(today) - dt.timedelta(weeks=w) for w in range(11, -1, -1)]
    for need in needs:
        need.sparkline = charts.sparkline(lines.get(need.pk, []), weeks_back=weeks)
        need.weekly = lines.get(need.pk, [])
    archived = list(Need.objects.for_user(request.user).archived().order_by("name"))
    return render(
        request,
        "needs/need_list.html",
        {
            "groups": by_category(needs, keep_empty=True),
            "need_count": len(needs),
            "archived": archived,
            "profile": profile_for(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def catalogue(request):
    form = AdoptForm(posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        created = twin_safe(
            needs_adopt,
            user=request.user,
            catalogue_needs=list(form.cleaned_data["catalogue_needs"]),
        )
        messages.success(
            request,
            f"Added {len(created)} need{'s' if len(created) != 1 else ''} to your inventory. "
            "Adjust how important each one is whenever you like.",
        )
        return redirect("needs:inventory")
    picker = needs_services.catalogue_picker(user=request.user, query=request.GET.get("q", ""), form=form)
    return render(request, "needs/catalogue_list.html", {"picker": picker})


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
    if request.method == "POST" and form.is_valid() and _save_need(form, need) is not None:
        messages.success(request, "Saved.")
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "need": need})


@require_safe
def need_detail(request, pk):
    # Whether it has statements comes with the need: most have none, and then they cost no query of their own.
    statements = Statement.objects.for_user(request.user).filter(need=OuterRef("pk"))
    need = get_object_or_404(
        Need.objects.for_user(request.user).annotate(has_statements=Exists(statements)), pk=pk
    )
    today = local_today(request.user)
    range_key, label, days = charts.chosen_range(request.GET.get("range"), offered=NEED_RANGES)
    history = need_history(owner=request.user, need=need, today=today, days=days, recent=RECENT_CHECKINS)
    need.reveal_all(owner=request.user)
    recent = history.recent if history.recent is not None else recent_checkins(need, RECENT_CHECKINS)
    chart = charts.line_chart(history.weekly)
    return render(
        request,
        "needs/need_detail.html",
        {
            "need": need,
            "chart": chart,
            "chart_axes": need_page.chart_axes_markup(chart) if chart else "",
            "chart_dots": need_page.chart_dots_markup(chart, need.category) if chart else "",
            "chart_summary": need_page.chart_summary(history.weekly, history.checkin_count, label)
            if chart
            else "",
            "weekly": history.weekly,
            "range_key": range_key,
            "range_label": label,
            "range_links": need_page.range_links(charts.offered_ranges(NEED_RANGES), range_key),
            "comparison": history.comparison,
            "recent": need_page.recent_checkins_markup(recent, owner=request.user),
            "checkin_count": history.checkin_count,
            "sections": hooks.need_page_sections(request, need),
            "statements": reveal_each(
                Statement.objects.for_user(request.user).filter(need=need), owner=request.user
            )
            if need.has_statements
            else [],
        },
    )


@require_POST
def need_archive(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    needs_services.need_archive(need=need)
    messages.success(request, f"“{need.name}” is archived. Its history is kept; restore it any time.")
    return redirect("needs:inventory")


@require_POST
def need_restore(request, pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=pk)
    needs_services.need_restore(need=need)
    messages.success(request, f"“{need.name}” is back in your inventory.")
    return redirect("needs:need_detail", pk=need.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def need_delete(request, pk):
    need = get_object_or_404(
        Need.objects.for_user(request.user).annotate(checkin_count=Count("checkins")), pk=pk
    )
    if request.method == "POST":
        name = need.name
        needs_services.need_delete(need=need)
        messages.success(request, f"“{name}” and its history are deleted.")
        return redirect("needs:inventory")
    return render(request, "needs/need_confirm_delete.html", {"need": need})
