"""Stepping back: relationships, how well needs are met with each person, the surfacing rule, pause plans."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from needs import charts, hooks
from needs.forms.fields import posted
from needs.forms.relationships import PausePlanForm, RatingForm, RelationshipForm
from needs.models.needs import Need
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.services.accounts import local_today
from needs.services.checkins import weekly_averages
from needs.services.relationships import STRETCH, _pause_plan_save, strained


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
    for rel in relationships:
        rel.nickname_text = rel.reveal("nickname", owner=request.user)
        rel.strained = strained(by_rel.get(rel.pk, []), needs, today)
    return render(request, "needs/relationship_list.html", {"relationships": relationships})


@require_http_methods(["GET", "HEAD", "POST"])
def relationship_create(request):
    form = RelationshipForm(posted(request))
    if request.method == "POST" and form.is_valid():
        rel = Relationship(owner=request.user, kind=form.cleaned_data["kind"])
        rel.seal("nickname", form.cleaned_data["nickname"], owner=request.user)
        rel.save()
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
        rel.delete()
        messages.success(request, "Removed, with its history.")
        return redirect("needs:relationships")
    if request.method == "POST" and form.is_valid():
        for need, score in form.ratings():
            RelationshipRating.objects.update_or_create(
                owner=request.user,
                relationship=rel,
                need=need,
                date=form.cleaned_data["date"],
                defaults={"score": score},
            )
        messages.success(request, "Saved.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    points = list(rel.ratings.order_by("date").values_list("need_id", "date", "score"))
    weekly = weekly_averages([(day, score) for _, day, score in points])
    by_id = {n.pk: n for n in Need.objects.for_user(request.user)}
    plan = PausePlan.objects.for_user(request.user).filter(relationship=rel).first()
    strained_needs = strained(points, by_id, today)
    return render(
        request,
        "needs/relationship_detail.html",
        {
            "rel": rel,
            "nickname": rel.reveal("nickname", owner=request.user),
            "form": form,
            "chart": charts.line_chart(weekly),
            "weekly": weekly,
            "strained": strained_needs,
            "plan": plan,
            "plan_text": plan.reveal("what_must_change", owner=request.user) if plan else "",
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
            plan.delete()
        messages.success(request, "The pause plan is removed.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    initial = (
        {
            "what_must_change": plan.reveal("what_must_change", owner=request.user),
            "check_back_on": plan.check_back_on,
        }
        if plan
        else {}
    )
    form = PausePlanForm(posted(request), initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            _pause_plan_save(user=request.user, rel=rel, data=form.cleaned_data)
        except IntegrityError:  # the same form sent twice at once: the twin created the plan first
            _pause_plan_save(user=request.user, rel=rel, data=form.cleaned_data)
        messages.success(request, "Your pause plan is saved. If reminders are on, we’ll nudge you that day.")
        return redirect("needs:relationship_detail", pk=rel.pk)
    return render(
        request,
        "needs/pause_plan.html",
        {"form": form, "rel": rel, "nickname": rel.reveal("nickname", owner=request.user)},
    )
