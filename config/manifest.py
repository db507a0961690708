"""The web app manifest: what a phone or computer needs to install Attune as an app of its own.

The same for everyone, signed in or not: it names no person and sets no cookie, so browsers and proxies may keep it.
"""

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

CONTENT_TYPE = "application/manifest+json"

# The light palette (static/css/app.css): the title bar takes Attune's teal, the splash screen the page's white.
THEME_COLOR = "#245257"
BACKGROUND_COLOR = "#ffffff"

# Not the static files' year: the manifest's own URL never changes, and the icon addresses it lists change with
# each release. A day is short enough for a new release's icons and long enough to spare every page load.
MAX_AGE_SECONDS = 60 * 60 * 24


def manifest_data() -> dict:
    """The manifest's fields. Icons point at the hashed static files, which browsers may keep for a year."""
    return {
        "id": "/",
        "name": "Attune",
        "short_name": "Attune",
        "description": (
            "A private journal for knowing your own needs: check in on how well they are met, write about "
            "your days, and see what changes over the months."
        ),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "lang": "en",
        "dir": "ltr",
        "categories": ["health", "lifestyle", "productivity"],
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
        "shortcuts": [
            {
                "name": "Check in",
                "short_name": "Check in",
                "description": "Rate how well your needs were met today.",
                "url": reverse("needs:checkin"),
                "icons": [
                    {"src": static("icons/shortcut-checkin-96.png"), "sizes": "96x96", "type": "image/png"}
                ],
            },
            {
                "name": "Write a reflection",
                "short_name": "Write",
                "description": "Start a new reflection for today.",
                "url": reverse("journal:reflection_create"),
                "icons": [
                    {"src": static("icons/shortcut-write-96.png"), "sizes": "96x96", "type": "image/png"}
                ],
            },
        ],
    }


@require_safe
@login_not_required
def web_manifest(request):
    body = json.dumps(manifest_data(), ensure_ascii=False, indent=2).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    # Set here, so the never-cache rule for signed-in pages (config/middleware.py) leaves this public file alone.
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response
