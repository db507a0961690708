"""The staff catalogue: starter content, adopting needs through the picker (search, count, chosen cards, jump
links), and the admin's counts-only view."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.models.needs import CatalogueNeed, Category, Need
from needs.services.needs import CATEGORY_KINDS, catalogue_load, needs_adopt
from tests.factories import make_need, sign_in_with_second_factor

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


# --- The picker: search, count, chosen cards, jump links ------------------------------------------

CARD = re.compile(
    r'<li class="(?P<classes>picker-card[^"]*)" data-picker-card data-search="[^"]*"(?P<hidden> hidden)?>\s*'
    r'<input (?P<input>[^>]*id="cn-(?P<pk>[^"]+)"[^>]*)>'
)


def cards(html: str) -> dict[str, re.Match]:
    """Each catalogue card on the page by its catalogue need's id."""
    return {match["pk"]: match for match in CARD.finditer(html)}


def shown(html: str) -> set[str]:
    return {pk for pk, card in cards(html).items() if not card["hidden"]}


def chosen_count(html: str) -> int:
    return int(re.search(r"<strong data-picker-count>(\d+)</strong> chosen", html)[1])


def test_a_search_word_filters_the_catalogue_on_the_server(client, alice, catalogue):
    client.force_login(alice)
    everything = client.get(reverse("needs:catalogue")).content.decode()
    assert len(shown(everything)) == CatalogueNeed.objects.count() == len(cards(everything))

    html = client.get(reverse("needs:catalogue"), {"q": "  SLEEP "}).content.decode()
    matching = {
        str(item.pk)
        for item in CatalogueNeed.objects.all()
        if "sleep" in f"{item.name} {item.description}".lower()
    }
    assert matching and shown(html) == matching
    assert f"Showing {len(matching)} of {CatalogueNeed.objects.count()} needs." in html
    assert 'name="q" value="SLEEP"' in html  # as typed, spaces trimmed
    # Hidden cards stay in the form, so a tick on one is still sent.
    assert len(cards(html)) == CatalogueNeed.objects.count()


def test_every_search_word_must_match_and_a_category_name_matches_its_needs(client, alice, catalogue):
    client.force_login(alice)
    spiritual = {
        str(pk) for pk in CatalogueNeed.objects.filter(category="spiritual").values_list("pk", flat=True)
    }
    assert spiritual <= shown(client.get(reverse("needs:catalogue"), {"q": "Spiritual"}).content.decode())
    item = CatalogueNeed.objects.order_by("name").first()
    first_word = item.name.split()[0].lower()
    both = client.get(reverse("needs:catalogue"), {"q": f"{first_word} {item.category}"}).content.decode()
    assert str(item.pk) in shown(both)
    assert all(
        first_word in f"{n.name} {n.description}".lower() and n.category == item.category
        for n in CatalogueNeed.objects.filter(pk__in=shown(both))
    )


def test_a_search_with_no_match_says_so_and_offers_the_whole_list_again(client, alice, catalogue):
    client.force_login(alice)
    html = client.get(reverse("needs:catalogue"), {"q": "zzqx"}).content.decode()
    assert shown(html) == set()
    assert "No needs match “zzqx”." in html
    assert re.search(r'<p class="picker-empty" data-picker-empty>\s*<button[^>]*value="clear"', html)
    everything = client.get(reverse("needs:catalogue")).content.decode()
    assert re.search(r'<p class="picker-empty" data-picker-empty hidden>', everything)


def test_the_filter_button_keeps_the_ticks_and_adopts_nothing(client, alice, catalogue):
    sleep = CatalogueNeed.objects.filter(description__icontains="sleep").first()
    other = (
        CatalogueNeed.objects.exclude(name__icontains="sleep").exclude(description__icontains="sleep").first()
    )
    client.force_login(alice)
    data = {"catalogue_needs": [sleep.pk, other.pk], "q": "sleep", "filter": "1"}
    response = client.post(reverse("needs:catalogue"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Need.objects.for_user(alice).exists()
    assert "Choose at least one need" not in html
    assert str(sleep.pk) in shown(html) and str(other.pk) not in shown(html)
    for pick in (sleep, other):  # ticked, even where the search hides it
        assert "checked" in cards(html)[str(pick.pk)]["input"]
        assert f'name="catalogue_needs" value="{pick.pk}"' in html
    assert chosen_count(html) == 2
    assert re.search(r"<span data-picker-hidden-note>, <span data-picker-hidden-count>1</span> hidden", html)

    cleared = client.post(reverse("needs:catalogue"), data | {"filter": "clear"}).content.decode()
    assert len(shown(cleared)) == CatalogueNeed.objects.count()
    assert chosen_count(cleared) == 2 and 'name="q" value=""' in cleared
    assert not Need.objects.for_user(alice).exists()

    # Sending the form itself adopts both, the one the search hid included.
    response = client.post(
        reverse("needs:catalogue"), {"catalogue_needs": [sleep.pk, other.pk], "q": "sleep"}
    )
    assert response.status_code == 302
    assert set(Need.objects.for_user(alice).values_list("catalogue_need_id", flat=True)) == {
        sleep.pk,
        other.pk,
    }


def test_the_count_of_chosen_needs_and_the_chosen_cards_are_marked(client, alice, catalogue):
    mine, *picks = CatalogueNeed.objects.order_by("name")[:4]
    client.force_login(alice)
    client.post(reverse("needs:catalogue"), {"catalogue_needs": [mine.pk]})
    fresh = client.get(reverse("needs:catalogue")).content.decode()
    assert chosen_count(fresh) == 0
    assert not any("is-chosen" in card["classes"] for card in cards(fresh).values())

    # A refused send (one of the ticks is already theirs) shows the page again with the other ticks counted.
    response = client.post(reverse("needs:catalogue"), {"catalogue_needs": [mine.pk, *[p.pk for p in picks]]})
    html = response.content.decode()
    assert "no longer offered or is already yours" in html
    assert chosen_count(html) == 3
    page_cards = cards(html)
    for pick in picks:
        card = page_cards[str(pick.pk)]
        assert "is-chosen" in card["classes"].split() and "checked" in card["input"]
    assert page_cards[str(mine.pk)]["classes"].split() == ["picker-card", "is-adopted"]
    assert "disabled" in page_cards[str(mine.pk)]["input"]
    unticked = [card for pk, card in page_cards.items() if pk not in {str(p.pk) for p in (mine, *picks)}]
    assert unticked and all(card["classes"] == "picker-card" for card in unticked)
    assert html.count('class="picker-tick" aria-hidden="true">✓</span>') == len(page_cards)


def test_jump_links_lead_to_each_category_with_what_it_means(client, alice, catalogue):
    client.force_login(alice)
    html = client.get(reverse("needs:catalogue")).content.decode()
    for value, kind in CATEGORY_KINDS.items():
        assert f'<a class="picker-jump-link" href="#cat-{value}">' in html
        assert f'id="cat-{value}"' in html
        assert kind in html
    assert html.index("#cat-mental") < html.index('id="cat-mental"')


@pytest.mark.parametrize("query", ["", "sleep"])
def test_catalogue_queries_do_not_grow_with_the_catalogue_or_the_inventory(client, alice, query):
    def queries() -> int:
        client.get(reverse("needs:catalogue"))  # the profile row exists from here on
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("needs:catalogue"), {"q": query})
        assert response.status_code == 200
        return len(captured)

    client.force_login(alice)
    CatalogueNeed.objects.create(slug="sleep-0", name="Sleep 0", category="physical", description="Sleep.")
    small = queries()
    categories = Category.values
    CatalogueNeed.objects.bulk_create(
        CatalogueNeed(slug=f"n-{i}", name=f"Need {i}", category=categories[i % 4], description=f"Sleep {i}.")
        for i in range(1, 120)
    )
    adopted = list(CatalogueNeed.objects.order_by("slug")[:40])
    needs_adopt(user=alice, catalogue_needs=adopted)
    for i in range(20):
        make_need(alice, f"Own need {i}", categories[i % 4])
    large = queries()
    assert large == small <= 8
