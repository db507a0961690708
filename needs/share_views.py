"""Openness: needs statements, "how I want to be loved", needs cards (public links) and partner exchange."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs.forms import posted
from needs.models import CATEGORY_DESCRIPTIONS, Category, CheckIn, Need
from needs.openness import (
    Answer,
    Card,
    Connection,
    Invitation,
    LoveProfile,
    SharedNeed,
    Statement,
    new_token,
    token_hash,
)
from needs.openness_forms import AnswerForm, CardForm, JoinForm, LoveProfileForm, ShareForm, StatementForm
from needs.services import local_date_of, local_day_end, profile_for

CARD_RATE = (60, 60)  # opens per IP address per minute: generous for people, useless for guessing
INVITE_DAYS = 7


# --- Statements -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def statement_create(request, need_pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=need_pk)
    form = StatementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        statement = Statement(owner=request.user, need=need)
        _seal_statement(statement, form, request.user)
        messages.success(request, "Your statement is saved. Only you see it unless you put it on a card.")
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/statement_form.html", {"form": form, "need": need})


def _seal_statement(statement, form, user):
    for name in Statement.sealed_fields:
        statement.seal(name, form.cleaned_data[name], owner=user)
    statement.save()


@require_http_methods(["GET", "HEAD", "POST"])
def statement_edit(request, pk):
    statement = get_object_or_404(Statement.objects.for_user(request.user).select_related("need"), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        need_pk = statement.need_id
        statement.delete()
        messages.success(request, "Statement deleted.")
        return redirect("needs:need_detail", pk=need_pk)
    initial = {name: statement.reveal(name, owner=request.user) for name in Statement.sealed_fields}
    form = StatementForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        _seal_statement(statement, form, request.user)
        messages.success(request, "Saved.")
        return redirect("needs:need_detail", pk=statement.need_id)
    return render(
        request, "needs/statement_form.html", {"form": form, "need": statement.need, "statement": statement}
    )


def statements_of(user, statements) -> list[dict]:
    return [
        {"statement": s, **{n: s.reveal(n, owner=user) for n in Statement.sealed_fields}} for s in statements
    ]


# --- How I want to be loved -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def love_profile(request):
    profile = LoveProfile.objects.for_user(request.user).first()
    initial = {}
    if profile:
        initial = {"text": profile.reveal("text", owner=request.user), "needs": list(profile.needs.all())}
    form = LoveProfileForm(posted(request), initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            _love_profile_save(user=request.user, data=form.cleaned_data)
        except IntegrityError:  # the same form sent twice at once: the twin created the profile first
            _love_profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Saved. You can include it on any needs card.")
        return redirect("needs:cards")
    return render(request, "needs/love_profile.html", {"form": form})


@transaction.atomic
def _love_profile_save(*, user, data: dict) -> None:
    profile = LoveProfile.objects.for_user(user).first() or LoveProfile(owner=user)
    profile.seal("text", data["text"], owner=user)
    profile.save()
    profile.needs.set(data["needs"])


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
        return redirect("needs:cards")
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
    return redirect("needs:cards")


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


# --- Partner exchange -------------------------------------------------------------------------------


def _connection(request, pk) -> Connection:
    connection = (
        Connection.objects.for_participant(request.user)
        .filter(pk=pk)
        .select_related("inviter", "invitee")
        .first()
    )
    if connection is None:
        raise Http404
    return connection


@require_http_methods(["GET", "HEAD", "POST"])
def partners(request):
    profile = profile_for(request.user)
    if request.method == "POST":
        code = new_token()
        # Like a card, an invitation works until its last day is over for the person who made it.
        last_day = local_date_of(timezone.now(), profile) + dt.timedelta(days=INVITE_DAYS)
        invitation = Invitation(
            owner=request.user,
            code_hash=token_hash(code),
            expires_at=local_day_end(last_day, profile),
        )
        invitation.seal("code", code, owner=request.user)
        invitation.save()
        messages.success(
            request, f"Invitation created. Send the code or link; it works once, for {INVITE_DAYS} days."
        )
        return redirect("needs:partners")
    invitations = []
    for invitation in Invitation.objects.for_user(request.user).filter(
        used_at__isnull=True, expires_at__gt=timezone.now()
    ):
        code = invitation.reveal("code", owner=request.user)
        invitations.append(
            {
                "invitation": invitation,
                "code": code,
                "last_day": local_date_of(invitation.expires_at - dt.timedelta(microseconds=1), profile),
                "link": request.build_absolute_uri(reverse("needs:partner_join") + f"?code={code}"),
            }
        )
    connections = list(Connection.objects.for_participant(request.user).select_related("inviter", "invitee"))
    for connection in connections:
        connection.other_person = connection.other(request.user)
    return render(
        request,
        "needs/partners.html",
        {"invitations": invitations, "connections": connections, "join_form": JoinForm()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def partner_join(request):
    form = JoinForm(posted(request), initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update()
                .filter(
                    code_hash=token_hash(form.cleaned_data["code"].strip()),
                    used_at__isnull=True,
                    expires_at__gt=timezone.now(),
                )
                .first()
            )
            if invitation is None:
                form.add_error("code", "This code doesn’t work: it may be mistyped, used already or expired.")
            elif invitation.owner_id == request.user.pk:
                form.add_error("code", "That’s your own invitation — send it to the other person.")
            elif (
                Connection.objects.for_participant(request.user)
                .filter(Q(inviter_id=invitation.owner_id) | Q(invitee_id=invitation.owner_id))
                .exists()
            ):
                form.add_error("code", "You are already connected with this person.")
            else:
                invitation.used_at = timezone.now()
                invitation.save(update_fields=["used_at"])
                connection = Connection.objects.create(inviter_id=invitation.owner_id, invitee=request.user)
                messages.success(
                    request, "You’re connected. Choose which needs to share — nothing is shared until you do."
                )
                return redirect("needs:partner_detail", pk=connection.pk)
    response = render(request, "needs/partner_join.html", {"form": form})
    # The invitation link carries its code in the address: requests from this page name only the site.
    # (`no-referrer` would make browsers send `Origin: null` with the form below, which CSRF refuses.)
    response["Referrer-Policy"] = "strict-origin"
    return response


def _side(connection, person, viewer) -> list[dict]:
    shared = list(
        SharedNeed.objects.filter(connection=connection, owner=person)
        .select_related("need", "statement")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("owner")))
        .order_by("need__name")
    )
    groups = []
    for value, label in Category.choices:
        items = []
        for share in shared:
            if share.need.category != value or share.need.archived_at is not None:
                continue
            # Answers are written to be read by both people in this connection.
            answers = [
                {
                    "kind": a.get_kind_display(),
                    "note": a.reveal("note", owner=a.owner),
                    "mine": a.owner_id == viewer.pk,
                }
                for a in share.answers.all()
            ]
            statement = None
            if share.statement_id:
                statement = {n: share.statement.reveal(n, owner=person) for n in Statement.sealed_fields}
            items.append({"share": share, "need": share.need, "answers": answers, "statement": statement})
        groups.append({"value": value, "label": label, "items": items})
    return groups


@require_safe
def partner_detail(request, pk):
    connection = _connection(request, pk)
    other = connection.other(request.user)
    return render(
        request,
        "needs/partner_detail.html",
        {
            "connection": connection,
            "other": other,
            "rows": [
                {"mine": mine, "theirs": theirs}
                for mine, theirs in zip(
                    _side(connection, request.user, request.user),
                    _side(connection, other, request.user),
                    strict=True,
                )
            ],
            "answer_form": AnswerForm(),
            "descriptions": CATEGORY_DESCRIPTIONS,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def partner_share(request, pk):
    connection = _connection(request, pk)
    mine = SharedNeed.objects.filter(connection=connection, owner=request.user)
    initial = {
        "needs": list(mine.values_list("need_id", flat=True)),
        "statements": list(mine.filter(statement__isnull=False).values_list("statement_id", flat=True)),
    }
    form = ShareForm(posted(request), initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        chosen = {n.pk for n in form.cleaned_data["needs"]}
        statements = {s.need_id: s for s in form.cleaned_data["statements"]}
        with transaction.atomic():
            mine.exclude(need_id__in=chosen).delete()
            for need_id in chosen:
                SharedNeed.objects.update_or_create(
                    connection=connection, owner=request.user, need_id=need_id,
                    defaults={"statement": statements.get(need_id)},
                )  # fmt: skip
        messages.success(request, "Saved. They see exactly these needs, and nothing else.")
        return redirect("needs:partner_detail", pk=connection.pk)
    return render(request, "needs/partner_share.html", {"form": form, "connection": connection})


@require_POST
def partner_answer(request, pk, shared_pk):
    connection = _connection(request, pk)
    other = connection.other(request.user)
    shared = get_object_or_404(SharedNeed.objects.filter(connection=connection, owner=other), pk=shared_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer = Answer(owner=request.user, shared=shared, kind=form.cleaned_data["kind"])
        answer.seal("note", form.cleaned_data["note"], owner=request.user)
        answer.save()
        messages.success(request, "Sent. They’ll see it beside their need.")
    else:
        messages.error(
            request, "Choose “I can offer this” or “Tell me more” (and keep the note under 500 characters)."
        )
    return redirect("needs:partner_detail", pk=connection.pk)


@require_POST
def partner_end(request, pk):
    connection = _connection(request, pk)
    connection.ended_at = timezone.now()
    connection.save(update_fields=["ended_at"])
    messages.success(request, "The connection is ended. Neither of you can see the other’s needs any more.")
    return redirect("needs:partners")
