"""The importer's shortcut past the forms (journal/portability/plain_values.py) agrees with the forms: whatever
it accepts, the form accepts and cleans to the same values."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from journal.forms import ReflectionForm
from journal.portability.plain_values import checkin_values, form_values, reflection_values
from journal.portability.records import form_data
from needs.forms.checkins import CheckInEditForm
from tests.factories import make_need

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 10)
TEXTS = (
    st.none() | st.text(max_size=40) | st.sampled_from(["", " x", "x ", "a\r\nb", "a\nb", "x" * 301, "\x00"])
)
VALUES = (
    TEXTS | st.integers(-2, 12) | st.booleans() | st.floats(allow_nan=False) | st.sampled_from(["5", "5.0"])
)
DATES = st.sampled_from(["2026-01-10", "2026-01-11", "1899-12-31", "1900-01-01", "2026-1-5", "20260105", "x"])
NEEDS = itertools.count()
SETTINGS = hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(score=VALUES, note=VALUES)
def test_a_check_in_the_shortcut_accepts_is_one_the_form_cleans_the_same(score, note):
    record = {"score": score, "note": note}
    plain = checkin_values(record)
    if plain is not None:
        form = CheckInEditForm(form_data({"score": score, "note": note}))
        assert form.is_valid(), form.errors
        assert plain == (form.cleaned_data["score"], form.cleaned_data["note"])


@SETTINGS
@given(date=DATES, title=TEXTS, body=TEXTS, anxiety=VALUES, confidence=VALUES, linked=st.booleans())
def test_a_reflection_the_shortcut_accepts_is_one_the_form_cleans_the_same(
    alice, date, title, body, anxiety, confidence, linked
):
    need = make_need(alice, f"Rest {next(NEEDS)}")
    values = {"date": date, "title": title, "body": body, "needs": [str(need.pk)] if linked else [],
              "anxiety": anxiety, "confidence": confidence, "prompt": None, "personal_prompt": None}  # fmt: skip
    plain = reflection_values(values, TODAY)
    if plain is not None:
        form = ReflectionForm(form_data(values), owner=alice, today=TODAY, linked_needs=values["needs"])
        assert form.is_valid(), form.errors
        cleaned = form_values(form.cleaned_data)
        assert {**plain, "needs": [str(n) for n in plain["needs"]]} == {
            **cleaned,
            "needs": [str(n) for n in cleaned["needs"]],
        }
