"""A person's own private prompts (list, add, edit, delete), and asking for another prompt of the day."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from journal.forms import PersonalPromptForm
from journal.models import PersonalPrompt
from journal.services import prompts
from needs.forms.fields import posted
from needs.privacy.crypto import reveal_each
from needs.services.accounts import local_today


@require_POST
def prompt_another(request):
    prompts.prompt_another(user=request.user, today=local_today(request.user))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)


@require_safe
def prompt_list(request):
    own = reveal_each(PersonalPrompt.objects.for_user(request.user), owner=request.user)
    return render(request, "journal/prompt_list.html", {"prompts": own})


@require_http_methods(["GET", "HEAD", "POST"])
def prompt_create(request):
    form = PersonalPromptForm(posted(request))
    if request.method == "POST" and form.is_valid():
        prompts.personal_prompt_save(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your prompt is added. It joins the pool for your prompts of the day.")
        return redirect("journal:prompt_list")
    return render(request, "journal/prompt_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def prompt_edit(request, pk):
    prompt = get_object_or_404(PersonalPrompt.objects.for_user(request.user), pk=pk)
    initial = {
        "text": prompt.reveal_all(owner=request.user).text,
        "category": prompt.category,
        "step": prompt.step,
        "is_active": prompt.is_active,
    }
    form = PersonalPromptForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        prompts.personal_prompt_save(user=request.user, data=form.cleaned_data, prompt=prompt)
        messages.success(request, "Saved.")
        return redirect("journal:prompt_list")
    return render(request, "journal/prompt_form.html", {"form": form, "prompt": prompt})


@require_POST
def prompt_delete(request, pk):
    prompt = get_object_or_404(PersonalPrompt.objects.for_user(request.user), pk=pk)
    prompts.personal_prompt_delete(prompt=prompt)
    messages.success(request, "Prompt deleted. Reflections that answered it are kept.")
    return redirect("journal:prompt_list")
