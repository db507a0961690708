"""The journal's section on a need's page: the reflections linked to that need."""

from journal.models import Reflection


def linked_reflections(request, need):
    reflections = list(
        Reflection.objects.for_user(request.user)
        .live()
        .filter(needs=need)
        .order_by("-date", "-created_at")[:10]
    )
    for reflection in reflections:
        reflection.title_text = reflection.reveal("title", owner=request.user)
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
