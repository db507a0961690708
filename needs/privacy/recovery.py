"""Never lose text: a form post that can't be accepted right now (session expired, stale CSRF token) is
kept, encrypted, and handed back to the same form.

The server keeps only ciphertext (in the session); the key lives in an HttpOnly cookie in the person's
browser. Neither alone reveals the text, nothing goes into a URL, and nothing into browser storage.
Views opt in with `@keeps_text` and read what came back with `take(request)`.

Kept text goes back only to the person who wrote it: the form carries its writer's tag (`WRITER_FIELD`, from
`needs.privacy.tags`), the kept copy records it, and someone else signing in on the same browser gets nothing.
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from needs.privacy.tags import person_tag

SESSION_KEY = "attune_recovery"

MAX_AGE = 60 * 60 * 6  # six hours to sign back in

# The writer's tag, a hidden field of every form whose text is kept (templates: `{% writer_field %}`).
WRITER_FIELD = "written_by"

SKIP_FIELDS = {"csrfmiddlewaretoken", WRITER_FIELD}


def cookie_name() -> str:
    return "__Host-attune_recovery" if settings.SESSION_COOKIE_SECURE else "attune_recovery"


def keeps_text(view):
    """Mark a view whose POSTs are kept and given back when they can't be accepted."""
    view.keeps_text = True
    return view


def written_by(request: HttpRequest, user) -> bool:
    """Whether the posted form was written on a page of `user` (signed in)."""
    return bool(user and user.is_authenticated) and request.POST.get(WRITER_FIELD) == person_tag(user)


def stash(request: HttpRequest, response: HttpResponse) -> None:
    """Keep the request's POST fields for the same path, encrypted, until `take` by the form's writer. A form
    that names no writer is not kept: no one could be sure whose it is."""
    writer = request.POST.get(WRITER_FIELD, "")
    if not writer:
        return
    fields = {
        name: [value.replace("\r\n", "\n") for value in request.POST.getlist(name)]
        for name in request.POST
        if name not in SKIP_FIELDS
    }
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(fields).encode(), request.path.encode())
    request.session[SESSION_KEY] = {
        "path": request.path,
        "by": writer,
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
    """The kept fields for this path, once, for the person who wrote them; None if there are none (or they can't
    be opened, or someone else is signed in: they are not given to anyone else)."""
    if getattr(request, "attune_recovered", None) is not None:  # handed over directly (CSRF failure)
        return request.attune_recovered
    kept = request.session.get(SESSION_KEY)
    raw_key = request.COOKIES.get(cookie_name())
    if not kept or kept.get("path") != request.path or not raw_key:
        return None
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated) or kept.get("by") != person_tag(user):
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
