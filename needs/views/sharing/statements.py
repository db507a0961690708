from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from needs.forms.fields import posted
from needs.forms.sharing import LoveProfileForm, StatementForm
from needs.models.needs import Need
from needs.models.sharing import (
    LoveProfile,
    Statement,
)

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
        return redirect("sharing:cards")
    return render(request, "needs/love_profile.html", {"form": form})


@transaction.atomic
def _love_profile_save(*, user, data: dict) -> None:
    profile = LoveProfile.objects.for_user(user).first() or LoveProfile(owner=user)
    profile.seal("text", data["text"], owner=user)
    profile.save()
    profile.needs.set(data["needs"])
