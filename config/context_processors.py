"""Template context the account pages need from the request alone."""

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from needs.privacy.tags import person_tag

# Invitation links from before sharing moved to /sharing/ redirect there, so they count too.
OLD_JOIN_PATH = "/needs/partners/join/"


def invitation(request: HttpRequest) -> dict:
    """`arriving_by_invitation`: the person was sent to log in (or sign up) on their way to a partner invitation,
    so the page can say why they are here instead of greeting them as a returning member."""
    destination = request.GET.get("next", "")
    if not destination and request.method == "POST" and hasattr(request, "_post"):
        # Only a form Django has already read: an error page for a body too large to read renders here too.
        destination = request.POST.get("next", "")
    if not destination:
        return {}
    return {"arriving_by_invitation": leads_to_invitation(destination)}


def leads_to_invitation(destination: str) -> bool:
    try:
        parts = urlsplit(destination)
    except ValueError:  # not a URL at all (`http://[`): certainly not the invitation
        return False
    if parts.scheme or parts.netloc:
        return False
    if parts.path == OLD_JOIN_PATH:
        return True
    try:
        return resolve(parts.path).view_name == "sharing:partner_join"
    except Resolver404:
        return False


# Which part of the main navigation a page belongs to, by (URL namespace, URL name). A page in none of them
# (settings, your data, import and export, the account pages) lights up no section.
SECTIONS = {
    "home": {("", "home")},
    "journal": {
        ("journal", name)
        for name in (
            "reflection_list", "calendar", "reflection_create", "trash", "draft_save", "draft_discard",
            "prompt_another", "prompt_list", "prompt_create", "prompt_edit", "prompt_delete", "reflection_detail",
            "reflection_edit", "reflection_delete", "reflection_restore", "reflection_destroy",
        )
    },
    "needs": {
        ("needs", name)
        for name in (
            "inventory", "catalogue", "need_create", "need_detail", "need_edit", "need_archive", "need_restore",
            "need_delete",
        )
    },
    "checkin": {("needs", "checkin"), ("needs", "checkin_edit")},
    "insights": {
        ("journal", "insights"), ("journal", "insights_feelings"), ("journal", "insights_year"),
        ("journal", "weekly_review"),
    },
    "wheel": {("needs", "wheel")},
    "relationships": {
        ("needs", name)
        for name in (
            "relationships", "relationship_create", "relationship_detail", "pause_plan", "relationship_edit",
            "relationship_remove",
        )
    },
}  # fmt: skip
SECTION_OF = {page: section for section, pages in SECTIONS.items() for page in pages}


def navigation(request: HttpRequest) -> dict:
    """`nav_section`: the main navigation's section for this page ("" for none)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    namespace = match.namespace or ""
    if namespace == "sharing":
        return {"nav_section": "sharing"}
    return {"nav_section": SECTION_OF.get((namespace, match.url_name), "")}


def offline_person(request: HttpRequest) -> dict:
    """`offline_person`: the signed-in person's tag (as /offline/state/ gives it), so a page's offline script
    knows who is signed in without asking the server. `offline_visitor`: the page was built for someone not
    signed in. A page with neither (built without its request) says nothing about who is signed in."""
    user = getattr(request, "user", None)
    if user is None:
        return {"offline_person": "", "offline_visitor": False}
    if not user.is_authenticated:
        return {"offline_person": "", "offline_visitor": True}
    return {"offline_person": person_tag(user), "offline_visitor": False}
