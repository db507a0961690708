"""The first weeks' prompt plan, questions kept out of the daily pick, and "When you need more than a journal"."""

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import Prompt, PromptShown, Step
from journal.services.prompts import PROMPTS_FILE, day_with_attune, prompt_another, prompt_of_the_day
from needs.models.relationships import RelationshipRating
from needs.services.accounts import profile_for
from tests.factories import (
    make_checkin,
    make_need,
    make_personal_prompt,
    make_relationship,
    sign_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

JOINED = dt.date(2026, 3, 2)
FIRST_TWO_WEEKS = {Step.HONESTY, Step.OPENNESS, Step.PATIENCE}


@pytest.fixture
def library(db):
    call_command("load_starter_content")


def joined_on(user, date: dt.date = JOINED):
    user.date_joined = dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC)
    user.save(update_fields=["date_joined"])
    return user


def on_day(n: int) -> dt.date:
    """The person's nth day with Attune: day 1 is the day they joined."""
    return JOINED + dt.timedelta(days=n - 1)


def picks_on(user, day: int, *, another: int = 0) -> list:
    """The question of the day, then `another` presses of "another question"."""
    today = on_day(day)
    picks = [prompt_of_the_day(user=user, today=today)]
    picks += [prompt_another(user=user, today=today) for _ in range(another)]
    return [pick for pick in picks if pick is not None]


def staff(slug: str, step: str, **flags) -> Prompt:
    return Prompt.objects.create(slug=slug, text=f"{slug}?", step=step, **flags)


# --- The first weeks ---------------------------------------------------------------------------------


def test_the_first_week_asks_only_honesty_and_the_second_adds_openness_and_patience(alice, library):
    joined_on(alice)
    steps = {day: [pick.step for pick in picks_on(alice, day, another=2)] for day in range(1, 15)}
    assert all(len(picked) == 3 for picked in steps.values())
    first_week = [step for day in range(1, 8) for step in steps[day]]
    second_week = [step for day in range(8, 15) for step in steps[day]]
    assert set(first_week) == {Step.HONESTY}, first_week
    assert set(second_week) <= FIRST_TWO_WEEKS, second_week
    assert {Step.OPENNESS, Step.PATIENCE} <= set(second_week), second_week


def test_the_plan_counts_days_by_the_persons_own_calendar(alice):
    profile = profile_for(alice)
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    # 01:00 on JOINED in Tokyo, still the day before in UTC.
    alice.date_joined = dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)
    alice.save(update_fields=["date_joined"])
    assert day_with_attune(user=alice, today=JOINED) == 1
    assert day_with_attune(user=alice, today=on_day(8)) == 8
    assert day_with_attune(user=alice, today=JOINED - dt.timedelta(days=3)) == 1  # never before day 1


def test_when_honesty_runs_out_in_the_first_week_the_next_stage_is_offered(alice):
    joined_on(alice)
    for i in range(2):
        staff(f"honesty-{i}", Step.HONESTY)
    staff("openness", Step.OPENNESS)
    staff("time-alone", Step.TIME_ALONE)
    staff("stepping-back", Step.STEPPING_BACK)
    steps = [pick.step for pick in picks_on(alice, 1, another=2)]
    assert steps[:2] == [Step.HONESTY, Step.HONESTY] and steps[2] == Step.OPENNESS
    # Then time alone, and never stepping back from someone: there is no one in view in week one.
    assert prompt_another(user=alice, today=on_day(1)).step == Step.TIME_ALONE
    later = {pick.step for day in range(2, 8) for pick in picks_on(alice, day, another=3)}
    assert Step.STEPPING_BACK not in later


def test_with_no_honesty_prompts_at_all_a_newcomer_still_gets_a_question(alice):
    joined_on(alice)
    staff("patience", Step.PATIENCE)
    staff("stepping-back", Step.STEPPING_BACK)
    assert prompt_of_the_day(user=alice, today=on_day(1)).step == Step.PATIENCE


def test_a_persons_own_prompts_are_always_in_the_pool(alice):
    joined_on(alice)
    own = make_personal_prompt(alice, "Who do I keep giving way to?", step="stepping_back")
    staff("stepping-back", Step.STEPPING_BACK)
    daily = prompt_of_the_day(user=alice, today=on_day(1))
    assert daily.personal == own and daily.points_to_help is False


def test_stepping_back_waits_for_a_relationship_or_the_fifth_week(alice, bob):
    joined_on(alice)
    joined_on(bob)
    staff("stepping-back", Step.STEPPING_BACK)
    make_relationship(bob, "Bob's friend")  # someone else's relationship changes nothing for alice
    assert [prompt_of_the_day(user=alice, today=on_day(day)) for day in range(1, 29)] == [None] * 28
    assert prompt_of_the_day(user=alice, today=on_day(29)).step == Step.STEPPING_BACK
    # Bob has someone in view: stepping back can come once the first two weeks are over.
    assert [prompt_of_the_day(user=bob, today=on_day(day)) for day in range(1, 15)] == [None] * 14
    assert prompt_of_the_day(user=bob, today=on_day(15)).step == Step.STEPPING_BACK


def test_with_the_starter_library_stepping_back_comes_only_with_someone_in_view(alice, bob, library):
    joined_on(alice)
    joined_on(bob)
    make_relationship(bob)
    alice_steps = [pick.step for day in range(1, 29) for pick in picks_on(alice, day, another=1)]
    assert len(alice_steps) == 56 and Step.STEPPING_BACK not in alice_steps
    assert Step.TIME_ALONE in alice_steps  # from the third week
    bob_steps = {day: [pick.step for pick in picks_on(bob, day, another=2)] for day in range(1, 29)}
    assert Step.STEPPING_BACK not in [step for day in range(1, 15) for step in bob_steps[day]]
    assert Step.STEPPING_BACK in [step for day in range(15, 29) for step in bob_steps[day]]
    later = [pick.step for day in range(29, 61) for pick in picks_on(alice, day, another=1)]
    assert Step.STEPPING_BACK in later


def test_a_question_that_needs_someone_in_view_or_a_chosen_moment_is_never_a_daily_pick(alice):
    joined_on(alice)
    make_relationship(alice)
    kept = set()
    for step in Step.values:
        staff(f"{step}-daily", step)
        kept.add(staff(f"{step}-with-someone", step, needs_relationship=True, daily_pick=False).pk)
        kept.add(staff(f"{step}-about-someone", step, needs_relationship=True).pk)
        kept.add(staff(f"{step}-heavy", step, daily_pick=False, points_to_help=True).pk)
    picked = [pick.prompt.pk for day in range(1, 61) for pick in picks_on(alice, day, another=2)]
    assert len(picked) == 180 and not kept & set(picked)
    assert set(picked) == set(Prompt.objects.exclude(pk__in=kept).values_list("pk", flat=True))


def test_the_starter_library_never_offers_its_safety_or_this_person_questions_unasked(alice, library):
    joined_on(alice)
    make_relationship(alice)
    kept = set(
        Prompt.objects.filter(needs_relationship=True).values_list("pk", flat=True)
        | Prompt.objects.filter(daily_pick=False).values_list("pk", flat=True)
    )
    assert kept
    picked = {pick.prompt.pk for day in range(1, 61) for pick in picks_on(alice, day, another=2)}
    assert len(picked) > 100 and not kept & picked


def test_todays_question_is_chosen_again_when_staff_take_it_out_of_the_daily_pick(alice):
    joined_on(alice)
    first, second = staff("first", Step.HONESTY), staff("second", Step.HONESTY)
    chosen = prompt_of_the_day(user=alice, today=on_day(1)).prompt
    Prompt.objects.filter(pk=chosen.pk).update(daily_pick=False)
    again = prompt_of_the_day(user=alice, today=on_day(1))
    assert again.prompt == ({first, second} - {chosen}).pop()
    assert prompt_of_the_day(user=alice, today=on_day(1)).prompt == again.prompt
    assert PromptShown.objects.filter(owner=alice).count() == 2


def test_the_daily_prompt_says_when_it_points_to_help(alice):
    joined_on(alice)
    staff("heavy-but-daily", Step.HONESTY, points_to_help=True)
    assert prompt_of_the_day(user=alice, today=on_day(1)).points_to_help is True
    assert prompt_of_the_day(user=alice, today=on_day(1)).points_to_help is True  # read back, as chosen
    Prompt.objects.update(points_to_help=False)
    assert prompt_of_the_day(user=alice, today=on_day(1)).points_to_help is False


def test_choosing_the_days_question_reads_as_few_queries_after_two_months_as_after_three_days(alice, bob):
    for person in (alice, bob):
        joined_on(person)
        make_relationship(person)
    for i in range(30):
        staff(f"p{i}", Step.values[i % 5])

    def first_pick_queries(user, day: int) -> int:
        for earlier in range(1, day):
            picks_on(user, earlier, another=2)
        with CaptureQueriesContext(connection) as queries:
            assert prompt_of_the_day(user=user, today=on_day(day)) is not None
        return len(queries)

    # 10 with the savepoint pair; between days 15 and 28 the plan also asks whether there is someone in view.
    short, long = first_pick_queries(bob, 30), first_pick_queries(alice, 90)
    assert long == short and short <= 10, (short, long)


# --- The starter content ------------------------------------------------------------------------------


def test_starter_content_marks_the_safety_and_this_person_questions(library):
    safety = Prompt.objects.get(slug="stepping-back-physical-not-physically-safe")
    assert not safety.daily_pick and safety.points_to_help and not safety.needs_relationship
    assert "When you need more than a journal" in safety.follow_up
    hour_after = Prompt.objects.get(slug="stepping-back-emotional-hour-after")
    assert hour_after.needs_relationship and not hour_after.daily_pick
    for prompt in Prompt.objects.all():
        words = prompt.text.lower()
        if "this person" in words:
            assert prompt.needs_relationship and not prompt.daily_pick, prompt.slug
        if "safe" in words or "abuse" in words or "afraid" in words:
            assert prompt.points_to_help and not prompt.daily_pick, prompt.slug
    # Everything else may still arrive unasked: the flags are the exception, not the rule.
    assert Prompt.objects.filter(daily_pick=True, needs_relationship=False).count() >= 100


def test_loading_again_gives_existing_starter_prompts_their_flags_and_keeps_staff_edits(library):
    entries = {e["slug"]: e for e in json.loads(PROMPTS_FILE.read_text(encoding="utf-8"))}
    safety_slug = "stepping-back-physical-not-physically-safe"
    # As an older deployment has them: no flags, the follow-up of the time.
    Prompt.objects.update(daily_pick=True, needs_relationship=False, points_to_help=False)
    Prompt.objects.filter(slug=safety_slug).update(follow_up=entries[safety_slug]["follow_up_was"][0])
    hour_after = Prompt.objects.get(slug="stepping-back-emotional-hour-after")
    hour_after.follow_up, hour_after.text = "A follow-up staff wrote.", "Staff reworded this person?"
    hour_after.save()
    # A flag staff set on another prompt is theirs.
    Prompt.objects.filter(slug="honesty-physical-amount-of-touch").update(daily_pick=False)

    call_command("load_starter_content")

    safety = Prompt.objects.get(slug=safety_slug)
    assert not safety.daily_pick and safety.points_to_help
    assert safety.follow_up == entries[safety_slug]["follow_up"]
    hour_after.refresh_from_db()
    assert hour_after.needs_relationship and not hour_after.daily_pick
    assert (hour_after.text, hour_after.follow_up) == (
        "Staff reworded this person?",
        "A follow-up staff wrote.",
    )
    assert not Prompt.objects.get(slug="honesty-physical-amount-of-touch").daily_pick
    # Idempotent: a second load changes nothing more.
    before = list(Prompt.objects.order_by("slug").values())
    call_command("load_starter_content")
    assert list(Prompt.objects.order_by("slug").values()) == before


def test_a_follow_up_staff_rewrote_is_never_replaced(library):
    slug = "stepping-back-physical-not-physically-safe"
    Prompt.objects.filter(slug=slug).update(follow_up="Staff's own words.", points_to_help=False)
    call_command("load_starter_content")
    prompt = Prompt.objects.get(slug=slug)
    assert prompt.follow_up == "Staff's own words." and prompt.points_to_help


# --- When you need more than a journal ---------------------------------------------------------------


def test_more_help_page_opens_for_visitors_and_for_people_signed_in(client, alice):
    url = reverse("more_help")
    assert url == "/more-help/"
    for signed_in in (False, True):
        if signed_in:
            client.force_login(alice)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1" in html and "When you need more than a journal" in html and "<main" in html
        for words in ("112", "911", "999", "findahelpline.com", "befrienders.org", "Suicide Prevention"):
            assert words in html, words
        assert "never contact anyone for you" in html
        assert (f'href="{reverse("usersessions_list")}"' in html) == signed_in


def test_answering_a_question_that_points_to_help_links_to_the_page(client, alice):
    heavy = staff("heavy", Step.STEPPING_BACK, daily_pick=False, points_to_help=True)
    plain = staff("plain", Step.HONESTY)
    client.force_login(alice)
    form = client.get(reverse("journal:reflection_create") + f"?prompt={heavy.pk}").content.decode()
    assert "heavy?" in form and "more-help-note" in form
    assert f'href="{reverse("more_help")}"' in form.split("more-help-note")[1].split("</p>")[0]
    plain_form = client.get(reverse("journal:reflection_create") + f"?prompt={plain.pk}").content.decode()
    assert "plain?" in plain_form and "more-help-note" not in plain_form
    # The link stays with the question after saving, and on the page of the reflection that answered it.
    response = client.post(
        reverse("journal:reflection_create"), {"date": "2026-03-02", "body": "Written.", "prompt": heavy.pk}
    )
    assert response.status_code == 302
    assert "more-help-note" in client.get(response["Location"]).content.decode()
    bad = client.post(reverse("journal:reflection_create"), {"date": "", "body": "", "prompt": heavy.pk})
    assert "more-help-note" in bad.content.decode()


@time_machine.travel(dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_strained_relationships_questions_link_to_the_page_beside_a_heavy_one(client, alice):
    staff("heavy", Step.STEPPING_BACK, daily_pick=False, points_to_help=True)
    rest = make_need(alice, "Rest", "physical", 5)
    strained = make_relationship(alice, "Pat")
    for back in range(0, 35, 3):
        RelationshipRating.objects.create(
            owner=alice,
            relationship=strained,
            need=rest,
            date=dt.date(2026, 6, 10) - dt.timedelta(days=back),
            score=1,
        )
    client.force_login(alice)
    page = client.get(reverse("needs:relationship_detail", args=[strained.pk])).content.decode()
    assert "heavy?" in page
    assert (
        f'<a href="{reverse("more_help")}">When you need more than a journal</a>'
        in page.split("heavy?")[-1].split("</li>")[0]
    )


# --- Curation -------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, db):
    curator = get_user_model().objects.create_superuser("curator", "c@example.com", "curator-password-1")
    sign_in_with_second_factor(client, curator)
    return client


def test_staff_see_filter_and_edit_the_flags_in_the_admin(staff_client):
    prompt = staff("to-curate", Step.HONESTY)
    changelist = staff_client.get(reverse("admin:journal_prompt_changelist")).content.decode()
    # One column says in words where each prompt appears; each flag is a filter.
    assert "column-shown" in changelist and "can be a question of the day" in changelist
    for flag in ("daily_pick", "needs_relationship", "points_to_help"):
        assert f"{flag}__exact=0" in changelist, flag
    filtered = staff_client.get(reverse("admin:journal_prompt_changelist") + "?daily_pick__exact=0")
    assert "to-curate?" not in filtered.content.decode()
    change_url = reverse("admin:journal_prompt_change", args=[prompt.pk])
    change = staff_client.get(change_url).content.decode()
    assert 'name="needs_relationship"' in change and 'name="points_to_help"' in change
    response = staff_client.post(
        change_url,
        {
            "text": prompt.text,
            "follow_up": "",
            "category": "",
            "step": "honesty",
            "is_active": "on",
            "needs_relationship": "on",
            "points_to_help": "on",
            "slug": prompt.slug,
        },
    )
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert not prompt.daily_pick and prompt.needs_relationship and prompt.points_to_help
    change = staff_client.get(change_url).content.decode()
    assert (
        "only next to a relationship" in change
        and "With a link to “When you need more than a journal”." in change
    )


def test_a_need_running_low_is_never_paired_with_a_question_kept_out_of_the_daily_pick(client, alice):
    need = make_need(alice, "Rest", category="physical")
    today = dt.date.today()
    for back in range(16):
        make_checkin(alice, need, today - dt.timedelta(days=back), 2)
    staff("about-them", Step.OPENNESS, category="physical", needs_relationship=True, daily_pick=False)
    staff("heavy", Step.STEPPING_BACK, category="physical", daily_pick=False, points_to_help=True)
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "Needs that could use some care" in page
    assert "about-them?" not in page and "heavy?" not in page
    staff("ask-for-rest", Step.OPENNESS, category="physical")
    assert "ask-for-rest?" in client.get("/").content.decode()
