"""The journal's sections on needs pages: the reflections linked to a need, and stepping-back prompts for a
strained relationship."""

from journal.models import Prompt, Reflection, Step
from needs.privacy.crypto import reveal_each


def linked_reflections(request, need):
    reflections = reveal_each(
        Reflection.objects.for_user(request.user)
        .live()
        .filter(needs=need)
        .order_by("-date", "-created_at")[:10],
        owner=request.user,
    )
    total = (
        Reflection.objects.for_user(request.user).live().filter(needs=need).count()
        if len(reflections) == 10
        else len(reflections)
    )
    return "journal/_need_reflections.html", {
        "need": need,
        "linked_reflections": reflections,
        "linked_total": total,
    }


def stepping_back_prompts(request, relationship, strained):
    categories = {need.category for need in strained}
    prompts = list(
        Prompt.objects.filter(is_active=True, step=Step.STEPPING_BACK, category__in=[*categories, ""])[:3]
    )
    if not prompts:
        return None
    return "journal/_stepping_back_prompts.html", {"prompts": prompts}
