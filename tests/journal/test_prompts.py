"""Prompts: the starter library, staff curation, personal prompts, and the prompt of the day."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from journal.models import Draft, PersonalPrompt, Prompt, PromptShown, Reflection, Step
from journal.services.prompts import prompt_another, prompt_of_the_day
from needs.models.needs import Category
from tests.factories import (
    make_checkin,
    make_need,
    make_personal_prompt,
    make_reflection,
    sign_in_with_second_factor,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 10)


@pytest.fixture
def library(db):
    call_command("load_starter_content")


def test_starter_library_covers_every_step_and_category(library):
    assert Prompt.objects.filter(is_active=True).count() >= 100
    for step in Step.values:
        for category in Category.values:
            assert Prompt.objects.filter(step=step, category=category).count() >= 4, (step, category)
    assert Prompt.objects.filter(category="").count() >= 5
    texts = list(Prompt.objects.values_list("text", flat=True))
    assert len(texts) == len(set(texts))


def test_loading_prompts_again_never_overwrites_staff_edits(library):
    prompt = Prompt.objects.first()
    prompt.text = "Edited by staff"
    prompt.save()
    count = Prompt.objects.count()
    call_command("load_starter_content")
    prompt.refresh_from_db()
    assert prompt.text == "Edited by staff" and Prompt.objects.count() == count


def test_prompt_of_the_day_stays_the_same_all_day_and_changes_the_next(alice, library):
    first = prompt_of_the_day(user=alice, today=DAY)
    assert all(prompt_of_the_day(user=alice, today=DAY).text == first.text for _ in range(3))
    assert prompt_of_the_day(user=alice, today=DAY + dt.timedelta(days=1)).text != first.text


def test_another_prompt_offers_a_different_one_which_then_stays(alice, library):
    first = prompt_of_the_day(user=alice, today=DAY)
    second = prompt_another(user=alice, today=DAY)
    assert second.text != first.text
    assert prompt_of_the_day(user=alice, today=DAY).text == second.text


def test_no_prompt_repeats_until_the_pool_is_used_up(alice):
    for i in range(5):
        Prompt.objects.create(slug=f"p{i}", text=f"Question {i}?", step="honesty")
    seen = [prompt_of_the_day(user=alice, today=DAY + dt.timedelta(days=d)).text for d in range(5)]
    assert sorted(seen) == [f"Question {i}?" for i in range(5)]
    sixth = prompt_of_the_day(user=alice, today=DAY + dt.timedelta(days=5))
    assert sixth.text != seen[-1]  # a new cycle begins, never with the prompt just shown
    assert PromptShown.objects.filter(owner=alice).order_by("-id").first().cycle == 2


def test_prompts_lean_toward_the_categories_that_scored_lowest_lately(alice, bob):
    for i in range(40):
        Prompt.objects.create(slug=f"m{i}", text=f"Mental {i}?", step="honesty", category="mental")
        Prompt.objects.create(slug=f"p{i}", text=f"Physical {i}?", step="honesty", category="physical")
    low, high = make_need(alice, "Focus", "mental"), make_need(alice, "Sleep", "physical")
    start = DAY
    for back in range(14):
        make_checkin(alice, low, start - dt.timedelta(days=back), 1)
        make_checkin(alice, high, start - dt.timedelta(days=back), 10)
    picked = Counter(prompt_of_the_day(user=alice, today=start).category for _ in range(1))
    for _ in range(39):
        picked[prompt_another(user=alice, today=start).category] += 1
    # Mental averages 1/10, physical 10/10: weights 5.5 against 1.0, so mental should dominate.
    assert picked["mental"] > picked["physical"] * 2, picked


def test_personal_prompts_join_the_pool_and_stay_private(client, alice, bob):
    client.force_login(alice)
    client.post(
        reverse("journal:prompt_create"),
        {"text": "What am I carrying that isn't mine?", "step": "stepping_back", "is_active": "on"},
    )
    own = PersonalPrompt.objects.for_user(alice).get()
    assert own.reveal("text", owner=alice) == "What am I carrying that isn't mine?"
    daily = prompt_of_the_day(user=alice, today=DAY)  # the only prompt in the pool
    assert daily.personal == own and daily.text == "What am I carrying that isn't mine?"
    again = prompt_of_the_day(user=alice, today=DAY)  # read back, not chosen again
    assert again.personal == own and again.text == daily.text and PromptShown.objects.count() == 1
    assert prompt_of_the_day(user=bob, today=DAY) is None
    bad = client.post(reverse("journal:prompt_create"), {"text": " ", "step": "honesty"})
    assert "Write the question you’d like to be asked." in bad.content.decode()
    client.post(reverse("journal:prompt_edit", args=[own.pk]), {"text": "Edited?", "step": "honesty"})
    own.refresh_from_db()
    assert own.reveal("text", owner=alice) == "Edited?" and not own.is_active
    client.post(reverse("journal:prompt_delete", args=[own.pk]))
    assert not PersonalPrompt.objects.exists()


def test_home_shows_the_prompt_of_the_day_with_a_write_button(client, alice, library):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    shown = PromptShown.objects.get(owner=alice)
    assert shown.prompt.text.replace("'", "&#x27;") in html
    assert f"{reverse('journal:reflection_create')}?prompt={shown.prompt.pk}" in html
    client.post(reverse("journal:prompt_another"), {"next": "https://evil.example/"})
    assert PromptShown.objects.filter(owner=alice).count() == 2


@pytest.fixture
def staff_client(client, db):
    admin_user = get_user_model().objects.create_superuser("curator", "c@example.com", "curator-password-1")
    sign_in_with_second_factor(client, admin_user)  # the admin asks for a second factor
    return client


def test_prompt_admin_previews_and_counts_answers_only(staff_client, alice, library):
    prompt = Prompt.objects.first()
    make_reflection(alice, body="ALICE-PRIVATE-ANSWER", prompt=prompt)
    changelist = staff_client.get(
        reverse("admin:journal_prompt_changelist") + f"?q={prompt.slug}"
    ).content.decode()
    assert '<td class="field-answered">1</td>' in changelist
    change = staff_client.get(reverse("admin:journal_prompt_change", args=[prompt.pk])).content.decode()
    assert "prompt-preview" in change
    for page in (changelist, change):
        assert "ALICE-PRIVATE-ANSWER" not in page and "alice" not in page


def test_admin_offers_no_reflection_draft_or_personal_prompt(staff_client):
    for model in (Reflection, Draft, PersonalPrompt, PromptShown):
        assert model not in admin.site._registry
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "Reflection" not in index and "Draft" not in index and "Personal prompt" not in index
    assert "Prompts" in index


def test_a_personal_prompt_can_be_answered(client, alice):
    own = make_personal_prompt(alice, "Where did I hold back?")
    client.force_login(alice)
    client.post(
        reverse("journal:reflection_create"),
        {"date": "2026-01-01", "body": "here", "personal_prompt": own.pk},
    )
    assert Reflection.objects.get().personal_prompt == own
