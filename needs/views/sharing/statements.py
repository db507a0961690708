"""Needs statements (written from a need's page) and "how I want to be loved"."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from needs.forms.fields import posted
from needs.forms.sharing import LoveProfileForm, StatementForm
from needs.models.needs import Need
from needs.models.sharing import LoveProfile, Statement
from needs.services.sharing import love_profile_save, statement_delete, statement_save
from needs.services.writes import twin_safe

# --- Statements -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def statement_create(request, need_pk):
    need = get_object_or_404(Need.objects.for_user(request.user), pk=need_pk)
    form = StatementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        statement_save(user=request.user, need=need, **form.cleaned_data)
        messages.success(request, "Your statement is saved. Only you see it unless you put it on a card.")
        return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/sharing/statement_form.html", {"form": form, "need": need})


@require_http_methods(["GET", "HEAD", "POST"])
def statement_edit(request, pk):
    statement = get_object_or_404(Statement.objects.for_user(request.user).select_related("need"), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        need_pk = statement.need_id
        statement_delete(statement=statement)
        messages.success(request, "Statement deleted.")
        return redirect("needs:need_detail", pk=need_pk)
    form = StatementForm(posted(request), initial=vars(statement.reveal_all(owner=request.user)))
    if request.method == "POST" and form.is_valid():
        statement_save(user=request.user, need=statement.need, statement=statement, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("needs:need_detail", pk=statement.need_id)
    return render(
        request,
        "needs/sharing/statement_form.html",
        {"form": form, "need": statement.need, "statement": statement},
    )


# --- How I want to be loved -------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def love_profile(request):
    profile = LoveProfile.objects.for_user(request.user).first()
    initial = {}
    if profile:
        initial = {"text": profile.reveal_all(owner=request.user).text, "needs": list(profile.needs.all())}
    form = LoveProfileForm(posted(request), initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        twin_safe(love_profile_save, user=request.user, **form.cleaned_data)
        messages.success(request, "Saved. You can include it on any needs card.")
        return redirect("sharing:cards")
    return render(request, "needs/sharing/love_profile.html", {"form": form})
