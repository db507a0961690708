"""A person's needs: add, edit, archive, restore, delete, and the inventory page."""

import datetime as dt

import pytest
from django.urls import reverse

from needs.models.needs import CheckIn, Need
from tests.factories import make_checkin, make_need

pytestmark = pytest.mark.django_db


def test_new_person_sees_an_empty_state_leading_to_the_catalogue(client, alice):
    client.force_login(alice)
    html = client.get(reverse("needs:inventory")).content.decode()
    assert "Start with what you already know" in html
    assert reverse("needs:catalogue") in html


def test_adding_a_need_in_their_own_words(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("needs:need_create"),
        {
            "name": "  Quiet   mornings ",
            "category": "spiritual",
            "importance": "5",
            "met_looks_like": "An hour before anyone needs me.",
            "what_helps": "Phone in another room.",
        },
    )
    need = Need.objects.for_user(alice).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "needs:need_detail", args=[need.pk]
    )
    assert (need.name, need.category, need.importance) == ("Quiet mornings", "spiritual", 5)
    assert need.reveal("what_helps", owner=alice) == "Phone in another room."
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "An hour before anyone needs me." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "restful SLEEP"}, "You already have a need with this name."),
        ({"importance": "6"}, "Select a valid choice."),
        ({"importance": "0"}, "Select a valid choice."),
        ({"category": "financial"}, "Select a valid choice."),
        ({"met_looks_like": "x" * 10_001}, "Ensure this value has at most 10000 characters (it has 10001)."),
        ({"name": "n" * 81}, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_bad_need_input_gets_a_clear_message_and_saves_nothing(client, alice, data, message):
    make_need(alice, "Restful sleep")
    client.force_login(alice)
    form = {
        "name": "Play",
        "category": "emotional",
        "importance": "3",
        "met_looks_like": "",
        "what_helps": "",
    }
    response = client.post(reverse("needs:need_create"), {**form, **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert Need.objects.for_user(alice).count() == 1
    # Nothing typed is lost: the long text comes back whole.
    if "met_looks_like" in data:
        assert data["met_looks_like"] in html


def test_editing_a_need_keeps_its_sealed_words(client, alice):
    need = make_need(alice, "Rest", met="Old words", helps="Naps")
    client.force_login(alice)
    form = client.get(reverse("needs:need_edit", args=[need.pk])).content.decode()
    assert "Old words" in form and "Naps" in form
    client.post(
        reverse("needs:need_edit", args=[need.pk]),
        {
            "name": "Deep rest",
            "category": "physical",
            "importance": "4",
            "met_looks_like": "New",
            "what_helps": "",
        },
    )
    need.refresh_from_db()
    assert need.name == "Deep rest" and need.importance == 4
    assert need.reveal("met_looks_like", owner=alice) == "New"
    assert need.reveal("what_helps", owner=alice) == ""


def test_archive_and_restore_keep_the_history(client, alice):
    need = make_need(alice, "Rest")
    make_checkin(alice, need, dt.date(2026, 3, 1), 4)
    client.force_login(alice)
    client.post(reverse("needs:need_archive", args=[need.pk]))
    need.refresh_from_db()
    assert need.is_archived
    inventory = client.get(reverse("needs:inventory")).content.decode()
    assert "Archived needs (1)" in inventory
    assert CheckIn.objects.filter(need=need).count() == 1
    client.post(reverse("needs:need_restore", args=[need.pk]))
    need.refresh_from_db()
    assert not need.is_archived


def test_delete_asks_first_and_says_the_history_goes_too(client, alice):
    need = make_need(alice, "Rest")
    make_checkin(alice, need, dt.date(2026, 3, 1), 4)
    make_checkin(alice, need, dt.date(2026, 3, 2), 5)
    client.force_login(alice)
    confirm = client.get(reverse("needs:need_delete", args=[need.pk])).content.decode()
    assert "and its whole history" in confirm and "2 check-ins" in confirm
    assert Need.objects.filter(pk=need.pk).exists()
    client.post(reverse("needs:need_delete", args=[need.pk]))
    assert not Need.objects.filter(pk=need.pk).exists()
    assert not CheckIn.objects.filter(need_id=need.pk).exists()


def test_inventory_groups_by_category_orders_by_importance_and_shows_latest_score(client, alice):
    low = make_need(alice, "Low", "mental", importance=1)
    high = make_need(alice, "High", "mental", importance=5)
    body = make_need(alice, "Body", "physical", importance=3)
    make_checkin(alice, high, dt.date(2026, 11, 1), 3)
    make_checkin(alice, high, dt.date(2026, 11, 20), 9)
    client.force_login(alice)
    html = client.get(reverse("needs:inventory")).content.decode()
    assert html.index("High") < html.index("Low") < html.index("Body")
    assert '<span class="score-badge">9<span class="visually-hidden"> out of 10</span></span>' in html
    assert "on 20 Nov" in html
    assert f'aria-labelledby="spark-{high.pk}"' in html
    assert f'aria-labelledby="spark-{low.pk}"' not in html  # no check-ins, no line
    assert body.name in html


def test_the_add_a_need_form_says_names_are_not_encrypted(client, alice):
    client.force_login(alice)
    page = client.get(reverse("needs:need_create")).content.decode()
    assert "Names are stored unencrypted" in page


def test_a_need_name_never_travels_in_a_cookie(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("needs:need_create"),
        {
            "name": "Quiet mornings alone",
            "category": "mental",
            "importance": "3",
            "met_looks_like": "",
            "what_helps": "",
        },
    )
    assert response.status_code == 302
    assert Need.objects.for_user(alice).filter(name="Quiet mornings alone").exists()
    assert all("Quiet mornings" not in morsel.value for morsel in response.cookies.values())
    assert "messages" not in response.cookies
    # The confirmation still reaches the person, from the session on the server.
    assert "Quiet mornings alone" in client.get(response["Location"]).content.decode()
