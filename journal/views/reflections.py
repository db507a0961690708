"""Reflections: read, write and edit (with autosaved drafts and conflict handling), and the trash.

Every owned row is reached through `for_user(request.user)`: anyone else's is a 404.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal.forms import ReflectionForm
from journal.markdown import render_markdown
from journal.models import TRASH_DAYS, Draft, PersonalPrompt, Prompt, Reflection
from journal.services import drafts, reflections
from journal.services.reflections import first_or_none, live_reflections, merged_text
from needs.models.needs import Need
from needs.privacy import recovery
from needs.privacy.crypto import reveal_each
from needs.services.accounts import local_today

# A form sent again after the reflection it created went to the trash (or an edit saved as another window
# trashed it): the save brings it back rather than leave the person's text where it would be purged.
FROM_TRASH = "This reflection was in the trash; it is back."


@require_safe
def reflection_detail(request, pk):
    reflection = get_object_or_404(
        Reflection.objects.for_user(request.user).select_related("prompt", "personal_prompt"), pk=pk
    )
    reflection.reveal_all(owner=request.user)
    prompt_text = ""
    if reflection.prompt:
        prompt_text = reflection.prompt.text
    elif reflection.personal_prompt:
        prompt_text = reflection.personal_prompt.reveal_all(owner=request.user).text
    return render(
        request,
        "journal/reflection_detail.html",
        {
            "reflection": reflection,
            "body_html": render_markdown(reflection.plain.body),
            "needs": reflection.needs.order_by("category", "name"),
            "prompt_text": prompt_text,
        },
    )


def _initial_for_new(request, today):
    initial = {"date": today, "form_key": uuid.uuid4()}
    if request.GET.get("prompt"):
        initial["prompt"] = first_or_none(Prompt.objects.filter(is_active=True), request.GET["prompt"])
    if request.GET.get("personal_prompt"):
        initial["personal_prompt"] = first_or_none(
            PersonalPrompt.objects.for_user(request.user), request.GET["personal_prompt"]
        )
    if request.GET.get("need"):
        need = first_or_none(Need.objects.for_user(request.user).active(), request.GET["need"])
        initial["needs"] = [need] if need else []
    return initial


def _prompt_shown(form) -> dict:
    """The question the form answers, to show above the text box, and whether the page about finding help in
    person goes with it."""
    prompt = form["prompt"].value()
    personal = form["personal_prompt"].value()
    if prompt:
        found = first_or_none(Prompt.objects.all(), getattr(prompt, "pk", prompt))
        if found:
            return {"prompt_text": found.text, "prompt_points_to_help": found.points_to_help}
    elif personal:
        found = first_or_none(PersonalPrompt.objects.for_user(form.owner), getattr(personal, "pk", personal))
        if found:
            return {"prompt_text": found.reveal_all(owner=form.owner).text}
    return {"prompt_text": ""}


def _draft_data(draft, *, user) -> QueryDict:
    data = _querydict(drafts.draft_payload(draft, user=user))
    data["draft_id"] = str(draft.pk)
    # A new page is a new form: sending it is never a repeat of the page that wrote the draft.
    data["form_key"] = str(uuid.uuid4())
    return data


def _draft_from(request, *, reflection=None):
    """A draft the person chose to continue (?draft=) as form data, or None."""
    draft_id = request.GET.get("draft")
    if not draft_id:
        return None, None
    draft = first_or_none(Draft.objects.for_user(request.user).filter(reflection=reflection), draft_id)
    if draft is None:
        return None, None
    return draft, _draft_data(draft, user=request.user)


def _querydict(payload: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in payload.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    return data


def _conflict(current: Reflection, *, user, again=False, kept_at=None) -> dict:
    """The saved version shown next to the person's own (its text at `current.plain`)."""
    current.reveal_all(owner=user)
    return {"current": current, "again": again, "kept_at": kept_at}


def _conflict_form(data: QueryDict, current: Reflection, *, user, today) -> ReflectionForm:
    """The person's own fields, now answering the version the conflict view shows: choosing compares
    against that version, so a save made meanwhile brings the conflict view back with the newest text."""
    data = data.copy()
    data["version"] = str(current.version)
    linked = list(current.needs.values_list("pk", flat=True))
    return ReflectionForm(data, owner=user, today=today, linked_needs=linked)


def _edit_page(request, reflection, form, *, conflict=None, pending=None):
    return render(
        request,
        "journal/reflection_form.html",
        {
            "form": form,
            "reflection": reflection,
            "conflict": conflict,
            "pending_draft": pending,
            **_prompt_shown(form),
            "form_action": reverse("journal:reflection_edit", args=[reflection.pk]),
            "draft_url": reverse("journal:draft_save") + f"?reflection={reflection.pk}",
        },
    )


def _kept_from_elsewhere(user, reflection):
    """The newest draft written from a version that a save elsewhere replaced, holding unsaved text."""
    older = Draft.objects.for_user(user).filter(reflection=reflection, base_version__lt=reflection.version)
    return next((d for d in older if drafts.draft_differs(d, reflection, user=user)), None)


@recovery.keeps_text
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_create(request):
    today = local_today(request.user)
    recovered = recovery.take(request) if request.method != "POST" else None
    _, from_draft = _draft_from(request)
    if request.method == "POST":
        form = ReflectionForm(request.POST, owner=request.user, today=today)
        if form.is_valid():
            try:
                reflection = reflections.reflection_save(
                    user=request.user, reflection=Reflection(owner=request.user), data=form.cleaned_data
                )
            except reflections.Conflict as error:
                # This form was saved before, changed, sent again, and its reflection was edited meanwhile.
                current = error.current
                if getattr(current, "restored_from_trash", False):
                    messages.info(request, f"{FROM_TRASH} Choose below which version to keep.")
                return _edit_page(
                    request,
                    current,
                    _conflict_form(request.POST, current, user=request.user, today=today),
                    conflict=_conflict(current, user=request.user),
                )
            if getattr(reflection, "restored_from_trash", False):
                messages.success(request, f"{FROM_TRASH} Your text is saved in it.")
            else:
                messages.success(request, "Your reflection is saved.")
            return redirect("journal:reflection_detail", pk=reflection.pk)
    elif recovered is not None or from_draft is not None:
        form = ReflectionForm(recovered or from_draft, owner=request.user, today=today)
        if recovered is not None:
            messages.info(
                request, "Here is everything you wrote. Nothing is saved yet — press “Save reflection”."
            )
    else:
        form = ReflectionForm(initial=_initial_for_new(request, today), owner=request.user, today=today)
    unsaved = []
    if request.method != "POST" and from_draft is None and recovered is None:
        unsaved = list(Draft.objects.for_user(request.user).filter(reflection__isnull=True)[:5])
    return render(
        request,
        "journal/reflection_form.html",
        {
            "form": form,
            **_prompt_shown(form),
            "drafts": unsaved,
            "draft_url": reverse("journal:draft_save"),
            "recovered": recovered is not None,
        },
    )


@recovery.keeps_text
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_edit(request, pk):
    # An edit page left open while another window trashed its reflection still saves (and brings it back):
    # its text is never refused into a 404. Opening the edit page of a reflection in the trash is a 404.
    reachable = (
        Reflection.objects.for_user(request.user)
        if request.method == "POST"
        else live_reflections(request.user)
    )
    reflection = get_object_or_404(reachable, pk=pk)
    user = request.user
    today = local_today(user)
    linked = list(reflection.needs.values_list("pk", flat=True))
    recovered = recovery.take(request) if request.method != "POST" else None
    draft, from_draft = _draft_from(request, reflection=reflection)
    if request.method == "POST":
        data = request.POST.copy()
        resolve = data.get("resolve")
        if resolve in {"theirs", "merge"} and data.get("version") != str(reflection.version):
            # Saved again since the conflict view showed it: nothing is decided against text not seen.
            return _edit_page(
                request,
                reflection,
                _conflict_form(data, reflection, user=user, today=today),
                conflict=_conflict(reflection, user=user, again=True),
            )
        form = ReflectionForm(data, owner=user, today=today, linked_needs=linked)
        if resolve == "theirs":
            form.is_valid()  # only for the draft id and form key, which are checked on their own
            drafts.form_drafts_discard(
                user=user,
                draft_id=form.cleaned_data.get("draft_id"),
                form_key=form.cleaned_data.get("form_key"),
            )
            messages.info(request, "Kept the saved version; the changes from this window are discarded.")
            return redirect("journal:reflection_detail", pk=reflection.pk)
        if resolve == "merge":
            data["body"] = merged_text(data.get("body", ""), reflection.reveal_all(owner=user).body)
            form = ReflectionForm(data, owner=user, today=today, linked_needs=linked)
            messages.info(request, "Both versions are in the text box below. Edit them together, then save.")
        elif form.is_valid():
            version = form.cleaned_data["version"]
            try:
                saved = reflections.reflection_save(
                    user=user,
                    reflection=reflection,
                    data=form.cleaned_data,
                    base_version=0 if version is None else version,  # no version: never overwrite blindly
                )
            except reflections.Conflict as error:
                if getattr(error.current, "restored_from_trash", False):
                    messages.info(request, f"{FROM_TRASH} Choose below which version to keep.")
                return _edit_page(
                    request,
                    error.current,
                    _conflict_form(data, error.current, user=user, today=today),
                    conflict=_conflict(error.current, user=user, again=resolve == "mine"),
                )
            if getattr(saved, "restored_from_trash", False):
                messages.success(request, f"{FROM_TRASH} Your changes are saved in it.")
            else:
                messages.success(request, "Your changes are saved.")
            return redirect("journal:reflection_detail", pk=reflection.pk)
        return _edit_page(request, reflection, form)
    if recovered is None and from_draft is None:
        draft = _kept_from_elsewhere(user, reflection)
        from_draft = _draft_data(draft, user=user) if draft else None
    if (
        from_draft is not None
        and drafts.draft_is_stale(draft, reflection)
        and drafts.draft_differs(draft, reflection, user=user)
    ):
        # Text written here while another window saved: back, next to what was saved, to choose.
        return _edit_page(
            request,
            reflection,
            _conflict_form(from_draft, reflection, user=user, today=today),
            conflict=_conflict(reflection, user=user, kept_at=draft.updated_at),
        )
    if recovered is not None or from_draft is not None:
        form = ReflectionForm(recovered or from_draft, owner=user, today=today, linked_needs=linked)
        if recovered is not None:
            messages.info(
                request, "Here is everything you wrote. Nothing is saved yet — press “Save changes”."
            )
        return _edit_page(request, reflection, form)
    saved = reflection.reveal_all(owner=user)
    form = ReflectionForm(
        initial={
            "date": reflection.date,
            "title": saved.title,
            "body": saved.body,
            "needs": linked,
            "anxiety": reflection.anxiety,
            "confidence": reflection.confidence,
            "prompt": reflection.prompt_id,
            "personal_prompt": reflection.personal_prompt_id,
            "version": reflection.version,
            "form_key": uuid.uuid4(),
        },
        owner=user,
        today=today,
        linked_needs=linked,
    )
    pending = (
        Draft.objects.for_user(user)
        .filter(reflection=reflection, updated_at__gt=reflection.updated_at)
        .first()
    )
    return _edit_page(request, reflection, form, pending=pending)


@require_POST
def reflection_delete(request, pk):
    reflection = get_object_or_404(live_reflections(request.user), pk=pk)
    reflections.reflection_trash(reflection=reflection)
    messages.success(request, f"Moved to the trash. You can restore it for {TRASH_DAYS} days.")
    return redirect("journal:reflection_list")


@require_safe
def trash(request):
    items = reveal_each(
        Reflection.objects.for_user(request.user).trashed().order_by("-deleted_at"), owner=request.user
    )
    for item in items:
        item.purge_on = reflections.purge_on(item)
    return render(request, "journal/trash.html", {"items": items, "trash_days": TRASH_DAYS})


@require_POST
def reflection_restore(request, pk):
    reflection = get_object_or_404(Reflection.objects.for_user(request.user).trashed(), pk=pk)
    reflections.reflection_restore(reflection=reflection)
    messages.success(request, "Restored.")
    return redirect("journal:reflection_detail", pk=reflection.pk)


@require_POST
def reflection_destroy(request, pk):
    reflection = get_object_or_404(Reflection.objects.for_user(request.user).trashed(), pk=pk)
    reflections.reflection_destroy(reflection=reflection)
    messages.success(request, "Deleted for good.")
    return redirect("journal:trash")
