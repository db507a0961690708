"""Every URL pattern of the project, with sample arguments, for tests that must cover them all."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

# Sample values for URL parameters, by name. Unknown names get "1".
SAMPLES = {"app_label": "auth", "model_name": "user", "uidb36": "1", "key": "x", "url": "x"}


def _params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(patterns, namespace: str | None, params: list[str]):
    for entry in patterns:
        here = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, inner, here)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, here


def all_urls(samples: dict | None = None) -> dict[str, str]:
    """{url name: a concrete path}, for every named pattern."""
    values = {**SAMPLES, **(samples or {})}
    urls = {}
    for name, params in _walk(get_resolver().url_patterns, None, []):
        if name in urls:
            continue
        urls[name] = reverse(name, kwargs={p: values.get(p, "1") for p in params})
    return urls
