"""Privacy defaults that hold for every response."""

import logging

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from needs.privacy import recovery
from needs.privacy.crypto import JournalLocked

logger = logging.getLogger(__name__)


class PrivatePagesNeverCachedMiddleware:
    """Pages shown to a signed-in person are never stored by browsers or proxies.

    `never_cache` on each view would be easy to forget on the next one; this holds by construction.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response


class JournalLockedMiddleware:
    """A text that cannot be opened (wrong or missing master key) gets a calm page, never ciphertext."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, JournalLocked):
            logger.error("A sealed text could not be opened: %s", exception)
            return render(request, "journal_locked.html", status=503)
        return None


class LoginRequiredKeepingTextMiddleware(LoginRequiredMiddleware):
    """Site-wide sign-in, and a form sent after the session expired keeps its text for after sign-in."""

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if request.method == "POST" and getattr(view_func, "keeps_text", False):
            recovery.stash(request, response)
        return response

    def __call__(self, request):
        response = super().__call__(request)
        if getattr(request, "attune_clear_recovery_cookie", False):
            response.delete_cookie(recovery.cookie_name(), path="/", samesite="Lax")
        return response
