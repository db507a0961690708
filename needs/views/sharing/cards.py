"""Needs cards: the person's list, making and revoking a card, and the public page its link opens.

A card's link works until it is revoked or, with a stop date, until that whole day is over as the owner counts
days. A revoked or expired card's link then answers a calm "no longer shared" page (410) that says nothing
about the person; any other link that doesn't work gets one uniform 404. Public pages are kept out of search
engines, caches and referrers, and limited to `CARD_RATE` opens per visitor's address and minute.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs.forms.fields import posted
from needs.forms.sharing import CardForm
from needs.models.needs import CheckIn, Need, by_category
from needs.models.sharing import Card, LoveProfile, token_hash
from needs.privacy.crypto import reveal_each
from needs.services import sharing as sharing_services
from needs.services.accounts import local_date_of, profile_for
from needs.services.sharing import card_count_open

CARD_RATE = (60, 60)  # (opens, seconds) per visitor's address: generous for people, useless for guessing


@require_safe
def cards(request):
    items = list(Card.objects.for_user(request.user).prefetch_related("needs"))
    now = timezone.now()
    profile = profile_for(request.user)
    for card in reveal_each(items, owner=request.user):
        if card.expires_at:
            # The day chosen when the card was made: the last moment the link works belongs to it.
            card.last_day = local_date_of(card.expires_at - dt.timedelta(microseconds=1), profile)
        card.link = request.build_absolute_uri(reverse("card_public", args=[card.plain.token]))
        card.active = card.revoked_at is None and (card.expires_at is None or card.expires_at > now)
    return render(
        request,
        "needs/sharing/card_list.html",
        {"cards": items, "has_profile": LoveProfile.objects.for_user(request.user).exists()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def card_create(request):
    profile = profile_for(request.user)
    form = CardForm(posted(request), owner=request.user, today=local_date_of(timezone.now(), profile))
    if request.method == "POST" and form.is_valid():
        sharing_services.card_create(user=request.user, **form.cleaned_data)
        messages.success(
            request, "Your card is ready. Copy its link below and send it to whoever you choose."
        )
        return redirect("sharing:cards")
    return render(
        request,
        "needs/sharing/card_form.html",
        {"form": form, "has_profile": LoveProfile.objects.for_user(request.user).exists()},
    )


@require_POST
def card_revoke(request, pk):
    card = get_object_or_404(Card.objects.for_user(request.user), pk=pk)
    sharing_services.card_revoke(card=card)
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
    """Count this open; True once the visitor's address opened more than the limit in this window (a cache
    that lost the count meanwhile lets the open through)."""
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
    """One answer for every link that never worked or no longer exists: unknown, altered, or deleted."""
    return _private(render(request, "needs/sharing/card_missing.html", status=404))


def _gone(request, card: Card) -> HttpResponse:
    """A card its owner revoked or that reached its stop date: said calmly, with nothing about the person."""
    revoked = card.revoked_at is not None
    return _private(render(request, "needs/sharing/card_gone.html", {"revoked": revoked}, status=410))


@login_not_required
@require_safe
def card_public(request, token):
    if _rate_limited(request):
        return _private(render(request, "needs/sharing/card_missing.html", {"slow_down": True}, status=429))
    card = Card.objects.filter(token_hash=token_hash(token)).select_related("owner").first()
    if card is None:
        return _not_found(request)
    if card.revoked_at is not None or (card.expires_at is not None and card.expires_at <= timezone.now()):
        return _gone(request, card)
    card_count_open(card=card)
    owner = card.owner
    needs = list(card.needs.filter(archived_at__isnull=True).order_by("-importance", "name"))
    if card.include_meaning:
        reveal_each(needs, owner=owner)
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
    for statement in reveal_each(card.statements.filter(need__in=needs), owner=owner):
        by_need[statement.need_id].append(statement)
    for need in needs:
        need.shared_statements = by_need.get(need.pk, [])
    profile = None
    if card.include_profile:
        profile = LoveProfile.objects.filter(owner=owner).first()
        if profile:
            profile.reveal_all(owner=owner)
    response = render(
        request,
        "needs/sharing/card_public.html",
        {"groups": by_category(needs), "profile": profile, "card": card},
    )
    return _private(response)
