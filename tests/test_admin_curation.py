"""Staff curation in the admin: an answered prompt is made inactive, never deleted; deleted starter content stays
deleted; the prompt list reads well, with a coverage table; prompts are tied to catalogue needs; and still no
journal text anywhere."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.admin import PromptAdmin
from journal.models import Prompt, PromptShown, RetiredStarter, Step
from needs.models.needs import CatalogueNeed
from tests.factories import make_reflection, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:journal_prompt_changelist")
SECRET_TITLE, SECRET_BODY = "ALICE-PRIVATE-TITLE", "ALICE-PRIVATE-ANSWER"
REFUSED = "can’t be deleted: make it inactive instead"


@pytest.fixture
def staff(client, db):
    curator = get_user_model().objects.create_superuser("curator", "c@example.com", "curator-password-1")
    sign_in_with_second_factor(client, curator)
    return client


def load() -> str:
    output = io.StringIO()
    call_command("load_starter_content", stdout=output)
    return output.getvalue()


def answered_prompt(alice) -> Prompt:
    prompt = Prompt.objects.create(slug="answered", text="An answered question?", step=Step.HONESTY)
    make_reflection(alice, title=SECRET_TITLE, body=SECRET_BODY, prompt=prompt)
    return prompt


def no_journal_in(html: str) -> None:
    assert SECRET_TITLE not in html and SECRET_BODY not in html
    assert "reflection of" not in html  # nor which reflections, by date
    assert "protected related objects" not in html  # Django's page that lists what stands in the way


# --- An answered prompt is made inactive, never deleted ----------------------------------------------------


def test_deleting_an_answered_prompt_is_refused_with_what_to_do_instead(staff, alice):
    prompt = answered_prompt(alice)
    change = reverse("admin:journal_prompt_change", args=[prompt.pk])
    delete = reverse("admin:journal_prompt_delete", args=[prompt.pk])
    page = staff.get(change).content.decode()
    assert delete not in page  # no "Delete" button on its change form
    assert "An answered prompt can’t be deleted: make it inactive instead." in page
    for response in (staff.get(delete, follow=True), staff.post(delete, {"post": "yes"}, follow=True)):
        assert response.redirect_chain == [(change, 302)]
        html = response.content.decode()
        assert "This prompt has been answered in people’s reflections, so it " + REFUSED in html
        no_journal_in(html)
    assert Prompt.objects.filter(pk=prompt.pk).exists()
    assert not RetiredStarter.objects.exists()
    with pytest.raises(ProtectedError):  # and the database refuses too
        prompt.delete()


def test_the_bulk_delete_refuses_when_any_selected_prompt_was_answered(staff, alice):
    answered = answered_prompt(alice)
    fresh = Prompt.objects.create(slug="fresh", text="Never answered?", step=Step.HONESTY)
    for data in (
        {"action": "delete_selected", "_selected_action": [answered.pk, fresh.pk]},
        {"action": "delete_selected", "_selected_action": [answered.pk, fresh.pk], "post": "yes"},
    ):
        response = staff.post(CHANGELIST, data, follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Nothing was deleted: 1 of the selected prompts has been answered" in html
        assert "Make them inactive instead" in html
        no_journal_in(html)
    assert set(Prompt.objects.values_list("slug", flat=True)) == {"answered", "fresh"}


def test_an_answer_saved_between_the_page_and_the_press_is_still_refused_in_plain_words(
    staff, alice, monkeypatch
):
    prompt = answered_prompt(alice)
    monkeypatch.setattr(PromptAdmin, "answered_count", staticmethod(lambda obj: 0))  # as if not answered yet
    delete = reverse("admin:journal_prompt_delete", args=[prompt.pk])
    confirm = staff.get(delete).content.decode()
    no_journal_in(confirm)
    response = staff.post(delete, {"post": "yes"}, follow=True)
    html = response.content.decode()
    assert REFUSED in html
    no_journal_in(html)
    bulk = staff.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [prompt.pk], "post": "yes"}, follow=True
    )
    assert "Nothing was deleted" in bulk.content.decode()
    assert Prompt.objects.filter(pk=prompt.pk).exists() and not RetiredStarter.objects.exists()


# --- Deleted starter content stays deleted ---------------------------------------------------------------


def test_deleting_an_unanswered_starter_prompt_retires_it_for_good(staff, alice):
    load()
    prompt = Prompt.objects.get(slug="honesty-mental-crowded-head")
    PromptShown.objects.create(owner=alice, date="2026-06-01", prompt=prompt)
    delete = reverse("admin:journal_prompt_delete", args=[prompt.pk])
    confirm = staff.get(delete).content.decode()
    assert "prompt of 2026-06-01" not in confirm  # how much goes, never whose days
    response = staff.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not Prompt.objects.filter(slug=prompt.slug).exists()
    assert RetiredStarter.objects.filter(kind="prompt", slug=prompt.slug).exists()
    assert "0 prompt(s) added" in load()
    assert not Prompt.objects.filter(slug=prompt.slug).exists()


def test_bulk_deleting_unanswered_prompts_retires_the_starter_ones_only(staff):
    load()
    starter = Prompt.objects.get(slug="honesty-mental-crowded-head")
    own = Prompt.objects.create(slug="staff-own", text="Staff wrote this?", step=Step.HONESTY)
    data = {"action": "delete_selected", "_selected_action": [starter.pk, own.pk]}
    confirm = staff.post(CHANGELIST, data)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    response = staff.post(CHANGELIST, {**data, "post": "yes"}, follow=True)
    assert "Successfully deleted 2 prompts" in response.content.decode()
    assert list(RetiredStarter.objects.values_list("kind", "slug")) == [("prompt", starter.slug)]
    load()
    assert not Prompt.objects.filter(slug__in=[starter.slug, own.slug]).exists()


def test_deleting_a_starter_catalogue_need_retires_it_for_good(staff):
    load()
    need = CatalogueNeed.objects.get(slug="play-and-fun")
    response = staff.post(reverse("admin:needs_catalogueneed_delete", args=[need.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert RetiredStarter.objects.filter(kind="catalogue_need", slug="play-and-fun").exists()
    assert "0 need(s) added" in load()
    assert not CatalogueNeed.objects.filter(slug="play-and-fun").exists()
    others = CatalogueNeed.objects.filter(slug__in=["stillness", "hope"])
    staff.post(
        reverse("admin:needs_catalogueneed_changelist"),
        {"action": "delete_selected", "_selected_action": [n.pk for n in others], "post": "yes"},
    )
    load()
    assert not CatalogueNeed.objects.filter(slug__in=["stillness", "hope"]).exists()
    assert RetiredStarter.objects.filter(kind="catalogue_need").count() == 3


# --- The prompt form -------------------------------------------------------------------------------------


def test_the_prompt_form_fills_its_slug_from_the_text_and_ties_catalogue_needs(staff):
    calm = CatalogueNeed.objects.create(slug="calm", name="Calm", category="mental", description="-")
    add = reverse("admin:journal_prompt_add")
    page = staff.get(add).content.decode()
    assert "django-admin-prepopulated-fields-constants" in page
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in page and "&quot;#id_text&quot;" in page
    assert 'class="selectfilter"' in page or "selectfilter" in page  # the two-list picker for catalogue needs
    response = staff.post(
        add,
        {
            "text": "What would a calm hour look like?",
            "slug": "what-would-a-calm-hour-look-like",
            "follow_up": "",
            "step": "time_alone",
            "category": "mental",
            "catalogue_needs": [calm.pk],
            "is_active": "on",
            "daily_pick": "on",
        },
    )
    assert response.status_code == 302
    prompt = Prompt.objects.get(slug="what-would-a-calm-hour-look-like")
    assert list(prompt.catalogue_needs.all()) == [calm]
    catalogue = staff.get(reverse("admin:needs_catalogueneed_changelist")).content.decode()
    assert '<td class="field-questions">1</td>' in catalogue


def test_a_duplicate_catalogue_name_is_refused_in_plain_words_on_the_add_form(staff):
    CatalogueNeed.objects.create(slug="play", name="Play and fun", category="emotional", description="-")
    response = staff.post(
        reverse("admin:needs_catalogueneed_add"),
        {
            "name": "play AND fun",
            "slug": "play-2",
            "category": "emotional",
            "description": "Again",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The catalogue already has a need with this name (capitals aside)." in html
    assert "Choose another name, or edit the one that is there." in html
    assert "Constraint" not in html and "catalogueneed_unique_name_ci" not in html
    assert CatalogueNeed.objects.count() == 1


# --- The list and its coverage table ---------------------------------------------------------------------


def test_the_prompt_list_has_few_columns_a_wide_text_filters_and_search(staff):
    Prompt.objects.create(slug="p", text="A long question " * 10, step=Step.HONESTY, category="mental")
    html = staff.get(CHANGELIST).content.decode()
    for column in ("text", "step", "category", "is_active", "shown", "answered"):
        assert f"column-{column}" in html, column
    for gone in ("daily_pick", "needs_relationship", "points_to_help", "follow_up"):
        assert f"column-{gone}" not in html, gone
    assert "css/admin-curation" in html  # the wider text column
    assert 'id="searchbar"' in html and "tied to catalogue needs" in html


def test_the_tied_filter_shows_prompts_with_and_without_catalogue_needs(staff):
    calm = CatalogueNeed.objects.create(slug="calm", name="Calm", category="mental", description="-")
    Prompt.objects.create(slug="tied", text="Tied one?", step=Step.HONESTY).catalogue_needs.add(calm)
    Prompt.objects.create(slug="loose", text="Loose one?", step=Step.HONESTY)
    tied = staff.get(CHANGELIST + "?tied=yes").content.decode()
    loose = staff.get(CHANGELIST + "?tied=no").content.decode()
    assert "Tied one?" in tied and "Loose one?" not in tied
    assert "Loose one?" in loose and "Tied one?" not in loose


def test_the_coverage_table_counts_active_prompts_per_step_and_category_and_marks_gaps(staff):
    for i in range(3):
        Prompt.objects.create(slug=f"hm{i}", text=f"Honest mind {i}?", step=Step.HONESTY, category="mental")
    Prompt.objects.create(
        slug="off", text="Inactive?", step=Step.HONESTY, category="physical", is_active=False
    )
    Prompt.objects.create(slug="any", text="Any?", step=Step.PATIENCE)
    response = staff.get(CHANGELIST)
    coverage = response.context["coverage"]
    honesty = next(row for row in coverage["rows"] if row["label"] == "Honesty")
    assert [cell["count"] for cell in honesty["cells"]] == [3, 0, 0, 0, 0]  # the inactive one does not count
    patience = next(row for row in coverage["rows"] if row["label"] == "Patience")
    assert [cell["count"] for cell in patience["cells"]] == [0, 0, 0, 0, 1]
    assert coverage["empty"] == 5 * 5 - 2
    html = response.content.decode()
    assert "Coverage: active prompts by step and category" in html
    assert "23 cells without an active prompt" in html
    assert html.count('class="coverage-empty"') == 23
    assert "?is_active__exact=1&amp;step__exact=honesty&amp;category__exact=mental" in html
    assert "3 active Honesty prompts, Mental" in html
    # A number opens those prompts, the column for any category included.
    cell = patience["cells"][-1]["url"]
    opened = staff.get(cell)
    assert opened.status_code == 200
    assert [p.slug for p in opened.context["cl"].result_list] == ["any"]
    opened = staff.get(honesty["cells"][0]["url"])
    assert sorted(p.slug for p in opened.context["cl"].result_list) == ["hm0", "hm1", "hm2"]


def test_the_prompt_list_reads_the_same_queries_however_many_prompts(staff, alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(CHANGELIST).status_code == 200
        return len(queries)

    Prompt.objects.create(slug="one", text="One?", step=Step.HONESTY)
    few = count()
    load()
    for prompt in Prompt.objects.all()[:10]:
        make_reflection(alice, prompt=prompt)
    assert count() == few


# --- Still no journal -------------------------------------------------------------------------------------


def test_no_curation_page_shows_what_anyone_wrote(staff, alice):
    prompt = answered_prompt(alice)
    fresh = Prompt.objects.create(slug="fresh", text="Fresh?", step=Step.HONESTY)
    PromptShown.objects.create(owner=alice, date="2026-06-01", prompt=fresh)
    pages = [
        staff.get(CHANGELIST),
        staff.get(CHANGELIST + "?q=answered"),
        staff.get(reverse("admin:journal_prompt_change", args=[prompt.pk])),
        staff.get(reverse("admin:journal_prompt_history", args=[prompt.pk])),
        staff.get(reverse("admin:journal_prompt_delete", args=[prompt.pk]), follow=True),
        staff.get(reverse("admin:journal_prompt_delete", args=[fresh.pk])),
        staff.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [fresh.pk]}),
        staff.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [prompt.pk]}, follow=True),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        no_journal_in(html)
        assert "alice" not in html and "prompt of 2026-06-01" not in html
