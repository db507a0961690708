"""Every URL pattern of the project, with sample arguments, for tests that must cover them all."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_UUID = "00000000-0000-4000-8000-000000000001"

# Sample values for URL parameters, by name. Unknown names get "1".
SAMPLES = {"app_label": "auth", "model_name": "user", "uidb36": "1", "key": "x", "url": "x"}


def _params(pattern) -> list[tuple[str, str | None]]:
    """(name, sample by type) for each parameter of a pattern."""
    if isinstance(pattern, RoutePattern):
        return [
            (name, SAMPLE_UUID if isinstance(conv, UUIDConverter) else None)
            for name, conv in pattern.converters.items()
        ]
    if isinstance(pattern, RegexPattern):
        return [(name, None) for name in pattern.regex.groupindex]
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


def url_params(name: str) -> list[str]:
    """The parameter names of one named URL."""
    for found, params in _walk(get_resolver().url_patterns, None, []):
        if found == name:
            return [p for p, _ in params]
    raise KeyError(name)


def all_urls(samples: dict | None = None) -> dict[str, str]:
    """{url name: a concrete path}, for every named pattern."""
    values = {**SAMPLES, **(samples or {})}
    urls = {}
    for name, params in _walk(get_resolver().url_patterns, None, []):
        if name in urls:
            continue
        kwargs = {p: values.get(p) or typed or "1" for p, typed in params}
        urls[name] = reverse(name, kwargs=kwargs)
    return urls
