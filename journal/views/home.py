"""The home page: the landing page for visitors, the dashboard for a signed-in person."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from journal.services.home import dashboard
from needs.pagecache import cached_page
from needs.services.accounts import local_today


@require_safe
@login_not_required
@never_cache
@cached_page()
def home(request):
    if request.user.is_authenticated:
        today = local_today(request.user)
        return render(request, "journal/home.html", dashboard(user=request.user, today=today))
    return render(request, "journal/landing.html")
