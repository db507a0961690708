"""Site pages that belong to no subject: the front page for visitors (landing), privacy, "When you need more than
a journal", error pages, CSRF failure and the 503 page."""

import sys
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.outage import is_database_outage
from needs.privacy import recovery

# Fields never echoed back on the CSRF failure page: secrets are not "text a person wrote".
SECRET_FIELD_HINTS = ("password", "csrf", "token", "code", "secret", "otp", "key", "credential")

# Sent on again, unseen: a new reflection's one-time key, so sending the form again never stores it twice.
CARRIED_HIDDEN_FIELDS = ("form_key", recovery.WRITER_FIELD)

# A database restart or fail-over is over in seconds.
DATABASE_RETRY_AFTER_SECONDS = 5


def front_page(dashboard):
    """The view at `/`: the landing page for a visitor, `dashboard` (the journal's home) for a signed-in person."""

    @require_safe
    @login_not_required
    @never_cache
    @wraps(dashboard)
    def front(request):
        if request.user.is_authenticated:
            return dashboard(request)
        return render(request, "landing.html")

    return front


@require_safe
@login_not_required
def privacy(request):
    context = {
        "session_days": max(1, settings.SESSION_COOKIE_AGE // 86400),
        "key_destroyed_within_days": settings.ATTUNE_KEY_RETIREMENT_DAYS,
    }
    return render(request, "privacy.html", context)


@require_safe
@login_not_required
def more_help(request):
    """Where to find people who can help: open to anyone, signed in or not, as someone may need it in a hurry."""
    return render(request, "more_help.html")


@login_not_required
def csrf_failure(request, reason: str = ""):
    """The form was too old or came from elsewhere. Give the person's words back.

    A view that keeps text (`needs.privacy.recovery.keeps_text`) shows its own form again, filled in, for the person to
    read and send themselves. Any other form's fields are shown back on a generic page: with a button to send
    them again only if the form was posted from one of our own pages. A form posted from another site would
    otherwise come back as the attacker wrote it, with a fresh valid token, one click from being accepted
    (an email address added, a setting changed), so its fields are only shown, to copy.
    """
    recovered = _recover_into_view(request)
    if recovered is not None:
        return recovered
    fields = fields_sent(request)
    # Written on another person's page (someone else signed in meanwhile): shown to copy, never sent again into
    # this account.
    someone_else = (
        recovery.WRITER_FIELD in request.POST
        and request.user.is_authenticated
        and not recovery.written_by(request, request.user)
    )
    resend = bool(fields) and posted_from_this_site(request) and not someone_else
    if resend:
        get_token(request)  # a fresh token (and cookie) for the resend form below
    else:
        fields = [field for field in fields if not field.get("hidden")]  # only what a person can read
    response = render(
        request,
        "csrf_failure.html",
        {"fields": fields, "action": request.path, "resend": resend},
        status=403,
    )
    response["Cache-Control"] = "no-store"
    return response


def posted_from_this_site(request) -> bool:
    """Whether the browser says the request came from one of this site's own pages.

    `Origin` is sent with every POST by current browsers; without it, a `Referer` on this host and scheme
    will do. Neither (or `Origin: null`, or another site) is not enough.
    """
    try:
        here = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == here
    referer = request.headers.get("Referer")
    if not referer:
        return False
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" == here


def _recover_into_view(request):
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        match = resolve(request.path)
    except Resolver404:
        return None
    if not getattr(match.func, "keeps_text", False) or not recovery.written_by(request, request.user):
        return None
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    data.pop(recovery.WRITER_FIELD, None)
    for name in data:
        data.setlist(name, [value.replace("\r\n", "\n") for value in data.getlist(name)])
    request.attune_recovered = data
    request.method = "GET"
    get_token(request)  # the form below gets a fresh token (and cookie)
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = 403
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
def bad_request(request, exception=None):
    if is_database_outage(exception):  # a session that could not be saved: Django says SessionInterrupted
        return database_unavailable(request)
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def fields_sent(request) -> list[dict]:
    """The form fields a POST carried, to show back to the person: never passwords, codes or tokens."""
    fields = []
    if request.method == "POST":
        for name in request.POST:
            if name in CARRIED_HIDDEN_FIELDS:
                fields.append({"name": name, "value": request.POST[name], "hidden": True})
                continue
            if any(hint in name.lower() for hint in SECRET_FIELD_HINTS):
                continue
            values = [value for value in request.POST.getlist(name) if value.strip()]
            for value in values:
                multiline = "\n" in value or len(value) > 80
                fields.append({"name": name, "value": value, "multiline": multiline})
    return fields


@login_not_required
def server_error(request):
    # No request context: a broken database or session must not break the error page too.
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return HttpResponseServerError(loader.get_template("500.html").render())


def database_unavailable(request):
    """A calm 503 while the database is out of reach, rendered without it: no context processors (they
    would look the person up), no session. A form's fields come back in the page, as after a CSRF failure."""
    try:
        fields = fields_sent(request)
        html = loader.get_template("503.html").render(
            {
                "fields": fields,
                "action": request.path,
                "csrf_token": get_token(request),  # from the cookie, not the database
            }
        )
    except Exception:  # the error page itself must never fail: fall back to the plain one
        html = loader.get_template("500.html").render()
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
