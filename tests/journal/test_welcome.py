"""The first-run path: a newcomer is led from the idea to naming needs, a first check-in and a first reflection.

Every step can be skipped, the path resumes where it was left, and once done it is never shown again.
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from journal.models import Reflection, Step
from needs.models.accounts import Profile, WelcomeStep
from needs.models.needs import CatalogueNeed, Category, CheckIn, Need
from needs.privacy import recovery
from needs.privacy.tags import person_tag
from needs.services.accounts import profile_for
from tests.conftest import PASSWORD, make_person
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db

WELCOME = reverse("journal:welcome")
NEEDS = reverse("journal:welcome_needs")
CHECKIN = reverse("journal:welcome_checkin")
WRITE = reverse("journal:welcome_write")
SKIP = reverse("journal:welcome_skip")


@pytest.fixture
def starter(db):
    call_command("load_starter_content")


@pytest.fixture
def newcomer(client, starter):
    person = make_person("new@example.com")
    Profile.objects.update_or_create(owner=person, defaults={"welcome_step": WelcomeStep.INTRO})
    client.force_login(person)
    return person


def step_of(person) -> str:
    return Profile.objects.get(owner=person).welcome_step


def checkin_post(needs, scores) -> dict:
    data = {
        "rating-TOTAL_FORMS": str(len(needs)),
        "rating-INITIAL_FORMS": str(len(needs)),
        "rating-MIN_NUM_FORMS": "0",
        "rating-MAX_NUM_FORMS": "500",
    }
    for i, (need, score) in enumerate(zip(needs, scores, strict=True)):
        data[f"rating-{i}-need"] = str(need.pk)
        data[f"rating-{i}-score"] = "" if score is None else str(score)
    return data


def write_post(client, body="A first few lines.") -> dict:
    form = client.get(WRITE).context["form"]
    data = {
        "date": form["date"].value(),
        "form_key": str(form["form_key"].value()),
        "title": "",
        "body": body,
    }
    prompt = form["prompt"].value()
    if prompt:
        data["prompt"] = str(getattr(prompt, "pk", prompt))
    return data


def test_signing_up_starts_the_welcome_and_home_leads_there(client, starter):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "fresh@example.com",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    person = Need._meta.get_field("owner").related_model.objects.get(email="fresh@example.com")
    assert step_of(person) == WelcomeStep.INTRO
    client.force_login(person)
    assert client.get("/")["Location"] == WELCOME


def test_people_who_did_not_come_through_sign_up_never_see_it(client, alice):
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert profile_for(alice).welcome_step == WelcomeStep.DONE
    assert client.get(WELCOME)["Location"] == reverse("home")


def test_the_intro_explains_the_idea(client, newcomer):
    page = client.get(WELCOME).content.decode()
    for label in Category.labels:
        assert label in page
    for practice in Step.labels:
        assert practice in page
    assert "Nothing you write here is shared unless you choose" in page
    assert "step 1 of 4" in page


def test_the_whole_path_names_needs_checks_in_writes_and_lands_on_welcome(client, newcomer):
    assert client.post(WELCOME)["Location"] == NEEDS
    # Five needs across the four categories.
    chosen = [
        CatalogueNeed.objects.filter(category=category).order_by("name")[i]
        for category, i in [
            ("mental", 0),
            ("physical", 0),
            ("physical", 1),
            ("spiritual", 0),
            ("emotional", 0),
        ]
    ]
    page = client.get(NEEDS).content.decode()
    assert "Five is a good start" in page
    response = client.post(NEEDS, {"catalogue_needs": [str(c.pk) for c in chosen]})
    assert response["Location"] == CHECKIN
    needs = list(Need.objects.for_user(newcomer).order_by("pk"))
    assert sorted(n.name for n in needs) == sorted(c.name for c in chosen)
    assert step_of(newcomer) == WelcomeStep.CHECKIN

    page = client.get(CHECKIN).content.decode()
    assert all(n.name in page for n in needs)
    response = client.post(CHECKIN, checkin_post(needs, [7, 4, None, 6, 8]))
    assert response["Location"] == WRITE
    assert CheckIn.objects.for_user(newcomer).count() == 4
    assert step_of(newcomer) == WelcomeStep.WRITE

    page = client.get(WRITE)
    question = page.context["question"]
    assert question is not None and question.step == Step.HONESTY
    assert escape(question.text) in page.content.decode()
    response = client.post(WRITE, write_post(client))
    assert response["Location"] == reverse("home")
    reflection = Reflection.objects.for_user(newcomer).get()
    assert reflection.prompt_id == question.prompt.pk
    assert step_of(newcomer) == WelcomeStep.DONE

    home = client.get("/").content.decode()
    assert '<h1 class="h2">Welcome</h1>' in home
    assert "Your first reflection is saved" in home
    # Never shown again.
    for url in (WELCOME, NEEDS, CHECKIN, WRITE):
        assert client.get(url)["Location"] == reverse("home")


def test_every_step_can_be_skipped_and_home_still_works(client, newcomer):
    expected = [NEEDS, CHECKIN, WRITE, reverse("home")]
    for step, goes_to in zip(["intro", "needs", "checkin", "write"], expected, strict=True):
        assert client.post(SKIP, {"step": step})["Location"] == goes_to
    assert step_of(newcomer) == WelcomeStep.DONE
    home = client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Start by naming a few needs" in page
    assert reverse("needs:catalogue") in page
    assert not Need.objects.for_user(newcomer).exists()


def test_skipping_the_rest_ends_the_path_from_any_step(client, newcomer):
    client.post(SKIP, {"step": "intro"})
    assert client.post(SKIP, {"rest": "1"})["Location"] == reverse("home")
    assert step_of(newcomer) == WelcomeStep.DONE
    assert client.get("/").status_code == 200


def test_the_path_resumes_where_it_was_left_and_never_goes_back(client, newcomer):
    client.post(WELCOME)
    client.post(SKIP, {"step": "needs"})
    client.logout()
    client.force_login(newcomer)
    assert client.get("/")["Location"] == CHECKIN
    # An old tab's "skip" of an earlier step does not move the person back.
    assert client.post(SKIP, {"step": "intro"})["Location"] == CHECKIN
    assert client.post(SKIP, {"step": "nonsense"})["Location"] == CHECKIN
    assert step_of(newcomer) == WelcomeStep.CHECKIN


def test_choosing_no_needs_says_so_and_keeps_the_step(client, newcomer):
    client.post(WELCOME)
    response = client.post(NEEDS, {})
    assert response.status_code == 200
    assert "Choose at least one need to add." in response.content.decode()
    assert step_of(newcomer) == WelcomeStep.NEEDS


def test_a_check_in_with_no_score_says_so_and_saves_nothing(client, newcomer):
    need = make_need(newcomer, "Rest")
    client.post(SKIP, {"step": "needs"})
    response = client.post(CHECKIN, checkin_post([need], [None]))
    assert response.status_code == 200
    assert "Choose a score for at least one need, or skip this step." in response.content.decode()
    assert not CheckIn.objects.for_user(newcomer).exists()
    assert step_of(newcomer) == WelcomeStep.CHECKIN


def test_the_check_in_step_without_needs_offers_a_way_back(client, newcomer):
    client.post(SKIP, {"step": "needs"})
    page = client.get(CHECKIN).content.decode()
    assert "you haven’t chosen any yet" in page
    assert NEEDS in page


def test_another_persons_need_is_refused_at_the_check_in(client, newcomer, bob):
    theirs = make_need(bob, "Quiet")
    client.post(SKIP, {"step": "needs"})
    response = client.post(CHECKIN, checkin_post([theirs], [5]))
    assert response.status_code == 200
    assert not CheckIn.objects.filter(need=theirs).exists()
    assert step_of(newcomer) == WelcomeStep.CHECKIN


def test_an_empty_reflection_is_refused_and_nothing_is_lost(client, newcomer):
    client.post(SKIP, {"step": "checkin"})
    data = write_post(client, body="")
    data["title"] = "Kept title"
    response = client.post(WRITE, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write something before saving" in page
    assert "Kept title" in page
    assert not Reflection.objects.for_user(newcomer).exists()
    assert step_of(newcomer) == WelcomeStep.WRITE


def test_sending_the_first_reflection_twice_stores_it_once(client, newcomer):
    client.post(SKIP, {"step": "checkin"})
    data = write_post(client)
    client.post(WRITE, data)
    Profile.objects.filter(owner=newcomer).update(welcome_step=WelcomeStep.WRITE)  # the second tab
    client.post(WRITE, data)
    assert Reflection.objects.for_user(newcomer).count() == 1


def test_welcome_the_first_day_and_welcome_back_after(client, newcomer):
    client.post(SKIP, {"rest": "1"})
    assert '<h1 class="h2">Welcome</h1>' in client.get("/").content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)):
        assert '<h1 class="h2">Welcome back</h1>' in client.get("/").content.decode()


def test_someone_who_brought_earlier_days_is_welcomed_back_on_their_first_day(client, alice):
    make_checkin(alice, make_need(alice, "Rest"), dt.date.today() - dt.timedelta(days=40), 6)
    client.force_login(alice)
    assert '<h1 class="h2">Welcome back</h1>' in client.get("/").content.decode()


def test_the_first_reflection_sent_again_with_changes_after_the_path_ended_is_kept(client, newcomer):
    client.post(SKIP, {"step": "checkin"})
    data = write_post(client, body="First words.")
    client.post(WRITE, data)
    assert step_of(newcomer) == WelcomeStep.DONE
    response = client.post(WRITE, data | {"body": "First words, and a few more."})
    assert response["Location"] == reverse("home")
    reflection = Reflection.objects.for_user(newcomer).get()
    assert reflection.reveal_all(owner=newcomer).body == "First words, and a few more."


@pytest.mark.parametrize("path_done", [False, True], ids=["on-the-path", "path-done-meanwhile"])
def test_a_first_reflection_sent_after_the_session_expired_comes_back_after_logging_in(
    client, newcomer, path_done
):
    client.post(SKIP, {"step": "checkin"})
    data = write_post(client, body="Words written slowly, over a long evening.")
    data[recovery.WRITER_FIELD] = person_tag(newcomer)
    client.logout()  # the session expired while they wrote
    kept = client.post(WRITE, data)
    assert kept.status_code == 302 and kept["Location"].startswith(reverse("account_login"))
    assert recovery.cookie_name() in kept.cookies
    if path_done:
        Profile.objects.filter(owner=newcomer).update(welcome_step=WelcomeStep.DONE)
    client.post(reverse("account_login"), {"login": newcomer.email, "password": PASSWORD})
    page = client.get(WRITE)
    assert page.status_code == 200
    assert page.context["form"]["body"].value() == "Words written slowly, over a long evening."
    assert "Nothing is saved yet" in page.content.decode()
    assert not Reflection.objects.for_user(newcomer).exists()
