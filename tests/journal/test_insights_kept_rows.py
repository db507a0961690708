"""The insights read kept month rows, feeling sums and link counts: their answers equal the same questions asked
of the raw check-ins and reflections."""

import datetime as dt
import math
from collections import defaultdict

import pytest

from journal.services import insights
from needs.models.needs import CheckIn
from needs.services.derived import week_of
from tests.factories import make_history, make_need, make_reflection

TODAY = dt.date(2026, 6, 10)


def _period(day: dt.date, months: int) -> dt.date:
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def _expected_periods(owner, since, today, months):
    """Weekly sums from the check-ins themselves, each week in the period of its Monday."""
    sums = defaultdict(lambda: [0, 0])
    first = week_of(since) if since else dt.date.min
    for need_id, day, score in CheckIn.objects.filter(owner=owner).values_list("need_id", "date", "score"):
        monday = week_of(day)
        if first <= monday <= today:
            cell = sums[(need_id, _period(monday, months))]
            cell[0] += score
            cell[1] += 1
    return sorted((need_id, start, total / count, count) for (need_id, start), (total, count) in sums.items())


@pytest.mark.django_db
@pytest.mark.parametrize("months", [1, 3, 12])
@pytest.mark.parametrize("back", [None, 20, 45, 100, 200, 400])
def test_periods_of_months_equal_the_weeks_summed_by_the_period_of_their_monday(alice, months, back):
    make_history(alice, needs=3, days=500, today=TODAY)
    since = TODAY - dt.timedelta(days=back) if back else None
    rows = insights.need_weeks(alice, since, TODAY, months=months)
    got = sorted((need_id, start, average, count) for need_id, _, _, start, average, count in rows)
    assert got == _expected_periods(alice, since, TODAY, months)
    assert [row[3] for row in rows] == sorted(row[3] for row in rows)  # oldest first


def _expected_overall(owner, since, today, months):
    """Every check-in whose Monday is in the range, averaged per week or per period of its Monday."""
    sums = defaultdict(lambda: [0, 0])
    first = week_of(since) if since else dt.date.min
    for day, score in CheckIn.objects.filter(owner=owner).values_list("date", "score"):
        monday = week_of(day)
        if first <= monday <= today:
            cell = sums[_period(monday, months) if months else monday]
            cell[0] += score
            cell[1] += 1
    return {start: round(total / count, 1) for start, (total, count) in sorted(sums.items())}


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 1, 3, 12])
@pytest.mark.parametrize("back", [None, 20, 45, 400])
def test_the_overall_line_equals_every_check_in_averaged(alice, bob, months, back):
    make_history(alice, needs=3, days=500, today=TODAY)
    make_history(bob, needs=2, days=100, today=TODAY)
    since = TODAY - dt.timedelta(days=back) if back else None
    got = insights.overall(alice, since, TODAY, months=months)
    assert got == _expected_overall(alice, since, TODAY, months)
    assert list(got) == sorted(got)  # oldest first


@pytest.mark.django_db
def test_periods_name_only_the_persons_own_needs(alice, bob):
    make_history(alice, needs=2, days=60, today=TODAY)
    make_history(bob, needs=2, days=60, today=TODAY)
    for months in (0, 1, 3):
        names = {name for _, name, *_ in insights.need_weeks(alice, None, TODAY, months=months)}
        assert names == {"Need 00", "Need 01"}
        ids = {need_id for need_id, *_ in insights.need_weeks(alice, None, TODAY, months=months)}
        assert ids == set(alice.need_set.values_list("pk", flat=True))


def _pearson(pairs):
    n = len(pairs)
    mx, my = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    cov = sum((x - mx) * (y - my) for x, y in pairs)
    return cov / math.sqrt(sum((x - mx) ** 2 for x, _ in pairs) * sum((y - my) ** 2 for _, y in pairs))


@pytest.mark.django_db
def test_patterns_pair_each_days_score_with_that_days_average_feeling_over_the_years_whole_weeks(alice, bob):
    (need,) = make_history(alice, needs=1, days=420, today=TODAY)
    make_history(bob, needs=1, days=420, today=TODAY)
    scores = dict(CheckIn.objects.filter(owner=alice).values_list("date", "score"))
    feelings = {}
    for back in range(0, 420, 3):
        day = TODAY - dt.timedelta(days=back)
        anxiety = 10 - scores[day] if back % 2 else (scores[day] * 7) % 11
        make_reflection(alice, date=day, anxiety=anxiety, needs=[need])
        make_reflection(alice, date=day, anxiety=None, confidence=5)  # no anxiety: leaves the average alone
        feelings[day] = anxiety
    # Trashed reflections pair with nothing.
    make_reflection(alice, date=TODAY - dt.timedelta(days=1), anxiety=10, trashed=True)
    first = week_of(TODAY - dt.timedelta(days=364))
    pairs = [(scores[day], anxiety) for day, anxiety in feelings.items() if first <= day <= TODAY]
    patterns = insights.feeling_patterns(alice, TODAY)
    assert [(p.need_name, p.feeling, p.days) for p in patterns] == [(need.name, "anxiety", len(pairs))]
    assert patterns[0].r == round(_pearson(pairs), 2)
    assert insights.feeling_patterns(bob, TODAY) == []


@pytest.mark.django_db
@pytest.mark.parametrize("months", [0, 1, 3, 12])
def test_feelings_by_period_average_the_live_reflections_of_each_period(alice, bob, months):
    """Each period starts on its Monday (weeks) or its first month; Sundays, month ends and the turn of a year
    fall in the right one, in the database's own arithmetic."""
    days = [dt.date(2025, 12, 28) + dt.timedelta(days=back) for back in range(0, 170, 3)]  # from a Sunday
    expected = defaultdict(lambda: [0, 0, 0, 0])
    for index, day in enumerate(days):
        anxiety, confidence = index % 11, None if index % 4 == 0 else (index * 7) % 11
        make_reflection(alice, date=day, anxiety=anxiety, confidence=confidence)
        start = week_of(day) if not months else _period(day, months)
        cell = expected[start]
        cell[0] += anxiety
        cell[1] += 1
        if confidence is not None:
            cell[2] += confidence
            cell[3] += 1
    make_reflection(alice, date=days[0], anxiety=10, trashed=True)  # the trash counts for nothing
    make_reflection(bob, date=days[0], anxiety=10, confidence=10)  # nor does anyone else's
    got = insights.feelings_weekly(alice, dt.date(2025, 12, 1), dt.date(2026, 12, 31), months=months)
    assert got == [
        {
            "week": start,
            "anxiety": round(a_total / a_count, 1),
            "confidence": round(c_total / c_count, 1) if c_count else None,
        }
        for start, (a_total, a_count, c_total, c_count) in sorted(expected.items())
    ]
    assert got[0]["week"] == (dt.date(2025, 12, 22) if not months else _period(days[0], months))
    assert insights.feelings_weekly(alice, days[-1] + dt.timedelta(days=1), dt.date(2026, 12, 31)) == []


@pytest.mark.django_db
def test_most_linked_breaks_ties_by_name_and_follows_trash_and_moves(alice):
    rest, heard, calm = (make_need(alice, name) for name in ("Rest", "Being heard", "Calm"))
    kept = make_reflection(alice, date=TODAY, needs=[rest, heard, calm])
    make_reflection(alice, date=TODAY - dt.timedelta(days=2), needs=[calm])
    got = insights.most_linked(alice, TODAY - dt.timedelta(days=6), TODAY)
    assert [(row["need__name"], row["count"]) for row in got] == [
        ("Calm", 2),
        ("Being heard", 1),
        ("Rest", 1),
    ]
    from journal.services.reflections import reflection_save, reflection_trash

    moved = reflection_save(
        user=alice,
        reflection=kept,
        data={"date": TODAY - dt.timedelta(days=30), "body": "Moved.", "needs": [rest]},
    )
    got = insights.most_linked(alice, TODAY - dt.timedelta(days=6), TODAY)
    assert [(row["need__name"], row["count"]) for row in got] == [("Calm", 1)]
    reflection_trash(reflection=moved)
    assert [row["need__name"] for row in insights.most_linked(alice, None, TODAY)] == ["Calm"]
