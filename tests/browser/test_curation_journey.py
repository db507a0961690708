"""A curator signs in with their second factor, reads the prompt list and its coverage table, writes a prompt whose
slug fills itself and ties it to a catalogue need, and is told to make an answered prompt inactive rather than
delete it. Axe checks each page at phone and desktop sizes, in light and dark."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from journal.models import Prompt
from tests.browser.helpers import AXE_OPTIONS, _axe, label
from tests.conftest import PASSWORD, make_person
from tests.factories import make_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def assert_admin_accessible(page) -> None:
    """Axe with the project's rules, in the admin's light and dark themes (it follows the system setting)."""
    for mode in ("light", "dark"):
        page.emulate_media(color_scheme=mode, reduced_motion="reduce")
        # The admin's colours follow the system setting through its stylesheet: wait until they have changed.
        background = "rgb(18, 18, 18)" if mode == "dark" else "rgb(255, 255, 255)"
        page.wait_for_function("bg => getComputedStyle(document.body).backgroundColor === bg", arg=background)
        page.wait_for_timeout(300)
        violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} → "
            + "; ".join(
                f"{n['target'][0]} {n['any'][0]['message'] if n['any'] else ''}" for n in v["nodes"][:5]
            )
            for v in violations
        ]
        assert not violations, f"axe, {mode} mode, {page.url}:\n" + "\n".join(details)
    page.emulate_media(color_scheme="light")


def at_each_size(page) -> None:
    for size in SIZES.values():
        page.set_viewport_size(size)
        assert_admin_accessible(page)
    page.set_viewport_size(SIZES["desktop"])


def sign_in_as_curator(page, base: str, settings) -> None:
    settings.MFA_TOTP_TOLERANCE = 1
    curator = make_person("curator@example.com")
    get_user_model().objects.filter(pk=curator.pk).update(is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(curator, secret)
    page.goto(base + "/admin/")
    page.get_by_label(label("Email")).fill("curator@example.com")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("One more step")
    page.get_by_label(label("Code")).fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(base + "/admin/")


def test_a_curator_tends_the_prompts_with_coverage_and_catalogue_needs(page, live_server, settings):
    base = live_server.url
    call_command("load_starter_content", verbosity=0)
    alice = make_person("alice@example.com")
    answered = Prompt.objects.get(slug="honesty-mental-crowded-head")
    make_reflection(alice, body="Private words", prompt=answered)
    sign_in_as_curator(page, base, settings)

    # The list: a wide text column, the coverage table above it.
    page.goto(base + "/admin/journal/prompt/")
    coverage = page.get_by_role("region", name="Active prompts per step (rows) and category (columns)")
    expect(coverage.get_by_role("row")).to_have_count(6)  # the header and the five steps
    expect(page.locator("#result_list")).to_contain_text(answered.text)
    text_cell = page.locator("#result_list .field-text").first
    assert text_cell.bounding_box()["width"] >= 400
    at_each_size(page)

    # A new prompt: the slug follows the text; a catalogue need is chosen in the two-list picker.
    page.goto(base + "/admin/journal/prompt/add/")
    page.get_by_label("Text").press_sequentially("What would one unhurried hour give you")
    expect(page.locator("#id_slug")).to_have_value("what-would-one-unhurried-hour-give-you")
    page.locator("#id_step").select_option("time_alone")
    page.locator("#id_category").select_option("mental")
    at_each_size(page)
    page.locator("#id_catalogue_needs_from").select_option(label="Room to think")
    page.locator("#id_catalogue_needs_add").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    created = Prompt.objects.get(slug="what-would-one-unhurried-hour-give-you")
    assert list(created.catalogue_needs.values_list("slug", flat=True)) == ["room-to-think"]

    # An answered prompt: no delete button, and the bulk delete says what to do instead.
    page.goto(base + f"/admin/journal/prompt/{answered.pk}/change/")
    expect(page.locator("body")).to_contain_text(
        "An answered prompt can’t be deleted: make it inactive instead."
    )
    expect(page.locator(".deletelink")).to_have_count(0)
    at_each_size(page)
    page.goto(base + f"/admin/journal/prompt/?q={answered.slug}")
    page.locator(f'input[name="_selected_action"][value="{answered.pk}"]').check()
    page.locator('select[name="action"]').select_option("delete_selected")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Make them inactive instead")
    expect(page.locator("body")).not_to_contain_text("Private words")
    assert Prompt.objects.filter(pk=answered.pk).exists()
