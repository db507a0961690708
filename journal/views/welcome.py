"""The first-run path (journal/services/welcome.py): four pages, each one skippable, resumable from home."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from journal.forms import ReflectionForm
from journal.models import Reflection
from journal.services import reflections
from journal.services.welcome import (
    ORDER,
    PRACTICES,
    URL_NAMES,
    current_step,
    first_question,
    step_number,
    welcome_advance,
    welcome_finish,
)
from needs.forms.checkins import CheckInFormSet
from needs.forms.fields import posted
from needs.forms.needs import AdoptForm
from needs.models.accounts import WelcomeStep
from needs.models.needs import CATEGORY_DESCRIPTIONS, Category, Need, by_category
from needs.privacy import recovery
from needs.services.accounts import local_today
from needs.services.checkins import checkins_save
from needs.services.needs import catalogue_picker, needs_adopt
from needs.services.writes import twin_safe


def _done_already(request):
    """Once the path is done or skipped it is never shown again: its pages lead home."""
    return current_step(request.user) == WelcomeStep.DONE


def _page(request, template: str, step: str, context: dict):
    context |= {"step": step, "step_number": step_number(step), "step_count": len(ORDER) - 1}
    return render(request, template, context)


@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request):
    if _done_already(request):
        return redirect("home")
    if request.method == "POST":
        return redirect(URL_NAMES[welcome_advance(user=request.user, past=WelcomeStep.INTRO)])
    categories = [(label, CATEGORY_DESCRIPTIONS[value]) for value, label in Category.choices]
    return _page(
        request,
        "journal/welcome_intro.html",
        WelcomeStep.INTRO,
        {"categories": categories, "practices": PRACTICES},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def welcome_needs(request):
    if _done_already(request):
        return redirect("home")
    form = AdoptForm(posted(request), owner=request.user)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["catalogue_needs"])
        twin_safe(needs_adopt, user=request.user, catalogue_needs=chosen)
        return redirect(URL_NAMES[welcome_advance(user=request.user, past=WelcomeStep.NEEDS)])
    return _page(
        request,
        "journal/welcome_needs.html",
        WelcomeStep.NEEDS,
        {"picker": catalogue_picker(user=request.user, query=request.GET.get("q", ""), form=form)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def welcome_checkin(request):
    if _done_already(request):
        return redirect("home")
    today = local_today(request.user)
    active = list(Need.objects.for_user(request.user).active())
    error = ""
    if request.method == "POST":
        formset = CheckInFormSet(
            request.POST, prefix="rating", form_kwargs={"needs": {str(n.pk): n for n in active}}
        )
        if formset.is_valid():
            ratings = {f.cleaned_data["need"]: (f.cleaned_data["score"], "") for f in formset.forms}
            if twin_safe(checkins_save, user=request.user, date=today, ratings=ratings):
                messages.success(request, "Your first check-in is saved.")
                return redirect(URL_NAMES[welcome_advance(user=request.user, past=WelcomeStep.CHECKIN)])
            error = "Choose a score for at least one need, or skip this step."
        else:
            error = "Some of these needs are no longer yours. The page now shows the ones you have."
    posted_scores = {
        request.POST.get(f"rating-{i}-need"): request.POST.get(f"rating-{i}-score")
        for i in range(len(active) + 1)
        if request.method == "POST"
    }
    rows = []
    for row, need in enumerate(active):
        need.row = row  # the formset's index, kept while the rows are shown by category
        score = posted_scores.get(str(need.pk))
        rows.append((need, int(score) if score and score.isdigit() else None))
    return _page(
        request,
        "journal/welcome_checkin.html",
        WelcomeStep.CHECKIN,
        {
            "groups": by_category(rows, category_of=lambda row: row[0].category),
            "count": len(rows),
            "error": error,
        },
    )


@recovery.keeps_text
@require_http_methods(["GET", "HEAD", "POST"])
def welcome_write(request):
    # Once the path is done the page is not shown again, but what it sends is still saved: the same form sent
    # again (its first answer lost, the text perhaps changed) updates the reflection it made, never drops it.
    # Words sent after the session expired (or with a form grown too old) come back here, filled in, even once
    # the path is done: they are still to be saved.
    recovered = recovery.take(request) if request.method != "POST" else None
    if _done_already(request) and request.method != "POST" and recovered is None:
        return redirect("home")
    today = local_today(request.user)
    question = first_question(user=request.user, today=today)
    if request.method == "POST":
        form = ReflectionForm(request.POST, owner=request.user, today=today)
        if form.is_valid():
            try:
                reflections.reflection_save(
                    user=request.user, reflection=Reflection(owner=request.user), data=form.cleaned_data
                )
            except (
                reflections.Conflict
            ) as conflict:  # edited in another window since this form first saved it
                messages.warning(
                    request, "This reflection was changed in another window; here is the saved one."
                )
                return redirect("journal:reflection_edit", pk=conflict.current.pk)
            welcome_finish(user=request.user)
            messages.success(request, "Your first reflection is saved. This is your home in Attune.")
            return redirect("home")
    elif recovered is not None:
        form = ReflectionForm(recovered, owner=request.user, today=today)
        messages.info(
            request, "Here is everything you wrote. Nothing is saved yet — press “Save my first reflection”."
        )
    else:
        form = ReflectionForm(
            initial={
                "date": today,
                "form_key": uuid.uuid4(),
                "prompt": question.prompt if question else None,
                "personal_prompt": question.personal if question else None,
            },
            owner=request.user,
            today=today,
        )
    return _page(
        request, "journal/welcome_write.html", WelcomeStep.WRITE, {"form": form, "question": question}
    )


@require_POST
def welcome_skip(request):
    """Skip one step (`step`), or the rest of the path (`rest`)."""
    if "rest" in request.POST:
        welcome_finish(user=request.user)
        messages.info(request, "You can find everything from the menu. Needs are a good place to begin.")
        return redirect("home")
    step = request.POST.get("step")
    if step not in WelcomeStep.values or step == WelcomeStep.DONE:
        return redirect(URL_NAMES[current_step(request.user)])
    return redirect(URL_NAMES[welcome_advance(user=request.user, past=step)])
