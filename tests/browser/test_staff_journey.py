"""Staff reach the admin through allauth and a second factor; a person sees what staff did to their account."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from needs.services.staff import account_status_set
from tests.browser.helpers import assert_accessible, label
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_without_a_second_factor_are_sent_to_set_one_up(page, live_server):
    base = live_server.url
    curator = make_person("curator@example.com")
    get_user_model().objects.filter(pk=curator.pk).update(is_staff=True, is_superuser=True)

    page.goto(base + "/admin/")
    # The admin has no log-in form of its own: allauth's, which then returns to the admin.
    expect(page).to_have_url(base + "/accounts/login/?next=/admin/")
    page.get_by_label(label("Email")).fill("curator@example.com")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Curation needs a second factor")
    assert_accessible(page)
    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-factor authentication")


def test_a_person_sees_staff_actions_on_their_devices_page(page, live_server):
    base = live_server.url
    curator = get_user_model().objects.create_superuser("curator", "curator@example.com", "curator-pw-123")
    person = make_person("rumi@example.com")
    people = get_user_model().objects.filter(pk=person.pk)
    account_status_set(actor=curator, people=people, active=False)
    account_status_set(actor=curator, people=people, active=True)

    page.goto(base + "/accounts/login/")
    page.get_by_label(label("Email")).fill("rumi@example.com")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto(base + "/accounts/sessions/")
    section = page.get_by_role("region", name="Staff actions on your account")
    expect(section.get_by_role("row")).to_have_count(3)  # the header and two actions
    expect(section).to_contain_text("Suspended your account")
    expect(section).to_contain_text("Reinstated your account")
    assert_accessible(page)
