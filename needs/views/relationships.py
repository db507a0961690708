"""Relationships (stepping back): the list, with strained ones surfaced; adding one; rating how well needs are met
with each person; and pause plans."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from needs import charts, hooks
from needs.forms.fields import posted
from needs.forms.relationships import PausePlanForm, RatingForm, RelationshipForm
from needs.models.needs import Need
from needs.models.relationships import PausePlan, Relationship
from needs.privacy.crypto import reveal_each
from needs.relationships_page import overview_markup
from needs.services import relationships as relationships_services
from needs.services.accounts import local_today
from needs.services.relationships import (
    overview,
    pause_plan_delete,
    pause_plan_save,
    rating_needs,
    relationship_delete,
    relationship_ratings_save,
    relationship_update,
    removal_summary,
    strained,
)
from needs.services.writes import twin_safe


@require_safe
def relationship_list(request):
    today = local_today(request.user)
    relationships = list(
        Relationship.objects.for_user(request.user).select_related("pause_plan").order_by("created_at")
    )
    reveal_each(relationships, owner=request.user)
    rows = overview(user=request.user, relationships=relationships, today=today)
    return render(
        request,
        "needs/relationship_list.html",
        {
            "rows": rows,
            "overview_rows": overview_markup(rows, today=today),
            "any_unchosen": any(not row.chosen for row in rows),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_create(request):
    form = RelationshipForm(posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        rel = relationships_services.relationship_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Added. Rate how well your needs are met with them whenever you like.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    return render(request, "needs/relationship_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_edit(request, pk):
    rel = get_object_or_404(Relationship.objects.for_user(request.user), pk=pk)
    rel.reveal_all(owner=request.user)
    initial = {"nickname": rel.plain.nickname, "kind": rel.kind, "needs": list(rel.needs.all())}
    form = RelationshipForm(posted(request), owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        relationship_update(user=request.user, relationship=rel, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    return render(request, "needs/relationship_form.html", {"form": form, "rel": rel})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_remove(request, pk):
    """Removing someone takes their whole history, so it is asked for on a page that says what goes."""
    rel = get_object_or_404(Relationship.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        relationship_delete(relationship=rel)
        messages.success(request, "Removed, with their ratings and any pause plan.")
        return redirect("needs:relationships")
    rel.reveal_all(owner=request.user)
    summary = removal_summary(relationship=rel)
    return render(request, "needs/relationship_confirm_remove.html", {"rel": rel, "summary": summary})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_detail(request, pk):
    rel = get_object_or_404(Relationship.objects.for_user(request.user), pk=pk)
    today = local_today(request.user)
    all_needs = list(Need.objects.for_user(request.user).order_by("-importance", "name"))
    active = [need for need in all_needs if need.archived_at is None]
    asked, optional = rating_needs(relationship=rel, active=active)
    form = RatingForm(posted(request), needs=asked, optional=optional, today=today, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        date = form.cleaned_data["date"]
        ratings = [(need, date, score) for need, score in form.ratings()]
        twin_safe(relationship_ratings_save, user=request.user, relationship=rel, ratings=ratings)
        messages.success(request, "Saved.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    points = list(rel.ratings.order_by("date").values_list("need_id", "date", "score"))
    by_id = {n.pk: n for n in all_needs}
    plan = PausePlan.objects.for_user(request.user).filter(relationship=rel).first()
    if plan:
        plan.reveal_all(owner=request.user)
    rel.reveal_all(owner=request.user)
    strained_needs = strained(points, by_id, today)
    chosen = {need.pk for need in asked} if optional else set()
    return render(
        request,
        "needs/relationship_detail.html",
        {
            "rel": rel,
            "form": form,
            "chosen_any": bool(optional),
            "trend": _trend(points, by_id, chosen),
            "strained": strained_needs,
            "plan": plan,
            "sections": hooks.relationship_page_sections(request, rel, strained_needs)
            if strained_needs
            else [],
        },
    )


def _trend(points: list[tuple], needs: dict, chosen: set) -> dict | None:
    """Each rated need's line over time: the needs that matter with this person first, lowest latest first;
    up to charts.MAX_LINES drawn, every one in the tables."""
    if not points:
        return None
    period = charts.period_for([day for _, day, _ in points])
    by_need: dict = defaultdict(list)
    for need_id, day, score in points:
        if need_id in needs:
            by_need[need_id].append((day, score))
    every = []
    for need_id, found in by_need.items():
        values = charts.period_values(found, period)
        every.append((need_id not in chosen, values[-1][1], needs[need_id].name, needs[need_id], values))
    if not every:
        return None
    every.sort(key=lambda row: row[:3])
    drawn = every[: charts.MAX_LINES]
    chart = charts.need_lines_chart([(need.name, values) for *_, need, values in drawn], period=period)
    tables = [
        charts.Series(f"need-{i}", need.name, values, [], period)
        for i, (*_, need, values) in enumerate(every)
    ]
    return {"chart": chart, "period": period, "tables": tables, "hidden": len(every) - len(drawn)}


@require_http_methods(["GET", "HEAD", "POST"])
def pause_plan(request, pk):
    rel = get_object_or_404(Relationship.objects.for_user(request.user), pk=pk)
    today = local_today(request.user)
    plan = PausePlan.objects.for_user(request.user).filter(relationship=rel).first()
    if request.method == "POST" and "delete" in request.POST:
        if plan:
            pause_plan_delete(plan=plan)
        messages.success(request, "The pause plan is removed.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    initial = (
        {
            "what_must_change": plan.reveal_all(owner=request.user).what_must_change,
            "check_back_on": plan.check_back_on,
        }
        if plan
        else {}
    )
    form = PausePlanForm(posted(request), initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        twin_safe(pause_plan_save, user=request.user, relationship=rel, **form.cleaned_data)
        messages.success(request, "Your pause plan is saved. If reminders are on, we’ll nudge you that day.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    rel.reveal_all(owner=request.user)
    return render(request, "needs/pause_plan.html", {"form": form, "rel": rel})
