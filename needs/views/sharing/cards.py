"""Openness: needs statements, "how I want to be loved", needs cards (public links) and partner exchange."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs.forms.fields import posted
from needs.forms.sharing import CardForm
from needs.models.needs import Category, CheckIn, Need
from needs.models.sharing import (
    Card,
    LoveProfile,
    new_token,
    token_hash,
)
from needs.services.accounts import local_date_of, local_day_end, profile_for
from needs.services.sharing import statements_of

CARD_RATE = (60, 60)  # opens per IP address per minute: generous for people, useless for guessing


# --- Needs cards ------------------------------------------------------------------------------------


@require_safe
def cards(request):
    items = list(Card.objects.for_user(request.user).prefetch_related("needs"))
    now = timezone.now()
    profile = profile_for(request.user)
    for card in items:
        if card.expires_at:
            # The day chosen when the card was made: the last moment the link works belongs to it.
            card.last_day = local_date_of(card.expires_at - dt.timedelta(microseconds=1), profile)
        card.label_text = card.reveal("label", owner=request.user)
        card.link = request.build_absolute_uri(
            reverse("card_public", args=[card.reveal("token", owner=request.user)])
        )
        card.active = card.revoked_at is None and (card.expires_at is None or card.expires_at > now)
    return render(
        request,
        "needs/card_list.html",
        {"cards": items, "has_profile": LoveProfile.objects.for_user(request.user).exists()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def card_create(request):
    profile = profile_for(request.user)
    form = CardForm(posted(request), owner=request.user, today=local_date_of(timezone.now(), profile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = new_token()
        card = Card(owner=request.user, token_hash=token_hash(token), include_profile=data["include_profile"],
                    include_scores=data["include_scores"])  # fmt: skip
        if data["expires_on"]:
            # The link works through the whole chosen day as the person counts their days.
            card.expires_at = local_day_end(data["expires_on"], profile)
        card.seal("label", data["label"], owner=request.user)
        card.seal("token", token, owner=request.user)
        card.save()
        card.needs.set(data["needs"])
        card.statements.set(data["statements"])
        messages.success(
            request, "Your card is ready. Copy its link below and send it to whoever you choose."
        )
        return redirect("sharing:cards")
    return render(
        request,
        "needs/card_form.html",
        {"form": form, "has_profile": LoveProfile.objects.for_user(request.user).exists()},
    )


@require_POST
def card_revoke(request, pk):
    card = get_object_or_404(Card.objects.for_user(request.user), pk=pk)
    card.revoked_at = card.revoked_at or timezone.now()
    card.save(update_fields=["revoked_at"])
    messages.success(request, "Revoked. The link stopped working just now.")
    return redirect("sharing:cards")


def _client_ip(request) -> str:
    """The visitor's address as allauth's rate limits see it: behind `ATTUNE_TRUSTED_PROXY_COUNT` proxies,
    the entry those proxies added to X-Forwarded-For (never one the visitor wrote), an IPv6 address by its
    /64 network. Counting the proxy's own address would make every visitor share one limit."""
    try:
        return allauth_ratelimit.get_ip(request)
    except PermissionDenied:  # no usable address at all: such visitors share one limit
        return "unknown"


def _rate_limited(request) -> bool:
    limit, window = CARD_RATE
    key = f"card-open:{_client_ip(request)}:{int(timezone.now().timestamp()) // window}"
    added = cache.add(key, 1, timeout=window * 2)
    if added:
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:
        return False


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request) -> HttpResponse:
    """One answer for every link that doesn't work: unknown, altered, expired or revoked."""
    return _private(render(request, "needs/card_missing.html", status=404))


@login_not_required
@require_safe
def card_public(request, token):
    if _rate_limited(request):
        return _private(render(request, "needs/card_missing.html", {"slow_down": True}, status=429))
    card = Card.objects.live().filter(token_hash=token_hash(token)).select_related("owner").first()
    if card is None:
        return _not_found(request)
    Card.objects.filter(pk=card.pk).update(opened_count=F("opened_count") + 1, last_opened_at=timezone.now())
    owner = card.owner
    needs = list(card.needs.filter(archived_at__isnull=True).order_by("-importance", "name"))
    if card.include_scores:
        latest = CheckIn.objects.filter(need=OuterRef("pk")).order_by("-date").values("score")[:1]
        scores = dict(
            Need.objects.filter(pk__in=[n.pk for n in needs])
            .annotate(s=Subquery(latest))
            .values_list("pk", "s")
        )
        for need in needs:
            need.latest_score = scores.get(need.pk)
    by_need = defaultdict(list)
    for item in statements_of(owner, card.statements.filter(need__in=needs)):
        by_need[item["statement"].need_id].append(item)
    for need in needs:
        need.shared_statements = by_need.get(need.pk, [])
    groups = [
        {"value": v, "label": label, "needs": [n for n in needs if n.category == v]}
        for v, label in Category.choices
        if any(n.category == v for n in needs)
    ]
    profile = None
    if card.include_profile:
        found = LoveProfile.objects.filter(owner=owner).first()
        if found:
            profile = {
                "text": found.reveal("text", owner=owner),
                "needs": list(found.needs.filter(pk__in=[n.pk for n in needs])),
            }
    response = render(request, "needs/card_public.html", {"groups": groups, "profile": profile, "card": card})
    return _private(response)
