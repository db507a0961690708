"""No character lost: three windows on one reflection, an autosave after another window saved, and the same
form sent twice."""

import time

import pytest
from playwright.sync_api import expect

from journal.models import DRAFTS_PER_PERSON, Draft, Reflection
from journal.services.drafts import draft_payload
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_draft, make_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every kind of character a person might type.
TEXT = "Dear me,\n\n  two spaces, a tab\tand emoji 🌱✨, RTL שלום עליכם, CJK 静かな朝, quotes “ ” ' \" <b>not html</b> & more.\n— end"


def _window(browser, base, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, email, PASSWORD)
    return context, page


def _body(reflection, person):
    reflection.refresh_from_db()
    return reflection.reveal("body", owner=person)


def test_three_windows_each_choice_is_made_against_the_newest_text(page, live_server, browser):
    base = live_server.url
    person = make_person("three@example.com")
    reflection = make_reflection(person, title="Shared", body="The original words.")
    edit = f"{base}/journal/{reflection.pk}/edit/"
    log_in(page, base, "three@example.com", PASSWORD)
    second_context, second = _window(browser, base, "three@example.com")
    third_context, third = _window(browser, base, "three@example.com")

    page.goto(edit)
    second.goto(edit)
    second.get_by_label("Your reflection").fill("Written in the second window.")
    second.get_by_role("button", name="Save changes").click()
    expect(second.locator(".reflection-body-rendered")).to_contain_text("second window")

    page.get_by_label("Your reflection").fill(TEXT)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="This reflection changed somewhere else")).to_be_visible()
    expect(page.locator("#theirs")).to_contain_text("Written in the second window.")

    # While the first window is choosing, a third saves.
    third.goto(edit)
    third.get_by_label("Your reflection").fill("Written in the third window.")
    third.get_by_role("button", name="Save changes").click()
    expect(third.locator(".reflection-body-rendered")).to_contain_text("third window")

    page.get_by_role("button", name="Keep my version").click()
    expect(page.locator(".conflict")).to_contain_text("saved again")
    expect(page.locator("#theirs")).to_contain_text("Written in the third window.")
    assert page.get_by_label("Your reflection").input_value() == TEXT
    assert _body(reflection, person) == "Written in the third window."  # not overwritten unseen
    assert_accessible(page)

    page.get_by_role("button", name="Keep my version").click()
    expect(page.locator(".reflection-body-rendered")).to_contain_text("Dear me,")
    assert _body(reflection, person) == TEXT and reflection.version == 4
    assert not Draft.objects.filter(owner=person).exists()
    second_context.close()
    third_context.close()


def _draft_body(person):
    drafts = list(Draft.objects.filter(owner=person))
    return draft_payload(drafts[0], user=person)["body"][0] if len(drafts) == 1 else None


def test_writing_on_after_another_window_saved_comes_back_in_the_conflict_view(
    page, live_server, browser, context
):
    base = live_server.url
    person = make_person("kept@example.com")
    reflection = make_reflection(person, title="Shared", body="The original words.")
    edit = f"{base}/journal/{reflection.pk}/edit/"
    log_in(page, base, "kept@example.com", PASSWORD)
    other_context, other = _window(browser, base, "kept@example.com")
    page.goto(edit)
    other.goto(edit)

    page.get_by_label("Your reflection").fill(TEXT)
    page.get_by_label("Title (optional)").focus()  # leaving the text box saves a draft at once
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved")

    other.get_by_label("Your reflection").fill("Saved from the phone.")
    other.get_by_role("button", name="Save changes").click()
    expect(other.locator(".reflection-body-rendered")).to_contain_text("Saved from the phone.")

    page.get_by_label("Your reflection").press("End")
    page.keyboard.type(" Still writing.")
    page.get_by_label("Title (optional)").focus()
    expect(page.locator("[data-autosave-status]")).to_contain_text("saved in another window")
    page.get_by_label("Your reflection").press("End")
    page.keyboard.type(" Last words before closing.")
    page.close(run_before_unload=True)  # the tab's last words go out as a beacon

    expected = TEXT + " Still writing. Last words before closing."
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _draft_body(person) != expected:
        time.sleep(0.2)
    assert _draft_body(person) == expected

    again = context.new_page()
    again.goto(edit)
    expect(again.get_by_role("heading", name="This reflection changed somewhere else")).to_be_visible()
    expect(again.locator(".conflict")).to_contain_text("Your writing was kept as a draft")
    expect(again.locator("#theirs")).to_contain_text("Saved from the phone.")
    assert again.get_by_label("Your reflection").input_value() == expected
    assert_accessible(again)
    again.get_by_role("button", name="Keep my version").click()
    expect(again.locator(".reflection-body-rendered")).to_contain_text("Last words before closing.")
    assert _body(reflection, person) == expected
    assert not Draft.objects.filter(owner=person).exists()
    other_context.close()


def test_a_reflection_form_sent_twice_stores_one_reflection(page, live_server):
    base = live_server.url
    person = make_person("twice@example.com")
    log_in(page, base, "twice@example.com", PASSWORD)
    page.goto(base + "/journal/new/")
    page.get_by_label("Title (optional)").fill("Only once")
    page.get_by_label("Your reflection").fill(TEXT)

    # A double click: the same form twice, both on their way at once.
    landed = page.evaluate(
        """async () => {
            const form = document.getElementById("reflection-form");
            const send = () => fetch(form.action || location.href, {
                method: "POST", body: new FormData(form), credentials: "same-origin"
            }).then(r => r.url);
            return Promise.all([send(), send()]);
        }"""
    )
    reflection = Reflection.objects.get(owner=person)
    assert landed == [f"{base}/journal/{reflection.pk}/"] * 2
    assert reflection.reveal("body", owner=person) == TEXT

    # The answers were lost: the person presses Save again. Still that one reflection.
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Only once")
    assert page.url == f"{base}/journal/{reflection.pk}/"
    assert Reflection.objects.filter(owner=person).count() == 1
    assert not Draft.objects.filter(owner=person).exists()


def test_a_draft_over_the_cap_is_refused_with_a_message_on_the_page(page, live_server):
    base = live_server.url
    person = make_person("full@example.com")
    for n in range(DRAFTS_PER_PERSON):
        make_draft(person, {"body": [f"draft {n}"]})
    log_in(page, base, "full@example.com", PASSWORD)
    page.goto(base + "/journal/new/")
    page.get_by_label("Your reflection").fill(TEXT)
    page.get_by_label("Title (optional)").focus()
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text(f"You already have {DRAFTS_PER_PERSON} unsaved drafts")
    expect(status).to_contain_text("still here on the page")
    assert Draft.objects.filter(owner=person).count() == DRAFTS_PER_PERSON
    assert page.get_by_label("Your reflection").input_value() == TEXT
    assert_accessible(page)
    page.get_by_role("button", name="Save reflection").click()  # saving works all the same
    expect(page.locator(".reflection-body-rendered")).to_contain_text("Dear me,")
    assert Reflection.objects.get(owner=person).reveal("body", owner=person) == TEXT
