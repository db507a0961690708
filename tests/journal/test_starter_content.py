"""`load_starter_content`: what staff deleted stays deleted, what they made inactive stays inactive, and starter
prompts are tied to the catalogue needs they speak to."""

import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from journal.models import Prompt, RetiredStarter
from journal.services.prompts import PROMPTS_FILE, starter_retire
from needs.models.needs import CatalogueNeed
from needs.services.needs import CATALOGUE_FILE

pytestmark = pytest.mark.django_db


def load() -> str:
    output = io.StringIO()
    call_command("load_starter_content", stdout=output)
    return output.getvalue()


def test_a_retired_starter_item_never_comes_back_and_an_inactive_one_stays_inactive(db):
    load()
    prompts, needs = Prompt.objects.count(), CatalogueNeed.objects.count()
    Prompt.objects.filter(slug="honesty-mental-crowded-head").delete()
    CatalogueNeed.objects.filter(slug="play-and-fun").delete()
    RetiredStarter.objects.create(kind=RetiredStarter.Kind.PROMPT, slug="honesty-mental-crowded-head")
    RetiredStarter.objects.create(kind=RetiredStarter.Kind.CATALOGUE_NEED, slug="play-and-fun")
    Prompt.objects.filter(slug="honesty-mental-say-in-decisions").update(is_active=False)
    CatalogueNeed.objects.filter(slug="autonomy").update(is_active=False)
    # Deleted without being retired (straight from the database, not through the admin): it comes back.
    Prompt.objects.filter(slug="honesty-physical-body-asking").delete()
    output = load()
    assert "0 need(s) added" in output and "1 prompt(s) added" in output
    assert not Prompt.objects.filter(slug="honesty-mental-crowded-head").exists()
    assert not CatalogueNeed.objects.filter(slug="play-and-fun").exists()
    assert Prompt.objects.filter(slug="honesty-physical-body-asking").exists()
    assert (Prompt.objects.count(), CatalogueNeed.objects.count()) == (prompts - 1, needs - 1)
    assert not Prompt.objects.get(slug="honesty-mental-say-in-decisions").is_active
    assert not CatalogueNeed.objects.get(slug="autonomy").is_active


def test_retiring_records_only_starter_slugs_and_only_once(db):
    starters = {"a-starter"}
    assert starter_retire(kind="prompt", slugs=["a-starter", "staff-own"], starter_slugs=starters) == 1
    starter_retire(kind="prompt", slugs=["a-starter"], starter_slugs=starters)
    assert list(RetiredStarter.objects.values_list("kind", "slug")) == [("prompt", "a-starter")]


def test_starter_prompts_are_tied_to_the_catalogue_needs_the_file_names(db):
    output = load()
    entries = json.loads(PROMPTS_FILE.read_text(encoding="utf-8"))
    catalogue = {e["slug"] for e in json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))}
    tied = [e for e in entries if e.get("catalogue_needs")]
    assert len(tied) >= 50 and f"{len(tied)} prompt(s) tied" in output
    for entry in tied:
        assert set(entry["catalogue_needs"]) <= catalogue, entry["slug"]
        prompt = Prompt.objects.get(slug=entry["slug"])
        assert set(prompt.catalogue_needs.values_list("slug", flat=True)) == set(entry["catalogue_needs"])
    assert "0 prompt(s) tied" in load()  # a second run changes nothing


def test_links_reach_an_older_deployment_once_and_never_replace_what_staff_chose(db):
    load()
    Prompt.catalogue_needs.through.objects.all().delete()  # as before prompts had links
    chosen = Prompt.objects.get(slug="openness-mental-time-before-answering")
    staff_pick = CatalogueNeed.objects.get(slug="autonomy")
    chosen.catalogue_needs.set([staff_pick])
    # The starter load ties only what it adds: the prompts already here wait for the migration.
    assert "0 prompt(s) tied" in load()
    assert not Prompt.objects.get(slug="honesty-mental-needing-time-to-think").catalogue_needs.exists()
    migration = importlib.import_module("journal.migrations.0012_tie_starter_prompts_to_catalogue_needs")
    migration.tie(django_apps, None)
    assert list(chosen.catalogue_needs.all()) == [staff_pick]
    other = Prompt.objects.get(slug="honesty-mental-needing-time-to-think")
    assert list(other.catalogue_needs.values_list("slug", flat=True)) == ["room-to-think"]


def test_links_staff_removed_are_not_put_back_by_the_next_load(db):
    load()
    prompt = Prompt.objects.get(slug="honesty-mental-needing-time-to-think")
    assert prompt.catalogue_needs.exists()
    prompt.catalogue_needs.clear()
    assert "0 prompt(s) tied" in load()
    assert not prompt.catalogue_needs.exists()
