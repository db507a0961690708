"""Partner exchange: invitations, joining with a code, the side-by-side page of two connected accounts, choosing
what to share there, answering the other's needs, and ending the connection (after a page that says what goes).

A connection is reached only through `Connection.objects.for_participant(request.user)`: anyone else's is a 404.
Each person appears to the other by the name they chose (`Profile.display_name`), never by email address.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from needs.forms.fields import posted
from needs.forms.sharing import AnswerForm, DisplayNameForm, JoinForm, ShareForm
from needs.models.needs import by_category
from needs.models.sharing import Answer, Connection, Invitation, SharedNeed
from needs.privacy.crypto import reveal_each
from needs.services import sharing as sharing_services
from needs.services.accounts import local_date_of, profile_for
from needs.services.partner_news import chosen_name, connection_seen, with_names, with_news
from needs.services.sharing import (
    INVITE_DAYS,
    display_name_set,
    invitation_create,
    partner_answer_save,
    partner_share_set,
    partnership_end,
)
from needs.services.writes import twin_safe


def _connection(request, pk) -> Connection:
    connection = (
        Connection.objects.for_participant(request.user)
        .filter(pk=pk)
        .select_related("inviter__profile", "invitee__profile")
        .first()
    )
    if connection is None:
        raise Http404
    return connection


@require_http_methods(["GET", "HEAD", "POST"])
def partners(request):
    profile = profile_for(request.user)
    name_form = DisplayNameForm(posted(request), initial={"display_name": profile.display_name})
    if request.method == "POST" and name_form.is_valid():
        if "display_name" in request.POST:  # a page without the field leaves the chosen name alone
            display_name_set(user=request.user, display_name=name_form.cleaned_data["display_name"])
        invitation_create(user=request.user)
        messages.success(
            request, f"Invitation created. Send the code or link; it works once, for {INVITE_DAYS} days."
        )
        return redirect("sharing:partners")
    invitations = reveal_each(
        Invitation.objects.for_user(request.user).filter(used_at__isnull=True, expires_at__gt=timezone.now()),
        owner=request.user,
    )
    for invitation in invitations:
        invitation.last_day = local_date_of(invitation.expires_at - dt.timedelta(microseconds=1), profile)
        invitation.link = request.build_absolute_uri(
            reverse("sharing:partner_join") + f"?code={invitation.plain.code}"
        )
    news = with_news(request.user).filter(pk=OuterRef("pk"))
    connections = with_names(
        Connection.objects.for_participant(request.user)
        .select_related("inviter__profile", "invitee__profile")
        .annotate(has_news=Exists(news))
        .order_by("created_at"),
        request.user,
    )
    return render(
        request,
        "needs/sharing/partners.html",
        {"invitations": invitations, "connections": connections, "name_form": name_form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def partner_join(request):
    initial = {"code": request.GET.get("code", ""), "display_name": profile_for(request.user).display_name}
    form = JoinForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                connection = sharing_services.partner_join(user=request.user, code=form.cleaned_data["code"])
                if "display_name" in request.POST:
                    display_name_set(user=request.user, display_name=form.cleaned_data["display_name"])
        except ValidationError as refusal:
            form.add_error("code", refusal)
        else:
            messages.success(
                request, "You’re connected. Choose which needs to share — nothing is shared until you do."
            )
            return redirect("sharing:partner_detail", pk=connection.pk)
    response = render(request, "needs/sharing/partner_join.html", {"form": form})
    # The invitation link carries its code in the address: requests from this page name only the site.
    # (`no-referrer` would make browsers send `Origin: null` with the form below, which CSRF refuses.)
    response["Referrer-Policy"] = "strict-origin"
    return response


def _side(connection, person, viewer) -> list:
    """What `person` shares in the connection, under the four categories (empty ones too, so both sides line
    up), with texts opened: statements by their owner, answers (written for both people) each by its writer."""
    shared = list(
        SharedNeed.objects.filter(connection=connection, owner=person, need__archived_at__isnull=True)
        .select_related("need", "statement")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("owner"), to_attr="answer_list")
        )
        .order_by("need__name")
    )
    reveal_each([share.statement for share in shared if share.statement_id], owner=person)
    for share in shared:
        for answer in share.answer_list:
            answer.reveal_all(owner=answer.owner)
            answer.mine = answer.owner_id == viewer.pk
    return by_category(shared, category_of=lambda share: share.need.category, keep_empty=True)


@require_safe
def partner_detail(request, pk):
    connection = _connection(request, pk)
    other = connection.other(request.user)
    mine, theirs = _side(connection, request.user, request.user), _side(connection, other, request.user)
    connection_seen(connection=connection, user=request.user)
    return render(
        request,
        "needs/sharing/partner_detail.html",
        {
            "connection": connection,
            "other_name": chosen_name(other),
            "rows": list(zip(mine, theirs, strict=True)),
            "answer_form": AnswerForm(),
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
        twin_safe(partner_share_set, user=request.user, connection=connection, **form.cleaned_data)
        messages.success(request, "Saved. They see exactly these needs, and nothing else.")
        return redirect("sharing:partner_detail", pk=connection.pk)
    return render(request, "needs/sharing/partner_share.html", {"form": form, "connection": connection})


@require_POST
def partner_answer(request, pk, shared_pk):
    connection = _connection(request, pk)
    other = connection.other(request.user)
    shared = get_object_or_404(SharedNeed.objects.filter(connection=connection, owner=other), pk=shared_pk)
    shared.connection = connection
    form = AnswerForm(request.POST)
    if form.is_valid():
        partner_answer_save(user=request.user, shared=shared, **form.cleaned_data)
        messages.success(request, "Sent. They’ll see it beside their need.")
    else:
        messages.error(
            request, "Choose “I can offer this” or “Tell me more” (and keep the note under 500 characters)."
        )
    return redirect("sharing:partner_detail", pk=connection.pk)


def _what_goes(connection, user, other) -> dict:
    """How many shared needs and answers each person has in the connection: what stops being visible."""
    visible = Q(need__archived_at__isnull=True)
    shares = SharedNeed.objects.filter(connection=connection).aggregate(
        mine=Count("pk", filter=visible & Q(owner=user)), theirs=Count("pk", filter=visible & Q(owner=other))
    )
    answers = Answer.objects.filter(shared__connection=connection).aggregate(
        mine=Count("pk", filter=Q(owner=user)), theirs=Count("pk", filter=Q(owner=other))
    )
    return {
        "my_shares": shares["mine"],
        "their_shares": shares["theirs"],
        "my_answers": answers["mine"],
        "their_answers": answers["theirs"],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def partner_end(request, pk):
    """GET: what ending the connection takes away from both people, with a way back. POST: end it."""
    connection = _connection(request, pk)
    other = connection.other(request.user)
    if request.method == "POST":
        partnership_end(connection=connection)
        messages.success(
            request, "The connection is ended. Neither of you can see the other’s needs or answers any more."
        )
        return redirect("sharing:partners")
    return render(
        request,
        "needs/sharing/partner_end.html",
        {
            "connection": connection,
            "other_name": chosen_name(other),
            **_what_goes(connection, request.user, other),
        },
    )
