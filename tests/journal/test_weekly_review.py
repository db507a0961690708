"""The weekly review: feelings beside the needs, the people rated this week, what may have helped, and a question
to close the week."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from journal.models import Prompt
from needs.models.relationships import RelationshipRating
from needs.services.relationships import relationship_ratings_save
from tests.factories import make_checkin, make_need, make_reflection, make_relationship

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
WEEK = reverse("journal:weekly_review") + "?week=2026-06-03"


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


@time_machine.travel(NOW, tick=False)
def test_the_week_shows_feelings_day_by_day_beside_the_needs_with_a_summary(client, alice):
    rest = make_need(alice, "Rest")
    make_checkin(alice, rest, day(-7), 4)
    make_checkin(alice, rest, day(0), 6)
    make_checkin(alice, rest, day(2), 8)
    make_reflection(alice, date=day(-5), anxiety=7, confidence=3)
    make_reflection(alice, date=day(0), anxiety=5, confidence=4)
    make_reflection(alice, date=day(2), anxiety=3, confidence=4)
    make_reflection(alice, date=day(9), anxiety=10, confidence=0)  # the week after: not counted
    client.force_login(alice)
    response = client.get(WEEK)
    feelings = response.context["feelings"]
    assert feelings.this == {"needs": 7.0, "anxiety": 4.0, "confidence": 4.0}
    assert feelings.before == {"needs": 4.0, "anxiety": 7.0, "confidence": 3.0}
    assert [(d.date, d.needs, d.anxiety, d.confidence) for d in feelings.days[:3]] == [
        (day(0), 6.0, 5.0, 4.0),
        (day(1), None, None, None),
        (day(2), 8.0, 3.0, 4.0),
    ]
    html = response.content.decode()
    assert "Feelings beside your needs" in html
    assert "Your needs averaged 7.0 out of 10, higher than the week before (4.0)." in html
    assert "Anxiety averaged 4.0, lower than the week before (7.0)." in html
    assert "Self-confidence averaged 4.0, higher than the week before (3.0)." in html
    assert '<th scope="row">Wednesday 3 Jun</th><td>8.0</td><td>3.0</td><td>4.0</td>' in html


@time_machine.travel(NOW, tick=False)
def test_a_week_without_feelings_says_how_to_note_them(client, alice):
    make_reflection(alice, date=day(1))
    client.force_login(alice)
    html = client.get(WEEK).content.decode()
    assert "You didn’t note anxiety or self-confidence in a reflection this week." in html
    assert 'id="week-feelings-table"' not in html


@time_machine.travel(NOW, tick=False)
def test_the_week_shows_the_people_rated_with_their_needs_and_direction(client, alice):
    heard, fun = make_need(alice, "Being heard", "emotional"), make_need(alice, "Play", "emotional")
    sam, kim = make_relationship(alice, "Sam the neighbour"), make_relationship(alice, "Kim")
    quiet = make_relationship(alice, "Not rated this week")
    relationship_ratings_save(
        user=alice, relationship=sam, ratings=[(heard, day(-20), 2), (heard, day(-10), 3)]
    )
    relationship_ratings_save(user=alice, relationship=sam, ratings=[(heard, day(1), 8), (fun, day(1), 5)])
    relationship_ratings_save(user=alice, relationship=kim, ratings=[(fun, day(-3), 9), (fun, day(4), 4)])
    relationship_ratings_save(user=alice, relationship=quiet, ratings=[(fun, day(-3), 5)])
    client.force_login(alice)
    response = client.get(WEEK)
    rated = response.context["relationships"]
    assert [r.relationship.pk for r in rated] == [sam.pk, kim.pk]
    assert [(n.name, n.score, n.before, n.direction) for n in rated[0].needs] == [
        ("Being heard", 8.0, 3, "up"),  # against the latest rating before the week, not the older one
        ("Play", 5.0, None, ""),
    ]
    assert rated[0].direction == "up" and rated[1].direction == "down"
    html = response.content.decode()
    assert "Sam the neighbour" in html and "Kim" in html and "Not rated this week" not in html
    assert "More met than before ↑" in html and "Less met than before ↓" in html
    assert reverse("needs:relationship_detail", args=[sam.pk]) in html
    assert RelationshipRating.objects.filter(owner=alice, date__range=(day(0), day(6))).count() == 3


@time_machine.travel(NOW, tick=False)
def test_bobs_ratings_never_show_in_alices_week(client, alice, bob):
    need = make_need(bob, "Bob's need")
    bobs = make_relationship(bob, "Bob's friend")
    relationship_ratings_save(user=bob, relationship=bobs, ratings=[(need, day(1), 8)])
    client.force_login(alice)
    response = client.get(WEEK)
    assert response.context["relationships"] == []
    assert "Bob's friend" not in response.content.decode()
    assert "You didn’t rate anyone this week." in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_what_may_have_helped_shows_the_words_and_reflections_of_needs_that_rose(client, alice):
    rest = make_need(alice, "Rest", helps="An early night and the phone in another room")
    heard = make_need(alice, "Heard", "emotional", helps="Words that never show: it fell")
    make_checkin(alice, rest, day(-7), 3)
    make_checkin(alice, rest, day(1), 8)
    make_checkin(alice, heard, day(-7), 8)
    make_checkin(alice, heard, day(1), 3)
    slept = make_reflection(alice, title="Slept well at last", date=day(1), needs=[rest])
    unlinked = make_reflection(alice, title="Unlinked day", date=day(2))
    make_reflection(alice, title="The week before", date=day(-6), needs=[rest])
    client.force_login(alice)
    response = client.get(WEEK)
    helped = response.context["helped"]
    assert [(h.need.pk, h.what_helps) for h in helped] == [
        (rest.pk, "An early night and the phone in another room")
    ]
    assert [r.plain.title for r in helped[0].reflections] == ["Slept well at last"]
    html = response.content.decode()
    assert "What may have helped" in html
    assert "What you said helps: An early night and the phone in another room" in html
    assert "Words that never show" not in html
    # Each link goes to its own row: the need that rose, and the week's reflections (listed, and under the need).
    slept_link = f'<a href="{reverse("journal:reflection_detail", args=[slept.pk])}">Slept well at last</a>'
    assert html.count(slept_link) == 2
    assert f'<a href="{reverse("journal:reflection_detail", args=[unlinked.pk])}">Unlinked day</a>' in html
    assert f'<a class="fw-semibold" href="{reverse("needs:need_detail", args=[rest.pk])}">Rest</a>' in html


@time_machine.travel(NOW, tick=False)
def test_the_week_closes_with_a_question_and_a_link_to_answer_it(client, alice):
    question = Prompt.objects.create(
        slug="time-alone-general-learned-this-week",
        text="What have you learned about yourself this week?",
        step="time_alone",
    )
    Prompt.objects.create(
        slug="a-heavy-one", text="A question kept for a moment chosen", step="time_alone", daily_pick=False
    )
    client.force_login(alice)
    response = client.get(WEEK)
    assert response.context["closing"].prompt == question
    html = response.content.decode()
    assert "A question to close the week" in html and question.text in html
    link = reverse("journal:reflection_create") + f"?prompt={question.pk}"
    assert link in html
    form = client.get(link)
    assert question.text in form.content.decode()
    # Answered during the week: the review says so and links to it instead.
    answer = make_reflection(alice, date=day(5), prompt=question)
    html = client.get(WEEK).content.decode()
    assert "You answered it on Saturday." in html
    assert reverse("journal:reflection_detail", args=[answer.pk]) in html and link not in html


@time_machine.travel(NOW, tick=False)
def test_the_closing_question_turns_week_by_week_and_skips_inactive_ones(client, alice):
    first = Prompt.objects.create(
        slug="time-alone-general-learned-this-week", text="Learned?", step="time_alone"
    )
    second = Prompt.objects.create(
        slug="time-alone-mental-question-to-sit-with", text="Sit with?", step="time_alone", category="mental"
    )
    client.force_login(alice)
    asked = {client.get(f"/insights/week/?week={day(7 * n)}").context["closing"].prompt for n in range(-3, 1)}
    assert asked == {first, second}
    Prompt.objects.filter(pk=first.pk).update(is_active=False)
    asked = {client.get(f"/insights/week/?week={day(7 * n)}").context["closing"].prompt for n in range(-3, 1)}
    assert asked == {second}
