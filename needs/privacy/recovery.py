"""Never lose text: a form post that can't be accepted right now (session expired, stale CSRF token) is
kept, encrypted, and handed back to the same form.

The server keeps only ciphertext (in the session); the key lives in an HttpOnly cookie in the person's
browser. Neither alone reveals the text, nothing goes into a URL, and nothing into browser storage.
Views opt in with `@keeps_text` and read what came back with `take(request)`.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

SESSION_KEY = "attune_recovery"

MAX_AGE = 60 * 60 * 6  # six hours to sign back in

SKIP_FIELDS = {"csrfmiddlewaretoken"}


def cookie_name() -> str:
    return "__Host-attune_recovery" if settings.SESSION_COOKIE_SECURE else "attune_recovery"


def keeps_text(view):
    """Mark a view whose POSTs are kept and given back when they can't be accepted."""
    view.keeps_text = True
    return view


def stash(request: HttpRequest, response: HttpResponse) -> None:
    """Keep the request's POST fields for the same path, encrypted, until `take`."""
    fields = {
        name: [value.replace("\r\n", "\n") for value in request.POST.getlist(name)]
        for name in request.POST
        if name not in SKIP_FIELDS
    }
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(fields).encode(), request.path.encode())
    request.session[SESSION_KEY] = {
        "path": request.path,
        "data": base64.urlsafe_b64encode(nonce + sealed).decode(),
    }
    response.set_cookie(
        cookie_name(),
        base64.urlsafe_b64encode(key).decode(),
        max_age=MAX_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def take(request: HttpRequest) -> QueryDict | None:
    """The kept fields for this path, once; None if there are none (or they can't be opened)."""
    if getattr(request, "attune_recovered", None) is not None:  # handed over directly (CSRF failure)
        return request.attune_recovered
    kept = request.session.get(SESSION_KEY)
    raw_key = request.COOKIES.get(cookie_name())
    if not kept or kept.get("path") != request.path or not raw_key:
        return None
    del request.session[SESSION_KEY]
    request.attune_clear_recovery_cookie = True
    try:
        key = base64.urlsafe_b64decode(raw_key)
        blob = base64.urlsafe_b64decode(kept["data"])
        fields = json.loads(AESGCM(key).decrypt(blob[:12], blob[12:], request.path.encode()))
    except (InvalidTag, ValueError):
        return None
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    return data
