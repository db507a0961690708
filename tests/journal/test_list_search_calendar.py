"""The journal list: months, pages, filters, search through the index, calendar and "on this day"."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.models import Prompt, Reflection
from journal.services.search_index import index_rebuild
from tests.factories import make_checkin, make_need, make_reflection

pytestmark = pytest.mark.django_db
LIST = reverse("journal:reflection_list")


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def titles(response) -> list[str]:
    return [str(entry.title_html) for entry in response.context["entries"]]


def test_newest_first_grouped_by_month_and_paginated(client, alice, frozen):
    for day in range(25):
        make_reflection(
            alice, title=f"Entry {day:02d}", date=dt.date(2026, 5, 1) + dt.timedelta(days=day * 2)
        )
    client.force_login(alice)
    first = client.get(LIST)
    assert titles(first)[:2] == ["Entry 24", "Entry 23"] and len(titles(first)) == 20
    html = first.content.decode()
    assert "June 2026" in html and "May 2026" in html
    second = client.get(LIST + "?page=2")
    assert titles(second) == [f"Entry {n:02d}" for n in range(4, -1, -1)]


def test_the_whole_journal_lists_only_the_persons_live_reflections_newest_written_first_on_a_day(
    client, alice, bob, frozen
):
    make_reflection(alice, title="Morning", date=dt.date(2026, 6, 1))
    with time_machine.travel(dt.datetime(2026, 6, 10, 13, 0, tzinfo=dt.UTC), tick=False):
        make_reflection(alice, title="Evening", date=dt.date(2026, 6, 1))
    make_reflection(alice, title="Older", date=dt.date(2026, 5, 1))
    make_reflection(alice, title="In the trash", date=dt.date(2026, 6, 2), trashed=True)
    make_reflection(bob, title="Bob's", date=dt.date(2026, 6, 3))
    client.force_login(alice)
    first = client.get(LIST)
    assert titles(first) == ["Evening", "Morning", "Older"]
    assert first.context["page"].paginator.count == 3
    assert titles(client.get(LIST + "?page=9")) == [
        "Evening",
        "Morning",
        "Older",
    ]  # past the end: the last page
    entry = first.context["entries"][0]
    assert entry.reflection.reveal_all(owner=alice).body == "Some words."


def test_filters_by_need_category_prompt_step_and_dates(client, alice, frozen):
    prompt = Prompt.objects.create(slug="q", text="Question?", step="patience", category="mental")
    rest, heard = make_need(alice, "Rest", "physical"), make_need(alice, "Heard", "emotional")
    make_reflection(alice, title="About rest", needs=[rest], date=dt.date(2026, 1, 5))
    make_reflection(alice, title="About being heard", needs=[heard], date=dt.date(2026, 3, 5), prompt=prompt)
    make_reflection(alice, title="About nothing", date=dt.date(2026, 5, 5))
    client.force_login(alice)
    assert titles(client.get(LIST + f"?need={rest.pk}")) == ["About rest"]
    assert titles(client.get(LIST + "?category=emotional")) == ["About being heard"]
    assert titles(client.get(LIST + f"?prompt={prompt.pk}")) == ["About being heard"]
    assert titles(client.get(LIST + "?step=patience")) == ["About being heard"]
    assert titles(client.get(LIST + "?date_from=2026-02-01&date_to=2026-04-01")) == ["About being heard"]
    bad = client.get(LIST + "?date_from=2026-05-01&date_to=2026-01-01")
    assert "The start of the date range is after its end." in bad.content.decode()


def test_search_matches_every_word_and_highlights(client, alice, frozen):
    make_reflection(alice, title="Walk", body="A long WALK by the harbour at dusk.\nFelt lighter after.")
    make_reflection(alice, title="Work", body="Deadlines again. No walk today.")
    make_reflection(alice, title="Trashed walk harbour", body="walk harbour", trashed=True)
    client.force_login(alice)
    response = client.get(LIST + "?q=walk+Harbour")
    assert [e.reflection.reveal("title", owner=alice) for e in response.context["entries"]] == ["Walk"]
    html = response.content.decode()
    assert "<mark>WALK</mark>" in html and "<mark>harbour</mark>" in html
    assert "1 reflection contains" in html
    assert client.get(LIST + "?q=shalom").context["entries"] == []


def test_search_results_are_newest_first_across_pages(client, alice, frozen):
    # Written in an order unlike their dates, so the database's own row order is not the answer.
    years = [2019, 2026, 2018, 2024, 2021, 2025, 2020, 2023, 2022]
    for n, year in enumerate(years):
        for month in (3, 9, 6):
            make_reflection(
                alice,
                title=f"Garden {year}-{month:02d}",
                body=f"garden note {n}",
                date=dt.date(year, month, 1),
            )
    client.force_login(alice)
    first = client.get(LIST + "?q=garden")
    second = client.get(LIST + "?q=garden&page=2")
    shown = [
        e.reflection.reveal_all(owner=alice).title
        for e in [*first.context["entries"], *second.context["entries"]]
    ]
    expected = [f"Garden {y}-{m:02d}" for y in sorted(years, reverse=True) for m in (9, 6, 3)]
    assert shown == expected


def test_search_handles_unicode_and_never_treats_the_query_as_markup(client, alice, frozen):
    make_reflection(alice, body="Ein Gefühl von Ruhe — שלום 🌿 <b>tag</b>")
    client.force_login(alice)
    html = client.get(LIST + "?q=gefühl").content.decode()
    assert "<mark>Gefühl</mark>" in html
    assert "&lt;b&gt;tag&lt;/b&gt;" in html
    html = client.get(LIST + "?q=<script>").content.decode()
    assert "<script>" not in html.split('id="main"')[1]


def test_calendar_marks_days_with_reflections_and_check_ins(client, alice, frozen):
    need = make_need(alice, "Rest")
    make_reflection(alice, date=dt.date(2026, 6, 3))
    make_reflection(alice, date=dt.date(2026, 6, 3))
    make_reflection(alice, date=dt.date(2026, 6, 4), trashed=True)
    make_checkin(alice, need, dt.date(2026, 6, 5), 7)
    client.force_login(alice)
    response = client.get(reverse("journal:calendar") + "?month=2026-06")
    days = {d.date: d for week in response.context["weeks"] for d in week if d.date}
    assert days[dt.date(2026, 6, 3)].reflections == 2
    assert days[dt.date(2026, 6, 4)].reflections == 0
    assert days[dt.date(2026, 6, 5)].checked_in and days[dt.date(2026, 6, 10)].is_today
    html = response.content.decode()
    assert '● 2<span class="visually-hidden"> reflections on 3 June</span>' in html
    assert (
        client.get(reverse("journal:calendar") + "?month=2026-13").status_code == 200
    )  # bad month: this one


def test_on_this_day_shows_earlier_years(client, alice, frozen):
    old = make_reflection(alice, title="A year ago", date=dt.date(2025, 6, 10))
    make_reflection(alice, title="Not today", date=dt.date(2025, 6, 11))
    client.force_login(alice)
    response = client.get(LIST)
    assert response.context["on_this_day"] == [old]
    assert "On this day" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("query", ["", "?q=harbour", "?category=physical", "?page=3"])
def test_journal_list_query_count_does_not_grow_with_data(
    client, alice, django_assert_max_num_queries, query
):
    needs = [
        make_need(alice, f"Need {i}", ["mental", "physical", "spiritual", "emotional"][i % 4])
        for i in range(8)
    ]
    rows = []
    for day in range(400):
        r = Reflection(owner=alice, date=dt.date(2026, 6, 10) - dt.timedelta(days=day))
        r.seal("title", f"Day {day}", owner=alice)
        r.seal("body", "walked by the harbour " * 20 if day % 7 == 0 else "a quiet day " * 20, owner=alice)
        rows.append(r)
    Reflection.objects.bulk_create(rows)
    index_rebuild(user=alice)
    through = Reflection.needs.through
    through.objects.bulk_create(
        [through(reflection_id=r.pk, need_id=needs[i % 8].pk) for i, r in enumerate(rows)]
    )
    client.force_login(alice)
    client.get(LIST)
    with django_assert_max_num_queries(12):
        response = client.get(LIST + query)
    assert response.status_code == 200 and response.context["entries"]


def test_on_this_day_matches_exact_earlier_dates_and_leap_days_only_in_leap_years(alice):
    from journal.services.calendar import on_this_day

    leap = make_reflection(alice, title="Leap", date=dt.date(2024, 2, 29))
    eve = make_reflection(alice, title="Eve", date=dt.date(2024, 2, 28))
    old = make_reflection(alice, title="Long ago", date=dt.date(1990, 2, 28))
    make_reflection(alice, title="Trashed", date=dt.date(2023, 2, 28), trashed=True)
    assert on_this_day(user=alice, today=dt.date(2028, 2, 29)) == [leap]
    assert on_this_day(user=alice, today=dt.date(2025, 2, 28)) == [eve, old]
    assert on_this_day(user=alice, today=dt.date(2024, 2, 28)) == [old]  # not today itself


def _search_titles(client, owner, url) -> list[str]:
    shown, page = [], 1
    while True:
        response = client.get(f"{url}&page={page}")
        shown += [e.reflection.reveal_all(owner=owner).title for e in response.context["entries"]]
        if not response.context["page"].has_next():
            return shown
        page += 1


def _scrambled_gardens(owner) -> list[str]:
    """Reflections written in an order unlike their dates (two on one day, the later one written first)."""
    dates = [dt.date(2024, 5, 2), dt.date(2026, 1, 9), dt.date(2023, 7, 1), dt.date(2025, 3, 3)]
    written = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    for n, date in enumerate(dates * 6):
        with time_machine.travel(written + dt.timedelta(minutes=n), tick=False):
            make_reflection(owner, title=f"Garden {date} {n:02d}", body="garden", date=date)
    with time_machine.travel(written + dt.timedelta(days=1), tick=False):
        make_reflection(owner, title="Garden late", body="garden", date=dt.date(2026, 1, 9))
    newest = sorted(Reflection.objects.for_user(owner), key=lambda r: (r.date, r.created_at), reverse=True)
    return [r.reveal("title", owner=owner) for r in newest]


def test_search_results_are_newest_first_when_many_match(client, alice, frozen, monkeypatch):
    """Past `WALK_FROM` matches the search reads reflections newest first and checks each: same order."""
    from journal.services import search_index

    expected = _scrambled_gardens(alice)
    assert expected[0] == "Garden late"
    monkeypatch.setattr(search_index, "WALK_FROM", 3)
    client.force_login(alice)
    assert _search_titles(client, alice, LIST + "?q=garden") == expected


def test_search_results_with_a_filter_are_newest_first(client, alice, frozen):
    expected = _scrambled_gardens(alice)
    client.force_login(alice)
    url = LIST + "?q=garden&date_from=2020-01-01"
    assert _search_titles(client, alice, url) == expected
    assert _search_titles(client, alice, LIST + "?q=garden") == expected


MARKDOWN_BODY = (
    "# Sunday\n\nI was **waiting** for _news_ all day.\n\n- a [walk](https://example.com/x) <em>then</em>"
)


def test_search_excerpts_are_plain_text_with_the_words_found_marked(client, alice, frozen):
    reflection = make_reflection(alice, title="Waiting", body=MARKDOWN_BODY)
    client.force_login(alice)
    response = client.get(LIST + "?q=waiting+walk")
    [entry] = response.context["entries"]
    assert entry.reflection.pk == reflection.pk
    excerpt = str(entry.excerpt_html)
    assert excerpt == (
        "Sunday I was <mark>waiting</mark> for news all day. a <mark>walk</mark> &lt;em&gt;then&lt;/em&gt;"
    )
    html = response.content.decode()
    assert "**" not in html and "https://example.com/x" not in html and "# Sunday" not in html
    # The reflection keeps its Markdown; only the excerpt is plain.
    assert Reflection.objects.get(pk=reflection.pk).reveal("body", owner=alice) == MARKDOWN_BODY


def test_journal_list_excerpts_are_plain_text(client, alice, frozen):
    make_reflection(alice, title="Waiting", body=MARKDOWN_BODY + " " + "more words " * 40)
    client.force_login(alice)
    [entry] = client.get(LIST).context["entries"]
    assert entry.excerpt_html.startswith(
        "Sunday I was waiting for news all day. a walk <em>then</em> more words"
    )
    assert entry.excerpt_html.endswith("…") and len(entry.excerpt_html) == 221
    html = client.get(LIST).content.decode()
    assert "I was waiting for news" in html and "**waiting**" not in html and "&lt;em&gt;then" in html


def test_the_calendar_offers_no_month_after_this_one(client, alice, frozen):
    client.force_login(alice)
    this_month = client.get(reverse("journal:calendar"))
    assert this_month.context["month"] == dt.date(2026, 6, 1) and this_month.context["following"] is None
    html = this_month.content.decode()
    assert "July →" not in html and "?month=2026-07" not in html and "← May" in html
    # Asking for next month (an old link) shows this month and says so.
    asked = client.get(reverse("journal:calendar"), {"month": "2026-07"})
    assert asked.context["month"] == dt.date(2026, 6, 1)
    assert "it covers January 1900 to this month" in asked.content.decode()
    assert client.get(reverse("journal:calendar"), {"month": "2026-05"}).context["following"] == dt.date(
        2026, 6, 1
    )


HOSTILE = "<b>&\"'"


def test_filter_options_are_escaped_and_mark_the_chosen_one():
    from journal.services.list_markup import options_html

    html = options_html([("", "Any need"), ("7", HOSTILE), ("8", "Rest")], "7")
    assert html == (
        '<option value="">Any need</option>'
        '<option value="7" selected>&lt;b&gt;&amp;&quot;&#x27;</option>'
        '<option value="8">Rest</option>'
    )
    assert "selected" not in options_html([("", "Any need"), ("7", "Rest")], "None")


def test_entries_markup_groups_by_month_and_escapes_every_text(alice):
    from journal.services.list_markup import entries_html
    from journal.services.search import Entry, needs_of

    need = make_need(alice, HOSTILE, "physical")
    june = make_reflection(alice, title=HOSTILE, needs=[need], date=dt.date(2026, 6, 3))
    may = make_reflection(alice, title="", date=dt.date(2026, 5, 31))
    entries = [Entry(june, HOSTILE, f"{HOSTILE} text"), Entry(may, "", "")]
    needs = needs_of(user=alice, entries=entries)
    assert needs == {june.pk: [(HOSTILE, "physical")]}
    assert str(entries_html(entries, needs)) == (
        '<section aria-labelledby="month-1">\n'
        '<h2 class="h5 mt-3 text-body-secondary" id="month-1">June 2026</h2>\n'
        '<ul class="list-unstyled">\n'
        '<li class="card card-body mb-2 reflection-card">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
        f'<a class="fw-semibold" href="/journal/{june.pk}/">&lt;b&gt;&amp;&quot;&#x27;</a>\n'
        '<span class="small text-body-secondary">Wed 3 Jun 2026</span>\n'
        "</div>\n"
        '<p class="mb-1 small user-text">&lt;b&gt;&amp;&quot;&#x27; text</p>\n'
        '<p class="mb-0 small"><span class="category-mark category-physical">&lt;b&gt;&amp;&quot;&#x27;</span></p>\n'
        "</li>\n</ul>\n</section>\n"
        '<section aria-labelledby="month-2">\n'
        '<h2 class="h5 mt-3 text-body-secondary" id="month-2">May 2026</h2>\n'
        '<ul class="list-unstyled">\n'
        '<li class="card card-body mb-2 reflection-card">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
        f'<a class="fw-semibold" href="/journal/{may.pk}/">Sunday 31 May</a>\n'
        '<span class="small text-body-secondary">Sun 31 May 2026</span>\n'
        "</div>\n"
        "</li>\n</ul>\n</section>\n"
    )


def test_journal_list_shows_needs_and_filters_escaped(client, alice, frozen):
    need = make_need(alice, HOSTILE, "physical")
    prompt = Prompt.objects.create(slug="h", text=HOSTILE + "?", step="patience", category="mental")
    make_reflection(alice, title="Hostile", needs=[need], prompt=prompt, date=dt.date(2026, 6, 1))
    client.force_login(alice)
    html = client.get(LIST + f"?need={need.pk}").content.decode()
    assert HOSTILE not in html
    assert f'<option value="{need.pk}" selected>&lt;b&gt;&amp;&quot;&#x27;</option>' in html
    assert f'<option value="{prompt.pk}">&lt;b&gt;&amp;&quot;&#x27;?</option>' in html
    assert '<span class="category-mark category-physical">&lt;b&gt;&amp;&quot;&#x27;</span>' in html


def test_prompt_filter_offers_only_prompts_answered_by_live_reflections(alice, bob):
    from journal.forms import JournalFilterForm

    answered, trashed, others = (
        Prompt.objects.create(slug=s, text=f"{s}?", step="patience", category="mental") for s in "abc"
    )
    make_reflection(alice, prompt=answered)
    make_reflection(alice, prompt=answered)
    make_reflection(alice, prompt=trashed, trashed=True)
    make_reflection(bob, prompt=others)
    choices = JournalFilterForm(None, owner=alice).select_choices()["prompt"]
    assert choices == [("", "Any prompt"), (str(answered.pk), "a?")]


@pytest.mark.parametrize(
    "sent",
    [
        "need={bobs_need}",  # someone else's need
        "need=not-a-need",
        "prompt={unanswered}",  # a prompt none of the person's live reflections answers
        "prompt={trashed}",  # answered only in the trash
        "prompt=99999999999999999999",
        "prompt=" + "9" * 5000,  # longer than Python will turn into a number
        "need=" + "0" * 5000,
    ],
)
def test_a_filter_value_not_offered_is_refused_on_the_form_and_filters_nothing(
    client, alice, bob, frozen, sent
):
    answered, unanswered, trashed = (
        Prompt.objects.create(slug=s, text=f"{s}?", step="patience", category="mental") for s in "abc"
    )
    bobs_need = make_need(bob, "Bob's own", "mental")
    make_reflection(alice, title="Mine", prompt=answered)
    make_reflection(alice, title="Thrown away", prompt=trashed, trashed=True)
    make_reflection(bob, title="Bob's", needs=[bobs_need], prompt=unanswered)
    client.force_login(alice)
    response = client.get(
        LIST + "?" + sent.format(bobs_need=bobs_need.pk, unanswered=unanswered.pk, trashed=trashed.pk)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in html
    assert titles(response) == ["Mine"]  # the whole journal, unfiltered, and nobody else's
    assert "Bob&#x27;s own" not in html and "Bob's own" not in html


@pytest.mark.parametrize(
    "spelling",
    [lambda pk: str(pk).upper(), lambda pk: pk.hex, lambda pk: "{" + str(pk) + "}"],
    ids=["capitals", "no dashes", "braces"],
)
def test_a_need_or_prompt_sent_in_another_spelling_of_its_id_is_the_same_one(client, alice, frozen, spelling):
    asked = Prompt.objects.create(slug="asked", text="Asked?", step="patience", category="mental")
    rest = make_need(alice, "Rest", "physical")
    make_reflection(alice, title="Both", needs=[rest], prompt=asked)
    make_reflection(alice, title="Neither")
    client.force_login(alice)
    response = client.get(LIST + f"?need={spelling(rest.pk)}&prompt=00{asked.pk}")
    assert titles(response) == ["Both"]
    assert f'<option value="{rest.pk}" selected>Rest</option>' in response.content.decode()


def test_filter_values_offered_are_accepted_and_read_the_choices_once(client, alice, frozen):
    asked = Prompt.objects.create(slug="asked", text="Asked?", step="patience", category="mental")
    rest = make_need(alice, "Rest", "physical")
    make_reflection(alice, title="Both", needs=[rest], prompt=asked)
    make_reflection(alice, title="Neither")
    client.force_login(alice)
    url = LIST + f"?need={rest.pk}&prompt={asked.pk}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert titles(response) == ["Both"]
    html = response.content.decode()
    assert f'<option value="{rest.pk}" selected>Rest</option>' in html
    assert f'<option value="{asked.pk}" selected>Asked?</option>' in html
    # The choices are read once, and the values sent are checked against them: no second read to check them.
    sql = [" ".join(query["sql"].replace('"', "").split()) for query in queries.captured_queries]
    assert sum("FROM needs_need " in q for q in sql) == 1
    assert sum("FROM journal_prompt " in q for q in sql) == 1


def test_need_filter_offers_the_persons_own_needs_by_name(alice, bob):
    from journal.forms import JournalFilterForm

    water, rest = make_need(alice, "Water", "physical"), make_need(alice, "Rest", "physical")
    theirs = make_need(bob, "Bob's own", "mental")
    choices = JournalFilterForm(None, owner=alice).select_choices()["need"]
    assert choices == [("", "Any need"), (str(rest.pk), "Rest"), (str(water.pk), "Water")]
    assert JournalFilterForm(None, owner=bob).select_choices()["need"] == [
        ("", "Any need"),
        (str(theirs.pk), "Bob's own"),
    ]


@settings(max_examples=400, deadline=None)
@given(
    start=st.text(alphabet="ab Zé.,'()-:1", min_size=0, max_size=60),
    rest=st.text(alphabet="ab Z\n\t#>*_`[]()!<&|~=-+1.:\\", min_size=0, max_size=60),
    length=st.integers(1, 40),
)
def test_an_excerpt_is_the_start_of_the_text_a_reader_sees(start, rest, length):
    """The shortcut for a plain start gives what parsing the whole text gives, whatever Markdown follows."""
    from journal.markdown import markdown_excerpt, markdown_to_text

    text = start + rest
    plain = markdown_to_text(text)
    assert markdown_excerpt(text, length) == plain[:length] + ("…" if len(plain) > length else "")


def test_calendar_cells_markup_is_exact_and_escaped():
    from journal.services.calendar import Day
    from journal.services.calendar_markup import weeks_html

    weeks = [
        [
            Day(None),
            Day(dt.date(2026, 6, 2), reflections=2, checked_in=True, is_today=True),
            Day(dt.date(2026, 6, 3), reflections=1),
            Day(dt.date(2026, 6, 4)),
        ]
    ]
    html = str(weeks_html(weeks, month_name=HOSTILE, list_url="/journal/"))
    assert html == (
        "<tr>\n"
        '<td class="empty"></td>\n'
        '<td class="is-today has-reflection">\n<span class="day-number">2</span>\n'
        '<a class="day-mark" href="/journal/?date_from=2026-06-02&amp;date_to=2026-06-02">● 2'
        '<span class="visually-hidden"> reflections on 2 &lt;b&gt;&amp;&quot;&#x27;</span></a>\n'
        '<span class="day-check">✓<span class="visually-hidden"> checked in</span></span>\n</td>\n'
        '<td class=" has-reflection">\n<span class="day-number">3</span>\n'
        '<a class="day-mark" href="/journal/?date_from=2026-06-03&amp;date_to=2026-06-03">● 1'
        '<span class="visually-hidden"> reflection on 3 &lt;b&gt;&amp;&quot;&#x27;</span></a>\n\n</td>\n'
        '<td class="">\n<span class="day-number">4</span>\n\n\n</td>\n'
        "</tr>"
    )
