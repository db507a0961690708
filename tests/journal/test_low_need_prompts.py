"""The question next to a need that could use some care: one staff tied to that need first, else one of its
category, as before."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from journal.models import Prompt, Step
from journal.services.prompts import PROMPTS_FILE, prompts_for_low_needs
from needs.models.needs import CatalogueNeed
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def running_low(owner, name: str, category: str, catalogue: CatalogueNeed | None = None):
    need = make_need(owner, name, category)
    need.catalogue_need = catalogue
    need.save()
    for back in range(16):
        make_checkin(owner, need, TODAY - dt.timedelta(days=back), 2)
    return need


def low_section(html: str) -> str:
    return html.split("could use some care", 1)[1].split("</section>", 1)[0]


@time_machine.travel(NOW, tick=False)
def test_a_question_tied_to_the_catalogue_need_comes_before_one_of_its_category(client, alice):
    play = CatalogueNeed.objects.create(
        slug="play", name="Play and fun", category="emotional", description="-"
    )
    Prompt.objects.create(
        slug="reassurance", text="Can you ask for reassurance?", step=Step.OPENNESS, category="emotional"
    )
    need = running_low(alice, "Play and fun", "emotional", play)
    client.force_login(alice)
    assert "Can you ask for reassurance?" in low_section(
        client.get("/").content.decode()
    )  # the category, as before

    tied = Prompt.objects.create(slug="fun", text="Who could you laugh with?", step=Step.TIME_ALONE)
    tied.catalogue_needs.add(play)
    response = client.get("/")
    assert [(i["need"], i["prompt"]) for i in response.context["low_needs"]] == [(need, tied)]
    section = low_section(response.content.decode())
    assert "Who could you laugh with?" in section and "reassurance" not in section
    assert f"?prompt={tied.pk}&amp;need={need.pk}" in section


@time_machine.travel(NOW, tick=False)
def test_a_tied_question_that_is_inactive_or_kept_out_of_the_daily_pick_gives_way_to_the_category(alice):
    focus = CatalogueNeed.objects.create(slug="focus", name="Focus", category="mental", description="-")
    category = Prompt.objects.create(slug="c", text="Mental, asking?", step=Step.OPENNESS, category="mental")
    resting = Prompt.objects.create(slug="r", text="Inactive?", step=Step.OPENNESS, is_active=False)
    heavy = Prompt.objects.create(slug="h", text="Heavy?", step=Step.OPENNESS, daily_pick=False)
    about = Prompt.objects.create(slug="a", text="About them?", step=Step.OPENNESS, needs_relationship=True)
    for prompt in (resting, heavy, about):
        prompt.catalogue_needs.add(focus)
    need = running_low(alice, "Focus", "mental", focus)
    assert prompts_for_low_needs([need], today=TODAY) == [{"need": need, "prompt": category}]


@time_machine.travel(NOW, tick=False)
def test_a_question_tied_to_another_need_is_not_offered(alice):
    focus = CatalogueNeed.objects.create(slug="focus", name="Focus", category="mental", description="-")
    sleep = CatalogueNeed.objects.create(slug="sleep", name="Sleep", category="physical", description="-")
    elsewhere = Prompt.objects.create(slug="s", text="Sleep?", step=Step.OPENNESS, category="mental")
    elsewhere.catalogue_needs.add(sleep)
    mine = running_low(alice, "Focus", "mental", focus)
    own = running_low(alice, "My own words", "mental")  # not from the catalogue: its category
    items = prompts_for_low_needs([mine, own], today=TODAY)
    assert [i["prompt"] for i in items] == [elsewhere, elsewhere]  # only through the category
    tied = Prompt.objects.create(slug="f", text="Focus?", step=Step.HONESTY, category="physical")
    tied.catalogue_needs.add(focus)
    items = prompts_for_low_needs([mine, own], today=TODAY)
    assert [i["prompt"] for i in items] == [tied, elsewhere]


@time_machine.travel(NOW, tick=False)
def test_the_starter_room_to_think_gets_a_question_about_room_to_think(client, alice):
    call_command("load_starter_content", verbosity=0)
    room = CatalogueNeed.objects.get(slug="room-to-think")
    running_low(alice, "Room to think", "mental", room)
    entries = json.loads(PROMPTS_FILE.read_text(encoding="utf-8"))
    fitting = {e["text"] for e in entries if "room-to-think" in e.get("catalogue_needs", ())}
    assert len(fitting) >= 2
    client.force_login(alice)
    for day in range(3):  # whichever question the day brings
        with time_machine.travel(NOW + dt.timedelta(days=day), tick=False):
            shown = client.get("/").context["low_needs"][0]["prompt"]
            assert shown.text in fitting and shown.catalogue_needs.filter(pk=room.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_the_starter_play_and_fun_no_longer_gets_a_question_about_reassurance(alice):
    call_command("load_starter_content", verbosity=0)
    play = CatalogueNeed.objects.get(slug="play-and-fun")
    need = running_low(alice, "Play and fun", "emotional", play)
    for day in range(5):
        (item,) = prompts_for_low_needs([need], today=TODAY + dt.timedelta(days=day))
        assert "reassurance" not in item["prompt"].text and play in item["prompt"].catalogue_needs.all()


@time_machine.travel(NOW, tick=False)
def test_the_home_page_reads_one_query_for_the_questions_however_many_needs_are_low(
    client, alice, django_assert_num_queries
):
    catalogue = [
        CatalogueNeed.objects.create(slug=f"c{i}", name=f"C{i}", category="mental", description="-")
        for i in range(4)
    ]
    for i, item in enumerate(catalogue):
        Prompt.objects.create(slug=f"p{i}", text=f"Q{i}?", step=Step.HONESTY).catalogue_needs.add(item)
    needs = [running_low(alice, f"N{i}", "mental", item) for i, item in enumerate(catalogue)]
    with django_assert_num_queries(1):
        items = prompts_for_low_needs(needs, today=TODAY)
    assert [i["prompt"].text for i in items] == ["Q0?", "Q1?", "Q2?", "Q3?"]
