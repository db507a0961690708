"""Ending a partner connection: a page first says exactly what stops being visible to both people, with counts;
only its button ends it, Cancel changes nothing, and the end action sits apart from "Choose what I share"."""

import re

import pytest
from django.urls import reverse

from needs.models.sharing import Answer, Connection, SharedNeed
from needs.services.sharing import partner_answer_save, partnership_end
from tests.conftest import make_person
from tests.factories import make_connection, make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(alice, bob):
    """alice shares two needs with bob and bob one with her; bob answered one of hers, she answered his."""
    connection = make_connection(alice, bob)
    alices = [make_need(alice, "Rest", "physical"), make_need(alice, "Being heard", "emotional")]
    bobs = make_need(bob, "Long walks", "physical")
    shares = [SharedNeed.objects.create(connection=connection, owner=alice, need=need) for need in alices]
    bobs_share = SharedNeed.objects.create(connection=connection, owner=bob, need=bobs)
    partner_answer_save(user=bob, shared=shares[0], kind=Answer.OFFER, note="Sundays")
    partner_answer_save(user=alice, shared=bobs_share, kind=Answer.MORE)
    return connection


def test_the_end_page_says_what_goes_for_both_people_with_counts_and_changes_nothing(client, alice, exchange):
    client.force_login(alice)
    response = client.get(reverse("sharing:partner_end", args=[exchange.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The 2 needs you share here stop being visible to them." in html
    assert "The 1 need they share with you stops being visible to you." in html
    assert "The answers between you stop being visible too: 1 from you and 1 from them." in html
    cancel = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Cancel, keep it</a>', html)
    assert cancel and cancel.group(1) == reverse("sharing:partner_detail", args=[exchange.pk])
    exchange.refresh_from_db()
    assert exchange.ended_at is None
    assert client.get(cancel.group(1)).status_code == 200


def test_the_end_page_says_plainly_when_nothing_is_shared(client, alice, bob):
    connection = make_connection(alice, bob)
    client.force_login(bob)
    html = client.get(reverse("sharing:partner_end", args=[connection.pk])).content.decode()
    assert "You share no needs here." in html and "They share no needs with you here." in html
    assert "answers between you" not in html


def test_only_the_confirmation_post_ends_the_connection_for_both(client, alice, bob, exchange):
    client.force_login(bob)
    response = client.post(reverse("sharing:partner_end", args=[exchange.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("sharing:partners")
    exchange.refresh_from_db()
    assert exchange.ended_at is not None
    for person in (alice, bob):
        client.force_login(person)
        assert client.get(reverse("sharing:partner_detail", args=[exchange.pk])).status_code == 404
        assert client.get(reverse("sharing:partner_end", args=[exchange.pk])).status_code == 404
    assert Answer.objects.count() == 2  # nothing deleted from either journal


def test_someone_outside_the_connection_gets_404_for_its_end_page(client, exchange):
    carol = make_person("carol@example.com")
    client.force_login(carol)
    assert client.get(reverse("sharing:partner_end", args=[exchange.pk])).status_code == 404
    assert client.post(reverse("sharing:partner_end", args=[exchange.pk])).status_code == 404
    exchange.refresh_from_db()
    assert exchange.ended_at is None


def test_the_detail_page_links_to_the_end_page_at_its_foot_not_beside_choose_what_i_share(
    client, alice, exchange
):
    client.force_login(alice)
    html = client.get(reverse("sharing:partner_detail", args=[exchange.pk])).content.decode()
    end_url = reverse("sharing:partner_end", args=[exchange.pk])
    # No form on the page ends the connection in one tap.
    assert f'action="{end_url}"' not in html
    link = html.index(f'href="{end_url}"')
    assert html.index("Choose what I share") < html.index("</table>") < link
    assert "partner-end-link" in html[html.rindex("<a", 0, link) : link + 200]


def test_ending_twice_keeps_the_first_moment(exchange):
    partnership_end(connection=exchange)
    first = Connection.objects.get(pk=exchange.pk).ended_at
    partnership_end(connection=exchange)
    assert Connection.objects.get(pk=exchange.pk).ended_at == first
