"""Privacy defaults that hold for every response."""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


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
