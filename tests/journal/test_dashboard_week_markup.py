"""The markup the dashboard's quick check-in and the weekly review build in Python instead of template loops:
exact structure, escaping of the person's own text, selected scores, numbers printed unlocalised; and the
dashboard's one-query reading of the needs (today's scores, needs running low) against the rule on raw rows."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from journal.services.home import needs_today
from journal.services.weekly_review import FeelingDay
from journal.templatetags.weekly_review_markup import feeling_rows, held_items, moved_items, moved_list
from needs.models.needs import CheckIn, Need
from needs.services.checkins import quick_checkin, running_low
from needs.templatetags.quick_checkin import quick_checkin_rows
from tests.factories import make_checkin, make_need, make_reflection, quick_checkin_data

HOSTILE = "<b>&\"'"
ESCAPED = "&lt;b&gt;&amp;&quot;&#x27;"
TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def options(selected):
    return '<option value="">Skip</option>' + "".join(
        f'<option value="{n}"{" selected" if n == selected else ""}>{n} / 10</option>' for n in range(11)
    )


def test_quick_rows_exact_markup_escape_the_name_and_mark_the_score():
    need = SimpleNamespace(pk="id-1", name=HOSTILE, category="emotional")
    other = SimpleNamespace(pk="id-2", name="Rest", category="physical")
    rows = [SimpleNamespace(need=need, score=7), SimpleNamespace(need=other, score=None)]
    assert str(quick_checkin_rows(rows)) == (
        '<li class="d-flex flex-wrap align-items-center justify-content-between gap-2 py-1 border-bottom">'
        '<input type="hidden" name="rating-0-need" value="id-1">'
        '<label for="quick-0"><span class="category-mark category-emotional">'
        f'<span class="visually-hidden">Emotional: </span></span>{ESCAPED}</label>'
        '<select class="form-select form-select-sm quick-score" id="quick-0" name="rating-0-score">'
        f"{options(7)}</select></li>\n"
        '<li class="d-flex flex-wrap align-items-center justify-content-between gap-2 py-1 border-bottom">'
        '<input type="hidden" name="rating-1-need" value="id-2">'
        '<label for="quick-1"><span class="category-mark category-physical">'
        '<span class="visually-hidden">Physical: </span></span>Rest</label>'
        '<select class="form-select form-select-sm quick-score" id="quick-1" name="rating-1-score">'
        f"{options(None)}</select></li>"
    )
    assert quick_checkin_rows([]) == ""


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_week_markup_exact_escaped_and_unlocalised():
    rose = [{"name": HOSTILE, "category": "mental", "before": 3.5, "this": 7.0, "id": 1}]
    assert (
        str(moved_items(rose))
        == f'<li><span class="category-mark category-mental">{ESCAPED}</span>: 3.5 → 7.0</li>'
    )
    assert (
        str(held_items(rose)) == f'<li><span class="category-mark category-mental">{ESCAPED}</span>: 7.0</li>'
    )
    assert str(moved_list(rose)) == f'<ul class="list-unstyled">{moved_items(rose)}</ul>'
    assert str(moved_list(rose, held=True)) == f'<ul class="list-unstyled">{held_items(rose)}</ul>'
    assert str(moved_list([])) == '<p class="small">None</p>'
    days = [FeelingDay(dt.date(2026, 6, 1), 6.5, None, 10.0)]
    missing = '<span class="text-body-secondary">–</span>'
    assert str(feeling_rows(days)) == (
        f'<tr><th scope="row">Monday 1 Jun</th><td>6.5</td><td>{missing}</td><td>10.0</td></tr>'
    )
    # A language with a decimal comma names the day in it, as the template's date filter did, but the
    # numbers stay as the rest of the page prints them.
    with translation.override("de"):
        assert "<td>6.5</td>" in feeling_rows(days) and "3.5 → 7.0" in moved_items(rose)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_dashboard_shows_a_hostile_need_name_escaped_with_its_label_and_saved_score(client, alice):
    need = make_need(alice, HOSTILE, "emotional")
    make_checkin(alice, need, TODAY, 6)
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert HOSTILE not in html and f"</span></span>{ESCAPED}</label>" in html
    assert '<label for="quick-0">' in html and 'id="quick-0" name="rating-0-score"' in html
    assert '<option value="6" selected>6 / 10</option>' in html
    # A refused quick check-in (a score off the scale) changes nothing: the saved score stays selected.
    refused = client.post(reverse("needs:checkin"), {**quick_checkin_data(need, 7), "rating-0-score": "11"})
    assert refused.status_code == 200 and "rating-0-score" in refused.content.decode()
    assert CheckIn.objects.get(need=need, date=TODAY).score == 6
    assert '<option value="6" selected>6 / 10</option>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_needs_today_follows_the_running_low_rule_on_raw_rows(alice):
    low = make_need(alice, "Low all along", importance=5)
    dipped = make_need(alice, "High once", importance=4)
    late = make_need(alice, "Only lately")
    early = make_need(alice, "Only early")
    unrated = make_need(alice, "Never rated")
    for back in range(20):
        day = TODAY - dt.timedelta(days=back)
        make_checkin(alice, low, day, 2)
        make_checkin(alice, dipped, day, 8 if back == 7 else 1)
    for back in range(4):
        make_checkin(alice, late, TODAY - dt.timedelta(days=back + 1), 1)
    for back in range(9, 14):
        make_checkin(alice, early, TODAY - dt.timedelta(days=back), 1)
    make_checkin(
        alice, late, TODAY - dt.timedelta(days=12), 0
    )  # the first week too: low for the whole stretch
    rows, running = needs_today(alice, today=TODAY, threshold=4)
    expected_rows = quick_checkin(user=alice, today=TODAY)
    assert [(r.need.pk, r.score) for r in rows] == [(r.need.pk, r.score) for r in expected_rows]
    recent = list(CheckIn.objects.for_user(alice).values_list("need_id", "date", "score"))
    needs = list(Need.objects.for_user(alice).active())
    assert running == running_low(needs=needs, recent=recent, today=TODAY, threshold=4) == [low, late]
    assert unrated.pk in {r.need.pk for r in rows}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_week_and_the_dashboard_list_reflections_by_their_opened_titles(client, alice):
    make_reflection(alice, title=HOSTILE, date=dt.date(2026, 6, 9))
    make_reflection(alice, title="", date=dt.date(2026, 6, 10))
    client.force_login(alice)
    for path in ("/", reverse("journal:weekly_review")):
        html = client.get(path).content.decode()
        assert HOSTILE not in html and ESCAPED in html
    recent = client.get("/").context["recent"]
    assert [(r.date, r.plain.title) for r in recent] == [
        (dt.date(2026, 6, 10), ""),
        (dt.date(2026, 6, 9), HOSTILE),
    ]
