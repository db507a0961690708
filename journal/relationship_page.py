"""The journal's section on a strained relationship: stepping-back prompts to reflect with."""

from journal.models import Prompt, Step


def stepping_back_prompts(request, relationship, strained):
    categories = {need.category for need in strained}
    prompts = list(
        Prompt.objects.filter(is_active=True, step=Step.STEPPING_BACK, category__in=[*categories, ""])[:3]
    )
    if not prompts:
        return None
    return "journal/_stepping_back_prompts.html", {"prompts": prompts}
