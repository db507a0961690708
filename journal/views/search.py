"""The journal list: every live reflection, newest first, with filters and search."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal.forms import JournalFilterForm
from journal.services import calendar, search
from journal.services.reflections import live_reflections
from needs.models.needs import Need
from needs.pagecache import cached_page
from needs.services.accounts import local_today

PAGE_SIZE = 20


def _no_referrer(view):
    """Search words ride in this page's address: links and requests from it send no Referer at all.

    Outside the page cache, so a page served from it says so too. Only for pages without a POST form or
    htmx write: under `no-referrer` browsers send `Origin: null` with those, and CSRF refuses them.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@require_safe
@_no_referrer
@cached_page(*JournalFilterForm.base_fields, "page")
def reflection_list(request):
    today = local_today(request.user)
    form = JournalFilterForm(request.GET or None, owner=request.user)
    queryset = live_reflections(request.user)
    query = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        queryset = search.filter_reflections(
            queryset,
            need=data["need"],
            category=data["category"],
            prompt=data["prompt"],
            step=data["step"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    queryset = queryset.order_by("-date", "-created_at").prefetch_related(
        Prefetch("needs", queryset=Need.objects.only("id", "name", "category"))
    )
    if query:
        ids = search.search_ids(
            user=request.user, queryset=queryset, query=query
        )  # newest first, like the list
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        on_page = {r.pk: r for r in queryset.filter(pk__in=list(page))}
        entries = search.search_matches(
            user=request.user, reflections=[on_page[pk] for pk in page if pk in on_page], query=query
        )
    else:
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        entries = search.list_entries(user=request.user, reflections=page)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "journal/reflection_list.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": query,
            "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
            "params": params.urlencode(),
            "on_this_day": calendar.on_this_day(user=request.user, today=today),
            "today": today,
        },
    )
