"""Relationships (stepping back): the list, with strained ones surfaced; adding one; rating how well needs are met
with each person; and pause plans."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from needs import charts, hooks
from needs.forms.fields import posted
from needs.forms.relationships import PausePlanForm, RatingForm, RelationshipForm
from needs.models.needs import Need
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.privacy.crypto import reveal_each
from needs.services import relationships as relationships_services
from needs.services.accounts import local_today
from needs.services.checkins import weekly_averages
from needs.services.relationships import (
    STRETCH,
    pause_plan_delete,
    pause_plan_save,
    relationship_delete,
    relationship_ratings_save,
    strained,
)
from needs.services.writes import twin_safe


@require_safe
def relationship_list(request):
    today = local_today(request.user)
    relationships = list(
        Relationship.objects.for_user(request.user).select_related("pause_plan").order_by("created_at")
    )
    needs = {n.pk: n for n in Need.objects.for_user(request.user)}
    rows = RelationshipRating.objects.for_user(request.user).filter(
        date__gt=today - dt.timedelta(days=STRETCH)
    )
    by_rel = defaultdict(list)
    for rel_id, need_id, day, score in rows.values_list("relationship_id", "need_id", "date", "score"):
        by_rel[rel_id].append((need_id, day, score))
    for rel in reveal_each(relationships, owner=request.user):
        rel.strained = strained(by_rel.get(rel.pk, []), needs, today)
    return render(request, "needs/relationship_list.html", {"relationships": relationships})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_create(request):
    form = RelationshipForm(posted(request))
    if request.method == "POST" and form.is_valid():
        rel = relationships_services.relationship_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Added. Rate how well your needs are met with them whenever you like.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    return render(request, "needs/relationship_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_detail(request, pk):
    rel = get_object_or_404(Relationship.objects.for_user(request.user), pk=pk)
    today = local_today(request.user)
    needs = list(Need.objects.for_user(request.user).active().order_by("-importance", "name"))
    form = RatingForm(posted(request), needs=needs, today=today, initial={"date": today})
    if request.method == "POST" and "delete" in request.POST:
        relationship_delete(relationship=rel)
        messages.success(request, "Removed, with its history.")
        return redirect("needs:relationships")
    if request.method == "POST" and form.is_valid():
        date = form.cleaned_data["date"]
        ratings = [(need, date, score) for need, score in form.ratings()]
        twin_safe(relationship_ratings_save, user=request.user, relationship=rel, ratings=ratings)
        messages.success(request, "Saved.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    points = list(rel.ratings.order_by("date").values_list("need_id", "date", "score"))
    weekly = weekly_averages([(day, score) for _, day, score in points])
    by_id = {n.pk: n for n in Need.objects.for_user(request.user)}
    plan = PausePlan.objects.for_user(request.user).filter(relationship=rel).first()
    if plan:
        plan.reveal_all(owner=request.user)
    rel.reveal_all(owner=request.user)
    strained_needs = strained(points, by_id, today)
    return render(
        request,
        "needs/relationship_detail.html",
        {
            "rel": rel,
            "form": form,
            "chart": charts.line_chart(weekly),
            "weekly": weekly,
            "strained": strained_needs,
            "plan": plan,
            "sections": hooks.relationship_page_sections(request, rel, strained_needs)
            if strained_needs
            else [],
        },
    )


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
