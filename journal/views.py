"""Reflections: list and search, calendar, write and edit (with autosave and conflict handling), trash.

Every owned row is reached through `for_user(request.user)`: anyone else's is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal import services
from journal.forms import JournalFilterForm, ReflectionForm
from journal.markdown import render_markdown
from journal.models import Draft, PersonalPrompt, Prompt, Reflection
from needs import recovery
from needs.models import Need
from needs.pagecache import cached_page
from needs.services import local_today

PAGE_SIZE = 20


def _live(user):
    return Reflection.objects.for_user(user).live()


@require_safe
@cached_page(*JournalFilterForm.base_fields, "page")
def reflection_list(request):
    today = local_today(request.user)
    form = JournalFilterForm(request.GET or None, owner=request.user)
    queryset = _live(request.user)
    query = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        queryset = services.filter_reflections(
            queryset,
            need=data["need"],
            category=data["category"],
            prompt=data["prompt"],
            step=data["step"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    queryset = queryset.order_by("-date", "-created_at").prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("id", "name", "category"))
    )
    if query:
        ids = services.search_ids(user=request.user, queryset=queryset.order_by(), query=query)
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        on_page = {r.pk: r for r in queryset.filter(pk__in=list(page))}
        matches = services.search_matches(
            user=request.user, reflections=[on_page[pk] for pk in page if pk in on_page], query=query
        )
        entries = [
            {"reflection": m.reflection, "title_html": m.title_html, "excerpt_html": m.snippet_html}
            for m in matches
        ]
    else:
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        entries = []
        for reflection in page:
            body = reflection.reveal("body", owner=request.user)
            entries.append(
                {
                    "reflection": reflection,
                    "title_html": reflection.reveal("title", owner=request.user),
                    "excerpt_html": body[:220] + ("…" if len(body) > 220 else ""),
                }
            )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "journal/reflection_list.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": query,
            "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
            "params": params.urlencode(),
            "on_this_day": services.on_this_day(user=request.user, today=today),
            "today": today,
        },
    )


@require_safe
def journal_calendar(request):
    today = local_today(request.user)
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "journal/calendar.html",
        {
            "weeks": services.month_calendar(user=request.user, year=year, month=month, today=today),
            "month": first,
            "previous": previous,
            "following": following if following <= today.replace(day=1) + dt.timedelta(days=31) else None,
        },
    )


@require_safe
def reflection_detail(request, pk):
    reflection = get_object_or_404(
        Reflection.objects.for_user(request.user).select_related("prompt", "personal_prompt"), pk=pk
    )
    prompt_text = ""
    if reflection.prompt:
        prompt_text = reflection.prompt.text
    elif reflection.personal_prompt:
        prompt_text = reflection.personal_prompt.reveal("text", owner=request.user)
    return render(
        request,
        "journal/reflection_detail.html",
        {
            "reflection": reflection,
            "title": reflection.reveal("title", owner=request.user),
            "body_html": render_markdown(reflection.reveal("body", owner=request.user)),
            "needs": reflection.needs.order_by("category", "name"),
            "prompt_text": prompt_text,
        },
    )


def _first_or_none(queryset, pk):
    """The row with this pk, or None for a missing or malformed id."""
    try:
        return queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


def _initial_for_new(request, today):
    initial = {"date": today}
    if request.GET.get("prompt"):
        initial["prompt"] = _first_or_none(Prompt.objects.filter(is_active=True), request.GET["prompt"])
    if request.GET.get("personal_prompt"):
        initial["personal_prompt"] = _first_or_none(
            PersonalPrompt.objects.for_user(request.user), request.GET["personal_prompt"]
        )
    if request.GET.get("need"):
        need = _first_or_none(Need.objects.for_user(request.user).active(), request.GET["need"])
        initial["needs"] = [need] if need else []
    return initial


def _prompt_shown(form) -> str:
    """The question the form answers, to show above the text box."""
    prompt = form["prompt"].value()
    personal = form["personal_prompt"].value()
    if prompt:
        found = _first_or_none(Prompt.objects.all(), getattr(prompt, "pk", prompt))
        return found.text if found else ""
    if personal:
        found = _first_or_none(PersonalPrompt.objects.for_user(form.owner), getattr(personal, "pk", personal))
        return found.reveal("text", owner=form.owner) if found else ""
    return ""


def _draft_from(request, *, reflection=None):
    """A draft the person chose to continue (?draft=) as form data, or None."""
    draft_id = request.GET.get("draft")
    if not draft_id:
        return None, None
    draft = _first_or_none(Draft.objects.for_user(request.user).filter(reflection=reflection), draft_id)
    if draft is None:
        return None, None
    payload = services.draft_payload(draft, user=request.user)
    data = _querydict(payload)
    data["draft_id"] = str(draft.pk)
    return draft, data


def _querydict(payload: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in payload.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    return data


@recovery.keeps_text
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_create(request):
    today = local_today(request.user)
    recovered = recovery.take(request) if request.method != "POST" else None
    _, from_draft = _draft_from(request)
    if request.method == "POST":
        form = ReflectionForm(request.POST, owner=request.user, today=today)
        if form.is_valid():
            reflection = services.reflection_save(
                user=request.user, reflection=Reflection(owner=request.user), data=form.cleaned_data
            )
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
    drafts = []
    if request.method != "POST" and from_draft is None and recovered is None:
        drafts = list(Draft.objects.for_user(request.user).filter(reflection__isnull=True)[:5])
    return render(
        request,
        "journal/reflection_form.html",
        {
            "form": form,
            "prompt_text": _prompt_shown(form),
            "drafts": drafts,
            "draft_url": reverse("journal:draft_save"),
            "recovered": recovered is not None,
        },
    )


@recovery.keeps_text
@require_http_methods(["GET", "HEAD", "POST"])
def reflection_edit(request, pk):
    reflection = get_object_or_404(_live(request.user), pk=pk)
    today = local_today(request.user)
    linked = list(reflection.needs.values_list("pk", flat=True))
    conflict = None
    recovered = recovery.take(request) if request.method != "POST" else None
    draft, from_draft = _draft_from(request, reflection=reflection)
    if request.method == "POST":
        data = request.POST.copy()
        resolve = data.get("resolve")
        if resolve == "theirs":
            Draft.objects.for_user(request.user).filter(reflection=reflection).delete()
            messages.info(request, "Kept the saved version; your other changes were set aside.")
            return redirect("journal:reflection_detail", pk=reflection.pk)
        if resolve in {"mine", "merge"}:
            data["version"] = str(reflection.version)
        if resolve == "merge":
            data["body"] = _merged(data.get("body", ""), reflection.reveal("body", owner=request.user))
            form = ReflectionForm(data, owner=request.user, today=today, linked_needs=linked)
            messages.info(request, "Both versions are in the text box below. Edit them together, then save.")
        else:
            form = ReflectionForm(data, owner=request.user, today=today, linked_needs=linked)
            if form.is_valid():
                try:
                    services.reflection_save(
                        user=request.user,
                        reflection=reflection,
                        data=form.cleaned_data,
                        base_version=form.cleaned_data["version"],
                    )
                except services.Conflict as error:
                    conflict = {
                        "title": error.current.reveal("title", owner=request.user),
                        "body": error.current.reveal("body", owner=request.user),
                        "updated_at": error.current.updated_at,
                    }
                else:
                    Draft.objects.for_user(request.user).filter(reflection=reflection).delete()
                    messages.success(request, "Your changes are saved.")
                    return redirect("journal:reflection_detail", pk=reflection.pk)
    elif recovered is not None or from_draft is not None:
        form = ReflectionForm(recovered or from_draft, owner=request.user, today=today, linked_needs=linked)
        if recovered is not None:
            messages.info(
                request, "Here is everything you wrote. Nothing is saved yet — press “Save changes”."
            )
    else:
        form = ReflectionForm(
            initial={
                "date": reflection.date,
                "title": reflection.reveal("title", owner=request.user),
                "body": reflection.reveal("body", owner=request.user),
                "needs": linked,
                "anxiety": reflection.anxiety,
                "confidence": reflection.confidence,
                "prompt": reflection.prompt_id,
                "personal_prompt": reflection.personal_prompt_id,
                "version": reflection.version,
            },
            owner=request.user,
            today=today,
            linked_needs=linked,
        )
    pending = None
    if request.method != "POST" and from_draft is None and recovered is None:
        pending = (
            Draft.objects.for_user(request.user)
            .filter(reflection=reflection, updated_at__gt=reflection.updated_at)
            .first()
        )
    return render(
        request,
        "journal/reflection_form.html",
        {
            "form": form,
            "reflection": reflection,
            "conflict": conflict,
            "pending_draft": pending,
            "prompt_text": _prompt_shown(form),
            "draft_url": reverse("journal:draft_save") + f"?reflection={reflection.pk}",
        },
    )


def _merged(mine: str, theirs: str) -> str:
    if mine.strip() == theirs.strip():
        return mine
    return f"{mine.rstrip()}\n\n---\n\n(The version saved elsewhere:)\n\n{theirs.strip()}\n"


@require_POST
def draft_save(request):
    """Autosave: the form's fields, sealed, as a draft. Answers JSON for the script; the form keeps working
    without it."""
    reflection = None
    if request.GET.get("reflection"):
        reflection = _first_or_none(_live(request.user), request.GET["reflection"])
        if reflection is None:
            raise Http404
    payload = {
        name: [value.replace("\r\n", "\n") for value in request.POST.getlist(name)]
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", "draft_id", "resolve"}
    }
    if not any(v.strip() for name in ("title", "body") for v in payload.get(name, [])):
        return JsonResponse({"saved": False, "reason": "empty"})
    draft_id = request.POST.get("draft_id") or None
    try:
        draft = services.draft_save(
            user=request.user, draft_id=draft_id, payload=payload, reflection=reflection
        )
    except services.DraftGone:
        # The reflection was saved (which deletes its draft) while this autosave was on its way.
        return JsonResponse({"saved": False, "reason": "already saved"})
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse({"saved": True, "draft_id": str(draft.pk), "saved_at": saved_at.isoformat()})


@require_POST
def draft_discard(request, pk):
    draft = get_object_or_404(Draft.objects.for_user(request.user), pk=pk)
    target = reverse("journal:reflection_edit", args=[draft.reflection_id]) if draft.reflection_id else None
    draft.delete()
    messages.info(request, "The draft is discarded.")
    return redirect(target or "journal:reflection_create")


@require_POST
def reflection_delete(request, pk):
    reflection = get_object_or_404(_live(request.user), pk=pk)
    reflection.deleted_at = timezone.now()
    reflection.save(update_fields=["deleted_at"])
    messages.success(request, "Moved to the trash. You can restore it for 30 days.")
    return redirect("journal:reflection_list")


@require_safe
def trash(request):
    items = list(Reflection.objects.for_user(request.user).trashed().order_by("-deleted_at"))
    for item in items:
        item.title_text = item.reveal("title", owner=request.user)
        item.purge_on = (item.deleted_at + dt.timedelta(days=30)).date()
    return render(request, "journal/trash.html", {"items": items})


@require_POST
def reflection_restore(request, pk):
    reflection = get_object_or_404(Reflection.objects.for_user(request.user).trashed(), pk=pk)
    reflection.deleted_at = None
    reflection.save(update_fields=["deleted_at"])
    messages.success(request, "Restored.")
    return redirect("journal:reflection_detail", pk=reflection.pk)


@require_POST
def reflection_destroy(request, pk):
    reflection = get_object_or_404(Reflection.objects.for_user(request.user).trashed(), pk=pk)
    reflection.delete()
    messages.success(request, "Deleted for good.")
    return redirect("journal:trash")


@require_POST
def prompt_another(request):
    services.prompt_another(user=request.user, today=local_today(request.user))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)
