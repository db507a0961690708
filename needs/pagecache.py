"""A cache of a person's heaviest pages, sealed with their own data key.

The dashboard, insights, the weekly review and the journal list (with search) only change when the person
writes something, when their day turns, when staff change the shared prompts, or when the code changes.
So the finished page is kept and served again until one of those happens:

- **Keyed by everything it depends on**: `attune:page:<person id>:` and an HMAC, with a key derived from the
  person's data key, of their *generation* (a random UUID on their profile, replaced after every write), the
  shared-content generation, the release (code, settings, templates, static files, template packages, secret
  key), their local today, the HX-Request flag and the path with the query parameters the view reads. Nothing
  in it (a search word, say) can be read or guessed from the cache.
- **Sealed**: the page is stored AES-GCM-encrypted with the person's data key, bound to the key it is stored
  under. The cache (database table or Redis) never holds readable text; a destroyed data key (account
  deleted) leaves nothing that opens.
- **Forgotten by construction**: `ForgetPagesOnWriteMiddleware` replaces the person's generation and deletes
  their kept pages (and expired ones) after every request that is not GET/HEAD/OPTIONS, once the view has
  finished (its transaction committed). Code that changes someone's data outside a request (management
  commands, signals for staff edits) calls `forget(user_id)` or `forget_shared()`.
- **Per-request parts stay live**: the CSRF token is rendered as a placeholder and filled in for each
  response; a page with messages waiting is never served from, nor stored in, the cache.

`ATTUNE_PAGE_CACHE=False` turns it off (the benchmark measures both ways).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import uuid
from importlib import metadata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from needs.models.accounts import Profile
from needs.privacy.crypto import NONCE_BYTES, data_key_for
from needs.services.accounts import local_today, profile_for

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SHARED = "attune:shared-generation"
# Stands in for the CSRF token in a page that may be stored; never shown to anyone. Derived from the secret
# key so a person cannot type it into a reflection and have it replaced.
PLACEHOLDER = "csrf-" + hashlib.sha256(f"attune-csrf-placeholder|{settings.SECRET_KEY}".encode()).hexdigest()


def _cache():
    return caches["pages"]


def _prefix(user_id: int) -> str:
    return f"attune:page:{user_id}:"


def forget(*user_ids: int) -> None:
    """These people's stored pages are never served again (new generation) and are deleted now.

    One generation value serves them all: each page key is an HMAC under the person's own data key.
    """
    if user_ids:
        Profile.objects.filter(owner_id__in=user_ids).update(page_generation=uuid.uuid4())
        _delete([_prefix(user_id) for user_id in user_ids])


def forget_shared() -> None:
    """Shared content (prompts) changed: every person's pages are rebuilt on their next view."""
    _cache().set(SHARED, secrets.token_hex(16), timeout=None)


def prune() -> None:
    """Delete expired pages (Redis expires them itself; the database cache only when it grows too big)."""
    _delete([])


def _delete(prefixes: list[str]) -> None:
    """Delete the stored pages whose key starts with one of these prefixes, and every expired one."""
    cache = _cache()
    if isinstance(cache, DatabaseCache):
        table = connection.ops.quote_name(cache._table)
        # The prefixes hold only digits, letters and colons: nothing LIKE would read as a wildcard.
        conditions = ["expires < %s", *["cache_key LIKE %s"] * len(prefixes)]
        values = [timezone.now(), *[cache.make_key(prefix) + "%" for prefix in prefixes]]
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {' OR '.join(conditions)}", values)  # noqa: S608
    elif isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for prefix in prefixes:
            keys = list(client.scan_iter(match=cache.make_key(prefix) + "*", count=500))
            if keys:
                client.delete(*keys)


def _shared_generation() -> str:
    """Created (randomly, never reused) when missing, so an evicted value cannot bring old pages back."""
    cache = _cache()
    value = cache.get(SHARED)
    if value is None:
        cache.add(SHARED, secrets.token_hex(16), timeout=None)
        value = cache.get(SHARED)
    return value


@functools.cache
def release() -> str:
    """A fingerprint of the running code, settings module, templates, static files, template-rendering packages
    and secret key: a deploy never serves pages built by the one before."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder, pattern in (
        ("templates", "**/*.html"),
        ("config", "*.py"),
        ("needs", "**/*.py"),
        ("journal", "**/*.py"),
    ):
        for path in sorted((base / folder).glob(pattern)):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    for package in ("django", "django-allauth", "django-crispy-forms", "crispy-bootstrap5", "django-htmx"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    digest.update(PLACEHOLDER.encode())  # a new secret key: pages with the old placeholder are not served
    return digest.hexdigest()


def _page_key(request, data_key: bytes, *, today) -> str:
    user_generation = str(profile_for(request.user).page_generation)
    hmac_key = hmac.new(data_key, b"attune/v1|page-cache-key", hashlib.sha256).digest()
    parts = [
        str(request.user.pk),
        user_generation,
        _shared_generation(),
        release(),
        today.isoformat(),
        request.headers.get("HX-Request", ""),
        request.get_full_path(),
    ]
    return (
        _prefix(request.user.pk) + hmac.new(hmac_key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    )


def _aad(user_id: int, key: str) -> bytes:
    return f"attune/v1|{user_id}|page-cache|{key}".encode()


def _seal(data_key: bytes, user_id: int, key: str, body: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, body, _aad(user_id, key))


def _open(data_key: bytes, user_id: int, key: str, sealed: bytes) -> bytes | None:
    try:
        return AESGCM(data_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _aad(user_id, key))
    except (InvalidTag, ValueError, TypeError):
        return None  # not this person's, or damaged: build the page afresh


def _fill_csrf(request, response):
    """Put this request's CSRF token where the placeholder stands (and set the CSRF cookie if needed)."""
    placeholder = PLACEHOLDER.encode()
    if not response.streaming and placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response


def csrf_placeholder(request):
    """Context processor: while a page that may be stored renders, `csrf_token` is the placeholder."""
    if getattr(request, "attune_csrf_placeholder", False):
        return {"csrf_token": PLACEHOLDER}
    return {}


def cached_page(*params: str):
    """Serve a signed-in person's GET of the view from their sealed page cache, or build and store it.

    Only for views whose page depends on nothing but the person's own data, their local today, shared
    prompts, the path and the query parameters named here. A request with any other parameter is built and
    not stored, so nobody fills the cache with made-up addresses.
    """
    allowed = frozenset(params)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if (
                not settings.ATTUNE_PAGE_CACHE
                or request.method not in ("GET", "HEAD")
                or not user.is_authenticated
                or not allowed.issuperset(request.GET)
                or len(messages.get_messages(request))
            ):
                return view(request, *args, **kwargs)
            data_key = data_key_for(user)
            key = _page_key(request, data_key, today=local_today(user))
            sealed = _cache().get(key)
            if sealed is not None:
                body = _open(data_key, user.pk, key, sealed)
                if body is not None:
                    response = HttpResponse(body, content_type="text/html; charset=utf-8")
                    response["X-Attune-Page-Cache"] = "hit"
                    return _fill_csrf(request, response)
            request.attune_csrf_placeholder = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.attune_csrf_placeholder = False
            if (
                response.status_code == 200
                and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and not response.cookies
                and not len(messages.get_messages(request))
            ):
                _cache().set(key, _seal(data_key, user.pk, key, response.content))
                response["X-Attune-Page-Cache"] = "miss"
            return _fill_csrf(request, response)

        return wrapper

    return decorate


class ForgetPagesOnWriteMiddleware:
    """After any request that may change data (POST, PUT, PATCH, DELETE), the person's pages are forgotten.

    Done after the view returned, so a page built while the write was still open is stored under the old
    generation and never served again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        writer = user.pk if request.method not in SAFE_METHODS and user and user.is_authenticated else None
        response = self.get_response(request)
        if writer is not None:
            forget(writer)
        return response


def _shared_content_changed(sender, **kwargs):
    transaction.on_commit(forget_shared)  # a page built before the commit must not get the new generation


def _account_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every log-in saves this; nothing on the pages shows it
    transaction.on_commit(functools.partial(forget, instance.pk))


def connect_signals(*shared_content) -> None:
    """Forget every page when staff change shared content (models the apps above pass in, e.g. prompts)."""
    for model in shared_content:
        for signal in (post_save, post_delete):
            signal.connect(
                _shared_content_changed, sender=model, dispatch_uid=f"pagecache-{model._meta.label}-{signal}"
            )
    # The menu shows the account's email: staff may edit it in the admin.
    post_save.connect(_account_changed, sender=get_user_model(), dispatch_uid="pagecache-account")
