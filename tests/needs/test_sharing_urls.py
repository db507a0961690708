"""Sharing lives under /sharing/; links saved from when it lived under /needs/ still arrive."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/needs/cards/", "/sharing/"),
        ("/needs/loved/", "/sharing/loved/"),
        ("/needs/partners/", "/sharing/partners/"),
        ("/needs/partners/join/?code=kept-as-sent", "/sharing/partners/join/?code=kept-as-sent"),
    ],
)
def test_old_sharing_links_move_permanently_and_keep_their_query(client, alice, old, new):
    client.force_login(alice)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_sharing_names_and_paths_agree():
    assert reverse("sharing:cards") == "/sharing/"
    assert reverse("sharing:love_profile") == "/sharing/loved/"
    assert reverse("sharing:partners") == "/sharing/partners/"
    assert reverse("sharing:card_create") == "/sharing/cards/new/"


def test_the_navigation_names_sharing_and_relationships(client, alice):
    client.force_login(alice)
    page = client.get(reverse("sharing:partners")).content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert ">Sharing</a>" in nav and ">Relationships</a>" in nav
    assert ">Share</a>" not in nav and ">People</a>" not in nav
    sharing_link = nav[: nav.index(">Sharing</a>")].rsplit("<a", 1)[1]
    assert "active" in sharing_link  # every page of the sharing area lights its one item
