"""The journal's home for a signed-in person: the dashboard (the front page at `/` shows it; see config/urls.py)."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from journal.services.home import dashboard
from journal.services.welcome import URL_NAMES, current_step
from needs.models.accounts import WelcomeStep
from needs.services.accounts import local_today


@require_safe
def home(request):
    step = current_step(request.user)
    if step != WelcomeStep.DONE:  # a newcomer part-way through the welcome goes back to where they were
        return redirect(URL_NAMES[step])
    today = local_today(request.user)
    return render(request, "journal/home.html", dashboard(user=request.user, today=today))
