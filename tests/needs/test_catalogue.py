"""The staff catalogue: starter content, adopting needs, and the admin's counts-only view."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from needs.models.needs import CatalogueNeed, Category, Need
from needs.services.needs import catalogue_load
from tests.factories import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    catalogue_load()
    return CatalogueNeed.objects.all()


def test_starter_catalogue_has_at_least_12_active_needs_per_category(catalogue):
    for category in Category.values:
        assert CatalogueNeed.objects.filter(category=category, is_active=True).count() >= 12
    assert CatalogueNeed.objects.count() >= 48


def test_loading_again_adds_nothing_and_never_overwrites_staff_edits(catalogue):
    edited = CatalogueNeed.objects.order_by("slug").first()
    edited.description = "Staff rewrote this."
    edited.is_active = False
    edited.save()
    count = CatalogueNeed.objects.count()
    call_command("load_starter_content")
    assert CatalogueNeed.objects.count() == count
    edited.refresh_from_db()
    assert edited.description == "Staff rewrote this." and not edited.is_active


def test_adopting_several_needs_at_once(client, alice, catalogue):
    picks = list(CatalogueNeed.objects.filter(category__in=["mental", "emotional"])[:3])
    client.force_login(alice)
    response = client.post(reverse("needs:catalogue"), {"catalogue_needs": [p.pk for p in picks]})
    assert response.status_code == 302
    mine = Need.objects.for_user(alice)
    assert {n.catalogue_need_id for n in mine} == {p.pk for p in picks}
    # The catalogue's description becomes the person's own (sealed) words, ready to edit.
    need = mine.get(catalogue_need=picks[0])
    assert need.reveal("met_looks_like", owner=alice) == picks[0].description


def test_already_adopted_needs_are_shown_so_and_cannot_be_adopted_twice(client, alice, catalogue):
    pick = CatalogueNeed.objects.first()
    client.force_login(alice)
    client.post(reverse("needs:catalogue"), {"catalogue_needs": [pick.pk]})
    page = client.get(reverse("needs:catalogue")).content.decode()
    assert "Already yours" in page
    assert f'name="catalogue_needs" value="{pick.pk}"' not in page
    response = client.post(reverse("needs:catalogue"), {"catalogue_needs": [pick.pk]})
    assert response.status_code == 200
    assert "no longer offered or is already yours" in response.content.decode()
    assert Need.objects.for_user(alice).filter(catalogue_need=pick).count() == 1


def test_adopting_nothing_asks_for_a_choice(client, alice, catalogue):
    client.force_login(alice)
    response = client.post(reverse("needs:catalogue"), {})
    assert "Choose at least one need to add." in response.content.decode()


def test_inactive_catalogue_needs_are_not_offered(client, alice, catalogue):
    hidden = CatalogueNeed.objects.first()
    hidden.is_active = False
    hidden.save()
    client.force_login(alice)
    assert hidden.name not in client.get(reverse("needs:catalogue")).content.decode()
    response = client.post(reverse("needs:catalogue"), {"catalogue_needs": [hidden.pk]})
    assert response.status_code == 200
    assert not Need.objects.for_user(alice).exists()


@pytest.fixture
def staff_client(client, db):
    admin = get_user_model().objects.create_superuser("curator", "curator@example.com", "curator-password-1")
    sign_in_with_second_factor(client, admin)  # the admin asks for a second factor
    return client


def test_admin_lists_how_many_people_adopted_a_need_but_never_who(staff_client, alice, bob, catalogue):
    pick = CatalogueNeed.objects.get(slug=CatalogueNeed.objects.order_by("slug").first().slug)
    for person in (alice, bob):
        Need.objects.create(owner=person, name=pick.name, category=pick.category, catalogue_need=pick)
    response = staff_client.get(reverse("admin:needs_catalogueneed_changelist") + f"?q={pick.slug}")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="field-adopted_by">2</td>' in html
    change = staff_client.get(reverse("admin:needs_catalogueneed_change", args=[pick.pk])).content.decode()
    for page in (html, change):
        assert "alice" not in page and "bob" not in page


def test_admin_filters_and_bulk_deactivates(staff_client, catalogue):
    url = reverse("admin:needs_catalogueneed_changelist")
    assert staff_client.get(url + "?category__exact=spiritual").status_code == 200
    ids = list(CatalogueNeed.objects.filter(category="spiritual").values_list("pk", flat=True)[:2])
    staff_client.post(url, {"action": "deactivate", "_selected_action": ids})
    assert CatalogueNeed.objects.filter(pk__in=ids, is_active=False).count() == 2
    staff_client.post(url, {"action": "activate", "_selected_action": ids})
    assert CatalogueNeed.objects.filter(pk__in=ids, is_active=True).count() == 2


def test_admin_registers_no_person_written_model(staff_client):
    from django.contrib import admin

    from needs.models.accounts import Profile
    from needs.models.keys import DataKey
    from needs.models.needs import CheckIn

    for model in (Need, CheckIn, Profile, DataKey):
        assert model not in admin.site._registry
