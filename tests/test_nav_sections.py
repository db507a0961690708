"""The main navigation lights up the section a page belongs to, and none for settings, data and account pages."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import make_need, make_reflection

pytestmark = pytest.mark.django_db


def lit(html: str) -> set[str]:
    """The sections lit in the main navigation (the wide bar's list; the phone menu repeats it)."""
    bar = html[html.index('class="navbar-nav site-links') :]
    bar = bar[: bar.index("</ul>")]
    return set(re.findall(r'<a class="nav-link active"[^>]*>([^<]+)</a>', bar))


def test_each_page_lights_its_own_section(client, alice):
    need = make_need(alice, "Rest")
    reflection = make_reflection(alice, title="A note")
    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # the import page asks first
    expected = {
        reverse("home"): {"Home"},
        reverse("journal:reflection_list"): {"Journal"},
        reverse("journal:calendar"): {"Journal"},
        reverse("journal:trash"): {"Journal"},
        reverse("journal:reflection_detail", args=[reflection.pk]): {"Journal"},
        reverse("journal:prompt_list"): {"Journal"},
        reverse("journal:insights"): {"Insights"},
        reverse("journal:insights_feelings"): {"Insights"},
        reverse("journal:insights_year"): {"Insights"},
        reverse("journal:weekly_review"): {"Insights"},
        reverse("needs:inventory"): {"Needs"},
        reverse("needs:need_detail", args=[need.pk]): {"Needs"},
        reverse("needs:checkin"): {"Check in"},
        reverse("needs:wheel"): {"Wheel"},
        reverse("needs:relationships"): {"Relationships"},
        reverse("sharing:cards"): {"Sharing"},
        # Settings, your data, import and the account pages belong to the account menu, not to the journal.
        reverse("journal:settings"): set(),
        reverse("journal:data"): set(),
        reverse("journal:import"): set(),
        reverse("account_email"): set(),
        reverse("usersessions_list"): set(),
    }
    for url, sections in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert lit(response.content.decode()) == sections, url


def test_the_account_menu_marks_the_page_you_are_on(client, alice):
    client.force_login(alice)
    html = client.get(reverse("journal:data")).content.decode()
    assert f'href="{reverse("journal:data")}" aria-current="page">Your data</a>' in html
    assert f'href="{reverse("journal:settings")}">Settings</a>' in html
