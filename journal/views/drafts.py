"""Autosaving the reflection form as a draft, and discarding a draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal.models import Draft, Reflection
from journal.services import drafts
from journal.services.reflections import first_or_none


@require_POST
def draft_save(request):
    """Autosave: the form's fields, sealed, as a draft. Answers JSON for the script; the form keeps working
    without it. A `message` in the answer is shown to the person."""
    reflection, trashed = None, False
    if request.GET.get("reflection"):
        reflection = first_or_none(Reflection.objects.for_user(request.user), request.GET["reflection"])
        if reflection is None:
            raise Http404
        if reflection.deleted_at is not None:
            # Trashed in another window: the text is kept as a draft of a new reflection, which the new
            # reflection page lists (no page lists the drafts of a reflection in the trash).
            reflection, trashed = None, True
    payload = {
        name: [value.replace("\r\n", "\n") for value in request.POST.getlist(name)]
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", "draft_id", "resolve"}
    }
    if not any(v.strip() for name in ("title", "body") for v in payload.get(name, [])):
        return JsonResponse({"saved": False, "reason": "empty"})
    draft_id = request.POST.get("draft_id") or None
    try:
        draft = drafts.draft_save(
            user=request.user, draft_id=draft_id, payload=payload, reflection=reflection
        )
    except drafts.DraftGone:
        # The draft went with a save of exactly this text: nothing here is unsaved.
        return JsonResponse({"saved": False, "reason": "already saved"})
    except drafts.DraftRefused as refusal:
        return JsonResponse({"saved": False, "reason": refusal.reason, "message": refusal.message})
    saved_at = timezone.localtime(draft.updated_at)
    answer = {"saved": True, "draft_id": str(draft.pk), "saved_at": saved_at.isoformat()}
    target = reflection if reflection and draft.reflection_id == reflection.pk else draft.reflection
    if trashed:
        answer["message"] = (
            "This reflection was moved to the trash in another window. What you write here is kept as a "
            "draft; saving brings the reflection back with your text."
        )
    elif target is not None and drafts.draft_is_stale(draft, target):
        answer["message"] = (
            "This reflection was saved in another window after you opened it here. What you write here is "
            "kept as a draft; when you save, you’ll see both versions and choose."
        )
    return JsonResponse(answer)


@require_POST
def draft_discard(request, pk):
    draft = get_object_or_404(Draft.objects.for_user(request.user), pk=pk)
    target = reverse("journal:reflection_edit", args=[draft.reflection_id]) if draft.reflection_id else None
    drafts.draft_discard(draft=draft)
    messages.info(request, "The draft is discarded.")
    return redirect(target or "journal:reflection_create")
