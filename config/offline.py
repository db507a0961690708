"""Attune without a connection: the service worker (`/sw.js`), the offline page and the small state a page
asks for before sending what was written offline.

What the service worker keeps is the same for everyone: the static files of the app shell and the offline
page, which names no person. Pages a person opens signed in, and anything they wrote, are never kept by it.
What a person writes offline waits in their browser, sealed (static/js/offline.js).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from journal.models import Reflection
from needs.privacy.tags import person_tag
from needs.services.accounts import local_today, profile_for
from needs.services.checkins import OFFLINE_ID, OFFLINE_SENT_KEY, quick_checkin

SW_TEMPLATE = "offline/sw.js"
OFFLINE_TEMPLATE = "offline/offline_page.html"

# The app shell: every static file the offline page and the pages' heads load, so the offline page looks and
# works as Attune does. Only files that exist are listed (a missing icon must not stop the worker installing).
SHELL_FILES = (
    "vendor/bootstrap-5.3.9/css/bootstrap.min.css",
    "css/app.css",
    "vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "js/theme.js",
    "js/app.js",
    "js/offline.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon-180.png",
)

# The notifications' handlers, loaded into the worker when that file is part of this release.
PUSH_SCRIPT = "js/sw-push.js"


def _static_or_none(path: str) -> str | None:
    try:
        return static(path)
    except ValueError:  # not in the collected files' manifest
        return None


def shell_urls() -> list[str]:
    """The hashed static URLs the worker keeps, then the offline page."""
    found = [_static_or_none(path) for path in SHELL_FILES]
    return [url for url in found if url] + [reverse("offline_page")]


def _template_source(name: str) -> str:
    return loader.get_template(name).template.source


def cache_version(urls: list[str], push_script: str | None) -> str:
    """Changes whenever a kept file changes: hashed static names change with their contents, and the offline
    page and worker are hashed from their templates."""
    digest = hashlib.sha256()
    for part in [*urls, push_script or "", _template_source(OFFLINE_TEMPLATE), _template_source(SW_TEMPLATE)]:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _sent_offline(request) -> list[str]:
    """The ids of writing kept offline that arrived since the browser last asked, so it can let go of them:
    check-ins saved through the page they were opened in, and reflections (`?reflection=` names their forms'
    one-time keys) saved from their form."""
    sent = request.session.pop(OFFLINE_SENT_KEY, [])
    keys = [key for key in request.GET.getlist("reflection")[:50] if OFFLINE_ID.match(key)]
    if keys:
        found = Reflection.objects.for_user(request.user).filter(form_key__in=keys)
        sent += [str(key) for key in found.values_list("form_key", flat=True)]
    return sent


@require_safe
@login_not_required
def service_worker(request):
    urls = shell_urls()
    push_script = _static_or_none(PUSH_SCRIPT)
    context = {
        "version": cache_version(urls, push_script),
        "shell_json": json.dumps(urls),
        "static_prefix_json": json.dumps(settings.STATIC_URL),
        "offline_url_json": json.dumps(reverse("offline_page")),
        "push_script_json": json.dumps(push_script) if push_script else "",
    }
    response = HttpResponse(
        loader.render_to_string(SW_TEMPLATE, context), content_type="text/javascript; charset=utf-8"
    )
    # Browsers check for a new worker on each visit; no-cache makes that check reach the server every time.
    patch_cache_control(response, no_cache=True)
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
@login_not_required
def offline_page(request):
    """Rendered without the request: the page is kept by the worker for everyone, so it names no one."""
    response = HttpResponse(loader.render_to_string(OFFLINE_TEMPLATE))
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
@login_not_required
def offline_state(request):
    """What a page needs before sending writing that waited: who is signed in (as a tag), a fresh CSRF token,
    and, for someone signed in, today's date and their active needs (to write a check-in offline).

    Never stored by browsers; the worker never keeps it."""
    data = {"person": None, "csrf": get_token(request)}
    user = request.user
    if user.is_authenticated:
        data["sent"] = _sent_offline(request)
        profile = profile_for(user)
        today = local_today(user)
        data.update(
            {
                "person": person_tag(user),
                "today": today.isoformat(),
                "zone": profile.zone.key,
                "dayEnds": profile.day_ends_at.strftime("%H:%M"),
                "needs": [
                    {
                        "id": str(row.need.pk),
                        "name": row.need.name,
                        "category": row.need.category,
                        "score": row.score,
                    }
                    for row in quick_checkin(user=user, today=today)
                ],
            }
        )
    response = JsonResponse(data)
    add_never_cache_headers(response)  # no-cache, no-store, private
    return response
