"""The journal's home for a signed-in person: the dashboard (the front page at `/` shows it; see config/urls.py)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal.services.home import dashboard
from needs.services.accounts import local_today


@require_safe
def home(request):
    today = local_today(request.user)
    return render(request, "journal/home.html", dashboard(user=request.user, today=today))
