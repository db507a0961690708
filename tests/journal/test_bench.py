"""The benchmark's seeding, in-process measuring and report, at tiny sizes (no gunicorn, no wrk)."""

import pytest
from django.contrib.auth import get_user_model

from journal.benchmark import report
from journal.benchmark.inprocess import journeys, page_costs, pages_for
from journal.benchmark.seeding import LIGHT_PREFIX, light_count, light_people_seed
from journal.models import Reflection, ReflectionDay, SearchTerm
from journal.services.search_index import index_rebuild
from needs.models.derived import CheckInDay
from needs.models.needs import CheckIn

pytestmark = pytest.mark.django_db


def light_person(index: int):
    return get_user_model().objects.get(username=f"{LIGHT_PREFIX}{index:05d}")


def test_lighter_people_are_added_up_to_the_count_with_derived_rows_and_search_index():
    said = []
    light_people_seed(2, say=said.append)
    light_people_seed(3, say=said.append)
    light_people_seed(3, say=said.append)  # already there: nothing added
    assert light_count() == 3
    person = light_person(2)
    assert CheckIn.objects.for_user(person).count() == 6 * 90
    assert Reflection.objects.for_user(person).count() == 30
    assert CheckInDay.objects.for_user(person).count() == 4 * 90  # 6 needs in the 4 categories, every day
    assert ReflectionDay.objects.for_user(person).count() == 30
    written = set(SearchTerm.objects.for_user(person).values_list("reflection_id", "term"))
    assert written
    index_rebuild(user=person)  # the index the services would have written
    assert set(SearchTerm.objects.for_user(person).values_list("reflection_id", "term")) == written
    assert said[-1].startswith("Lighter people: 2 → 3, in ")


def test_every_benchmarked_page_answers_and_journeys_leave_the_history_as_it_was():
    light_people_seed(1, say=lambda line: None)
    person = light_person(0)
    pages = pages_for(person)
    costs = page_costs(person, pages, runs=1)  # raises on any answer but 200
    assert costs["dashboard"].queries > 0
    assert costs["search, a common word"].kb > costs["search, an absent word"].kb
    table = report.scale([label for label, _ in pages], {"90 days, 1 others": costs})
    assert "| a need page | " in table

    before = Reflection.objects.for_user(person).count()
    steps = journeys(person, runs=2)
    assert [label for label, _ in steps][:2] == ["POST a quick check-in", "then GET the dashboard"]
    assert all(cost.queries for _, cost in steps)
    assert Reflection.objects.for_user(person).count() == before


def test_the_report_puts_the_new_run_first_and_older_runs_under_one_heading(tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nIntro.\n\n## 2026-01-01 — sqlite\n\nOld table.\n")
    report.doc_write(str(output), vendor="sqlite", setup="Setup one.", tables=[("First", "| a |\n")])
    report.doc_write(str(output), vendor="postgresql", setup="Setup two.", tables=[("Second", "| b |\n")])
    text = output.read_text()
    assert text.index("Setup two.") < text.index("Setup one.") < text.index(report.EARLIER)
    assert text.count(report.EARLIER) == 1
    assert "### 2026-01-01 — sqlite\n\nOld table." in text


def test_portability_timings_import_through_the_background_path_and_leave_no_account(alice):
    from journal.portability.timing import portability_timings
    from tests.journal.test_data_ownership import seed_everything

    seed_everything(alice)
    people = get_user_model().objects.count()
    timings = portability_timings(alice)
    assert timings["json"]["bytes"] == timings["import page"]["bytes"] > 0
    worker = timings["import worker"]
    assert worker["outcome"] == "finished" and worker["refused"] == 0
    assert worker["imported"]["checkins"] == 2 and worker["imported"]["reflections"] == 2
    assert get_user_model().objects.count() == people
