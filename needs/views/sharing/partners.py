from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs.forms.fields import posted
from needs.forms.sharing import AnswerForm, JoinForm, ShareForm
from needs.models.needs import CATEGORY_DESCRIPTIONS, Category
from needs.models.sharing import (
    Answer,
    Connection,
    Invitation,
    SharedNeed,
    Statement,
    new_token,
    token_hash,
)
from needs.services.accounts import local_date_of, local_day_end, profile_for

INVITE_DAYS = 7


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
        return redirect("sharing:partners")
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
                "link": request.build_absolute_uri(reverse("sharing:partner_join") + f"?code={code}"),
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
                return redirect("sharing:partner_detail", pk=connection.pk)
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
        return redirect("sharing:partner_detail", pk=connection.pk)
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
    return redirect("sharing:partner_detail", pk=connection.pk)


@require_POST
def partner_end(request, pk):
    connection = _connection(request, pk)
    connection.ended_at = timezone.now()
    connection.save(update_fields=["ended_at"])
    messages.success(request, "The connection is ended. Neither of you can see the other’s needs any more.")
    return redirect("sharing:partners")
