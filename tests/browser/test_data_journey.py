"""A person downloads their data, imports it into a new account, and deletes an account."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from journal.models import Reflection
from needs.models.needs import Need
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person, run_background_tasks
from tests.factories import make_checkin, make_need, make_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_then_import_into_another_account(page, live_server, tmp_path):
    base = live_server.url
    owner = make_person("owner@example.com")
    need = make_need(owner, "Quiet evenings", met="Phone off after nine")
    import datetime as dt

    make_checkin(owner, need, dt.date(2026, 1, 3), 6, note="better")
    make_reflection(
        owner, title="Exported", body="Words to take along 🌿", date=dt.date(2026, 1, 3), needs=[need]
    )
    log_in(page, base, "owner@example.com", PASSWORD)
    page.goto(base + "/settings/data/")
    assert_accessible(page)
    # Exporting asks for the password again first; then the download starts.
    page.get_by_role("button", name="Everything (JSON)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Is it still you?")
    assert_accessible(page)
    page.get_by_label(label("Password")).fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    path = tmp_path / "export.json"
    download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["reflections"][0]["body"] == "Words to take along 🌿"
    page.goto(base + "/settings/data/")
    with page.expect_download() as zipped:  # recently confirmed: no second password prompt
        page.get_by_role("button", name="Reflections as Markdown (zip)").click()
    assert zipped.value.suggested_filename.endswith(".zip")

    # Into another account.
    page.context.clear_cookies()
    newcomer = make_person("newcomer@example.com")
    log_in(page, base, "newcomer@example.com", PASSWORD)
    page.goto(base + "/settings/data/import/")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)
    page.get_by_label("An Attune export (.json)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    # The import waits for the background worker; its page asks every second how far it is.
    expect(page.get_by_role("heading", name="Your import is about to start")).to_be_visible()
    assert_accessible(page)
    run_background_tasks()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    assert_accessible(page)
    assert (
        Reflection.objects.for_user(newcomer).get().reveal("body", owner=newcomer) == "Words to take along 🌿"
    )
    assert Need.objects.for_user(newcomer).get().name == "Quiet evenings"


def test_deleting_an_account_signs_out_with_a_kind_goodbye(page, live_server):
    base = live_server.url
    person = make_person("leaving@example.com")
    make_need(person, "Rest")
    log_in(page, base, "leaving@example.com", PASSWORD)
    page.goto(base + "/settings/data/")
    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)
    page.get_by_label(label("Type “delete my journal” to confirm")).fill("keep it")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.locator("#confirm-errors")).to_contain_text("Type exactly")
    page.get_by_label(label("Type “delete my journal” to confirm")).fill("delete my journal")
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is gone")
    assert_accessible(page)
    assert not get_user_model().objects.filter(email="leaving@example.com").exists()
    page.goto(base + "/needs/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
