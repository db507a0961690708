"""Journal journeys: answering the prompt of the day, and text that survives whatever happens."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from playwright.sync_api import expect

from journal.models import Draft, Reflection
from journal.services.drafts import draft_payload
from tests.browser.helpers import assert_accessible, label, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import make_need, make_reflection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every kind of character a person might type.
TEXT = "Dear me,\n\n  two spaces, a tab\tand emoji 🌱✨, RTL שלום עליכם, CJK 静かな朝, quotes “ ” ' \" <b>not html</b> & more.\n— end"


def test_answer_the_prompt_of_the_day_and_find_it_again(page, live_server):
    base = live_server.url
    call_command("load_starter_content")
    person = make_person("ines@example.com")
    rest = make_need(person, "Restful sleep", "physical")
    heard = make_need(person, "Being heard", "emotional")
    log_in(page, base, "ines@example.com", PASSWORD)

    expect(page.get_by_role("heading", name="Today’s question")).to_be_visible()
    assert_accessible(page)
    question = page.locator(".prompt-today p.fs-4").inner_text()
    page.get_by_role("link", name="Write about it").click()
    expect(page.locator(".prompt-quote")).to_have_text(question)
    assert_accessible(page)

    page.get_by_label("Title (optional)").fill("Evening pages")
    page.get_by_label("Your reflection").fill(
        "I slept badly and wanted someone to listen. The word is lanternfish."
    )
    page.get_by_label("Restful sleep").check()
    page.get_by_label("Being heard").check()
    page.get_by_text("How are you feeling? (optional)").click()
    page.locator("fieldset", has_text="Anxiety").locator("label", has_text=re.compile(r"^6$")).click()
    page.locator("fieldset", has_text="Self-confidence").locator("label", has_text=re.compile(r"^4$")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Save reflection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Evening pages")
    expect(page.locator(".prompt-quote")).to_have_text(question)
    expect(page.locator("main")).to_contain_text("6 out of 10")
    assert_accessible(page)
    reflection = Reflection.objects.get(owner=person)
    assert set(reflection.needs.all()) == {rest, heard}
    assert (reflection.anxiety, reflection.confidence) == (6, 4) and reflection.prompt.text == question

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Your reflection").fill(
        "I slept badly and wanted someone to listen. The word is lanternfish. Better now."
    )
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".reflection-body-rendered")).to_contain_text("Better now.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").click()
    page.get_by_label("Search your reflections").fill("lanternfish")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("mark").first).to_have_text("lanternfish")
    assert_accessible(page)

    page.get_by_role("link", name="Calendar").click()
    expect(page.locator(".has-reflection")).to_have_count(1)
    assert_accessible(page)

    page.goto(f"{base}/needs/{rest.pk}/")
    expect(page.get_by_role("link", name="Evening pages")).to_be_visible()
    page.get_by_role("link", name="Evening pages").click()

    page.get_by_role("button", name="Move to trash").click()
    expect(page.locator(".messages")).to_contain_text("Moved to the trash")
    page.get_by_role("link", name="Trash").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Restore")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening pages")
    assert Reflection.objects.get(pk=reflection.pk).deleted_at is None


def _start_writing(page, base):
    page.goto(base + "/journal/new/")
    page.get_by_label("Title (optional)").fill("Unsent")
    page.get_by_label("Your reflection").fill(TEXT)


def test_text_survives_closing_the_tab_and_coming_back(page, live_server, context):
    base = live_server.url
    person = make_person("tab@example.com")
    log_in(page, base, "tab@example.com", PASSWORD)
    _start_writing(page, base)
    page.get_by_label("Title (optional)").focus()  # leaving the text box saves a draft at once
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved")
    page.get_by_label("Your reflection").press("End")
    page.keyboard.type(" P.S. typed just before closing")
    page.close(run_before_unload=True)  # the page's last words go out as a beacon

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        drafts = list(Draft.objects.filter(owner=person))
        if drafts and draft_payload(drafts[0], user=person)["body"][0].endswith("closing"):
            break
        time.sleep(0.2)
    again = context.new_page()
    again.goto(base + "/journal/new/")
    expect(again.get_by_role("heading", name="You have unsaved writing")).to_be_visible()
    assert_accessible(again)
    again.get_by_role("link", name="Continue it").click()
    assert again.get_by_label("Your reflection").input_value() == TEXT + " P.S. typed just before closing"
    assert again.get_by_label("Title (optional)").input_value() == "Unsent"
    again.get_by_role("button", name="Save reflection").click()
    expect(again.get_by_role("heading", level=1)).to_have_text("Unsent")
    assert not Draft.objects.filter(owner=person).exists()


def test_text_survives_the_session_expiring_before_submit(page, live_server):
    base = live_server.url
    make_person("late@example.com")
    log_in(page, base, "late@example.com", PASSWORD)
    _start_writing(page, base)
    Session.objects.all().delete()  # the session expires while the person writes
    page.get_by_role("button", name="Save reflection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back")  # the log-in page
    page.get_by_label(label("Email")).fill("late@example.com")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Here is everything you wrote")
    assert page.get_by_label("Your reflection").input_value() == TEXT
    assert page.get_by_label("Title (optional)").input_value() == "Unsent"
    assert_accessible(page)
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsent")
    assert Reflection.objects.get().reveal("body", owner=Reflection.objects.get().owner) == TEXT.strip()


def test_text_survives_a_csrf_failure(page, live_server, context):
    base = live_server.url
    make_person("csrf@example.com")
    log_in(page, base, "csrf@example.com", PASSWORD)
    _start_writing(page, base)
    # Every page and the offline state hand out the token and send its cookie again: an answer still on its
    # way (the page's state fetch, on a slow machine) would put the cookie back after it is cleared.
    page.wait_for_load_state("networkidle")
    context.clear_cookies(name="csrftoken")  # the token went stale
    page.get_by_role("button", name="Save reflection").click()

    expect(page.locator(".messages")).to_contain_text("Here is everything you wrote")
    assert page.get_by_label("Your reflection").input_value() == TEXT
    assert not Reflection.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsent")
    assert Reflection.objects.count() == 1


def test_two_windows_editing_one_reflection_never_overwrite_each_other(page, live_server, browser):
    base = live_server.url
    person = make_person("two@example.com")
    reflection = make_reflection(person, title="Shared", body="The original words.")
    log_in(page, base, "two@example.com", PASSWORD)
    other_context = browser.new_context()
    other = other_context.new_page()
    log_in(other, base, "two@example.com", PASSWORD)
    edit = f"{base}/journal/{reflection.pk}/edit/"
    page.goto(edit)
    other.goto(edit)

    page.get_by_label("Your reflection").fill("Written on the laptop.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".reflection-body-rendered")).to_contain_text("Written on the laptop.")

    other.get_by_label("Your reflection").fill("Written on the phone.")
    other.get_by_role("button", name="Save changes").click()
    expect(other.get_by_role("heading", name="This reflection changed somewhere else")).to_be_visible()
    expect(other.locator("#theirs")).to_contain_text("Written on the laptop.")
    assert other.get_by_label("Your reflection").input_value() == "Written on the phone."
    assert_accessible(other)
    reflection.refresh_from_db()
    assert reflection.reveal("body", owner=person) == "Written on the laptop."

    other.get_by_role("button", name="Merge both").click()
    merged = other.get_by_label("Your reflection").input_value()
    assert "Written on the phone." in merged and "Written on the laptop." in merged
    other.get_by_role("button", name="Save changes").click()
    expect(other.locator(".reflection-body-rendered")).to_contain_text("Written on the phone.")
    reflection.refresh_from_db()
    body = reflection.reveal("body", owner=person)
    assert "Written on the phone." in body and "Written on the laptop." in body
    other_context.close()
