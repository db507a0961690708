"""The journal list: every live reflection, newest first, with filters and search."""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from journal.forms import JournalFilterForm
from journal.services import calendar, list_markup, search, search_index
from journal.services.reflections import LiveReflections, live_reflections
from needs.services.accounts import local_today

PAGE_SIZE = 20


def _no_referrer(view):
    """Search words ride in this page's address: links and requests from it send no Referer at all.

    Only for pages without a POST form or htmx write: under `no-referrer` browsers send `Origin: null` with
    those, and CSRF refuses them.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@require_safe
@_no_referrer
def reflection_list(request):
    today = local_today(request.user)
    form = JournalFilterForm(request.GET or None, owner=request.user)
    query, found, filters = "", None, {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            found = search_index.query_parse(data["q"])
            if found.refusal:
                form.add_error("q", found.refusal)
                found = None
            else:
                query = data["q"].strip()
        filters = {
            name: data[name] for name in ("need", "category", "prompt", "step", "date_from", "date_to")
        }
    narrowed = any(filters.values())
    count = None
    if found and not narrowed:
        # Counted in the index alone, so a word found in years of reflections costs no read of them.
        count = search_index.matching_count(user=request.user, query=found)
    if count == 0:
        queryset = []  # no reflection holds the words: nothing more to read
    elif found or narrowed:
        # Only the columns a row shows (and the owner, to open its texts).
        queryset = (
            search.filter_reflections(live_reflections(request.user), **filters)
            .order_by("-date", "-created_at")
            .only("id", "owner_id", "date", "title", "body")
        )
        if found:
            queryset = search_index.matching(queryset, user=request.user, query=found, count=count)
    else:
        queryset = LiveReflections(request.user)  # the whole journal: read in SQL written once
    paginator = Paginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    if found:
        entries = search.search_matches(user=request.user, reflections=page, query=found)
    else:
        entries = search.list_entries(user=request.user, reflections=page)
    choices = form.select_choices()
    shown = getattr(form, "cleaned_data", {})  # a value sent in another spelling is shown as the one it is
    filter_fields = [
        (
            field,
            list_markup.options_html(choices[field.name], str(shown.get(field.name, field.value())))
            if field.name in choices
            else None,
        )
        for field in form
        if field.name != "q"
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "journal/reflection_list.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "entries_html": list_markup.entries_html(
                entries, search.needs_of(user=request.user, entries=entries)
            ),
            "filter_fields": filter_fields,
            "query": query,
            "filtered": bool(form.is_bound and any(v for k, v in request.GET.items() if k != "page")),
            "params": params.urlencode(),
            "on_this_day": calendar.on_this_day(user=request.user, today=today),
            "today": today,
        },
    )
