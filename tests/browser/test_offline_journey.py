"""Offline: the service worker answers when the network is gone, a check-in and a reflection written offline
wait on the device sealed, and arrive exactly once when the connection returns, for the person who wrote
them; a rating changed elsewhere meanwhile is shown side by side; logging out erases what waits."""

import re
import time

import pytest
from playwright.sync_api import expect

from journal.models import Reflection
from needs.models.needs import Category, CheckIn
from needs.services.accounts import local_today
from tests.browser.helpers import assert_accessible, log_in, log_out, watch_errors
from tests.conftest import PASSWORD, make_person
from tests.factories import make_checkin, make_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words no page, file or cache holds unless someone wrote them: found anywhere in storage, they leaked.
SECRET_WORD = "Quokkamarmalade"
SECRET_TITLE = "Lighthouse zebrafinch"
NEED_NAME = "Saltmarsh rambles"

# Everything this origin keeps in IndexedDB and Cache Storage, as text: bytes as Latin-1 (so UTF-8 plain text
# would show as itself), keys by what they are.
DUMP_STORAGE = """async () => {
  function flat(value) {
    if (value instanceof CryptoKey) {
      return "CryptoKey " + JSON.stringify({extractable: value.extractable, type: value.type,
                                            algorithm: value.algorithm, usages: value.usages});
    }
    if (value instanceof ArrayBuffer) value = new Uint8Array(value);
    if (ArrayBuffer.isView(value)) {
      return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
                        (b) => String.fromCharCode(b)).join("");
    }
    if (value && typeof value === "object") {
      return Object.keys(value).map((key) => key + "=" + flat(value[key])).join(" ");
    }
    return String(value);
  }
  const out = {idb: [], caches: [], local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage)};
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(info.name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const rows = await new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
      });
      for (const row of rows) out.idb.push({db: info.name, store, text: flat(row)});
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out.caches.push({cache: name, url: request.url, text: await response.text()});
    }
  }
  return out;
}"""


def _controlled(page):
    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    except Exception:
        state = page.evaluate(
            """async () => (await navigator.serviceWorker.getRegistrations()).map(
                 (r) => [r.scope, !!r.installing, !!r.waiting, r.active && r.active.state])"""
        )
        raise AssertionError(f"no service worker controls {page.url}: {state}") from None
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def _until(page, script: str, *, timeout: float = 15):
    """Poll an async page function until it answers true (wait_for_function does not wait for promises)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still not true after {timeout}s: {script}"
        page.wait_for_timeout(200)


def _needs_list_kept(page):
    _until(
        page,
        """() => new Promise((resolve) => {
          const request = indexedDB.open("attune-offline");
          request.onsuccess = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains("kept")) { db.close(); return resolve(false); }
            const get = db.transaction("kept").objectStore("kept").get("state");
            get.onsuccess = () => { db.close(); resolve(!!get.result); };
          };
        })""",
    )


def _nothing_waits(page):
    _until(
        page,
        """() => new Promise((resolve) => {
          const request = indexedDB.open("attune-offline");
          request.onsuccess = () => {
            const db = request.result;
            const count = db.transaction("waiting").objectStore("waiting").count();
            count.onsuccess = () => { db.close(); resolve(count.result === 0); };
          };
        })""",
    )


def _waiting(page):
    return page.locator("[data-offline-summary]")


def _storage(page):
    return page.evaluate(DUMP_STORAGE)


def _rows(dump, store):
    return [row for row in dump["idb"] if row["db"] == "attune-offline" and row["store"] == store]


def test_offline_writing_waits_sealed_and_arrives_exactly_once(page, live_server):
    base = live_server.url
    context = page.context
    person = make_person("ines@example.com")
    need = make_need(person, NEED_NAME, category=Category.PHYSICAL)
    make_need(person, "Long lunches", category=Category.EMOTIONAL)
    log_in(page, base, "ines@example.com", PASSWORD)

    # Online: the worker installs and takes the page; the home page keeps the needs list, sealed.
    expect(page.get_by_role("heading", name="Quick check-in for today")).to_be_visible()
    _controlled(page)
    _needs_list_kept(page)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == base + "/sw.js"

    # A reflection begun online, sent with no connection: kept, not lost.
    page.goto(base + "/journal/new/")
    _controlled(page)
    context.set_offline(True)
    page.get_by_label("Title").fill(SECRET_TITLE)
    page.get_by_label("Your reflection").fill(f"The tide came in slowly. {SECRET_WORD} for breakfast.")
    page.get_by_role("button", name="Save reflection").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing is kept on this device")
    assert page.get_by_label("Your reflection").input_value() == ""
    assert Reflection.objects.count() == 0

    # Still offline, the home page opens as the offline page, which takes a check-in from the sealed list.
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()
    expect(_waiting(page)).to_contain_text("1 piece of writing")
    page.get_by_label(NEED_NAME).select_option("8")
    page.get_by_role("button", name="Keep this check-in to send").click()
    expect(_waiting(page)).to_contain_text("2 pieces of writing are kept on this device")
    assert_accessible(page)

    # Nothing written is readable in the browser's storage: only sealed bytes and a key that can't be exported.
    dump = _storage(page)
    assert len(_rows(dump, "waiting")) == 2 and len(_rows(dump, "kept")) == 1
    (key,) = _rows(dump, "keys")
    assert '"extractable":false' in key["text"] and '"name":"AES-GCM"' in key["text"]
    assert dump["caches"], "the worker keeps the app shell"
    assert all("/static/" in entry["url"] or entry["url"] == base + "/offline/" for entry in dump["caches"])
    for word in (SECRET_WORD, SECRET_TITLE, "tide came in", NEED_NAME, "Long lunches", "ines@example.com"):
        for entry in dump["idb"] + dump["caches"]:
            assert word not in entry["text"], f"{word!r} in {entry.get('store') or entry.get('url')}"
        assert word not in dump["local"] and word not in dump["session"]

    # The tab is closed; a new one, still offline, shows what waits.
    page.close()
    second = context.new_page()
    errors = watch_errors(second)
    second.goto(base + "/")
    expect(second.get_by_role("heading", name="You’re offline")).to_be_visible()
    expect(_waiting(second)).to_contain_text("2 pieces of writing")
    assert CheckIn.objects.count() == 0 and Reflection.objects.count() == 0

    # The connection returns: both arrive, once each, and nothing waits any more.
    context.set_offline(False)
    expect(_waiting(second)).to_have_text("Nothing is waiting to be sent from this device.", timeout=15_000)
    (reflection,) = Reflection.objects.filter(owner=person)
    reflection.reveal_all(owner=person)
    assert reflection.plain.title == SECRET_TITLE and SECRET_WORD in reflection.plain.body
    assert reflection.date == local_today(person)
    assert list(CheckIn.objects.filter(owner=person).values_list("need", "date", "score")) == [
        (need.pk, local_today(person), 8)
    ]
    # Opening pages again sends nothing a second time.
    second.goto(base + "/")
    expect(second.get_by_role("heading", name="Quick check-in for today")).to_be_visible()
    second.goto(base + "/offline/")
    expect(_waiting(second)).to_have_text("Nothing is waiting to be sent from this device.")
    assert Reflection.objects.count() == 1 and CheckIn.objects.count() == 1
    assert not _rows(_storage(second), "waiting")
    assert not errors, errors


def test_a_rating_changed_elsewhere_meanwhile_comes_back_as_a_choice(context, live_server):
    base = live_server.url
    page = context.new_page()
    # The sending is answered 409 on purpose: the rating was changed elsewhere.
    errors = watch_errors(page, expected=[("/needs/check-in/", 409)])
    person = make_person("tomas@example.com")
    need = make_need(person, NEED_NAME)
    log_in(page, base, "tomas@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Quick check-in for today")).to_be_visible()
    _controlled(page)
    _needs_list_kept(page)

    # Offline, the home page's own quick check-in is kept instead of being lost.
    context.set_offline(True)
    page.get_by_label(NEED_NAME).select_option("8")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing is kept on this device")

    # Meanwhile the same need is rated for the same day from another device.
    make_checkin(person, need, local_today(person), 3, "Slept badly")

    context.set_offline(False)
    choose = page.get_by_role("button", name="Compare and choose")
    expect(choose).to_be_visible(timeout=15_000)
    assert list(CheckIn.objects.filter(owner=person).values_list("score", flat=True)) == [3]

    # Opening it fails on the way (the connection drops): it is still waiting, nothing is lost.
    context.route(
        "**/needs/check-in/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    choose.click()
    page.wait_for_timeout(1000)
    context.unroute("**/needs/check-in/")
    page.goto(base + "/")
    choose = page.get_by_role("button", name="Compare and choose")
    expect(choose).to_be_visible(timeout=15_000)
    assert len(_rows(_storage(page), "waiting")) == 1

    choose.click()
    expect(page.get_by_role("heading", name="Which check-in should stay?")).to_be_visible()
    expect(page.locator("table")).to_contain_text("3 / 10")
    expect(page.locator("table")).to_contain_text("8 / 10")
    expect(page.locator("table")).to_contain_text("Your note: Slept badly")
    assert_accessible(page)
    # Until the server says the choice is saved, the rating still waits on this device.
    assert len(_rows(_storage(page), "waiting")) == 1
    page.get_by_role("button", name="Keep what I wrote offline").click()
    expect(page.locator(".messages")).to_contain_text("check-in is saved")
    _nothing_waits(page)
    (checkin,) = CheckIn.objects.filter(owner=person)
    assert checkin.score == 8 and checkin.reveal("note", owner=person) == "Slept badly"
    page.reload()
    page.wait_for_load_state("networkidle")
    assert CheckIn.objects.filter(owner=person).count() == 1
    assert not errors, errors


def test_writing_waits_for_the_same_person_to_log_in_again(page, live_server):
    base = live_server.url
    context = page.context
    person = make_person("ada@example.com")
    make_person("ben@example.com")
    need = make_need(person, NEED_NAME)
    log_in(page, base, "ada@example.com", PASSWORD)
    _controlled(page)
    _needs_list_kept(page)

    context.set_offline(True)
    page.get_by_label(NEED_NAME).select_option("6")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing")

    # The session ends while offline: back online, the check-in waits for its writer.
    context.clear_cookies()
    context.set_offline(False)
    page.goto(base + "/offline/")
    expect(_waiting(page)).to_contain_text("Log in as yourself")
    assert not CheckIn.objects.exists()

    # Someone else signing in on this browser does not send it.
    log_in(page, base, "ben@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Start by naming a few needs")).to_be_visible()
    page.goto(base + "/offline/")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not CheckIn.objects.exists()
    assert len(_rows(_storage(page), "waiting")) == 1
    context.clear_cookies()

    # The writer logs in again: it arrives, once.
    log_in(page, base, "ada@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Quick check-in for today")).to_be_visible()
    _nothing_waits(page)
    assert list(CheckIn.objects.filter(owner=person).values_list("need", "score")) == [(need.pk, 6)]
    page.reload()
    page.wait_for_load_state("networkidle")
    assert CheckIn.objects.count() == 1


def test_logging_out_erases_what_waits_and_its_key(page, live_server):
    base = live_server.url
    context = page.context
    # Headless Chromium has no push service: a subscription that notes its own end stands in for one.
    page.add_init_script(
        """if (window.PushManager) PushManager.prototype.getSubscription = function () {
             return Promise.resolve({unsubscribe: function () {
               localStorage.setItem("push-unsubscribed", "yes"); return Promise.resolve(true); }});
           };"""
    )
    person = make_person("lou@example.com")
    make_need(person, NEED_NAME)
    log_in(page, base, "lou@example.com", PASSWORD)
    _controlled(page)
    _needs_list_kept(page)

    context.set_offline(True)
    page.get_by_label(NEED_NAME).select_option("4")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing")
    assert len(_rows(_storage(page), "waiting")) == 1 and _rows(_storage(page), "keys")

    # Back online, but before anything is sent, the person logs out from the account menu.
    page.route("**/offline/state/", lambda route: route.abort())
    context.set_offline(False)
    log_out(page)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    dump = _storage(page)
    assert [row for row in dump["idb"] if row["db"] == "attune-offline"] == []
    assert not CheckIn.objects.exists()
    assert page.evaluate("() => localStorage.getItem('push-unsubscribed')") == "yes"


def test_what_waits_can_be_erased_by_hand(page, live_server):
    base = live_server.url
    person = make_person("rue@example.com")
    make_need(person, NEED_NAME)
    log_in(page, base, "rue@example.com", PASSWORD)
    _controlled(page)
    _needs_list_kept(page)

    page.context.set_offline(True)
    page.get_by_label(NEED_NAME).select_option("5")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing")
    # Someone else's writing waits on this device too: erasing by hand leaves it alone.
    page.evaluate(
        """() => new Promise((resolve) => {
          const request = indexedDB.open("attune-offline");
          request.onsuccess = () => {
            const tx = request.result.transaction("waiting", "readwrite");
            tx.objectStore("waiting").put({id: "someone-elses", kind: "reflection", person: "another-tag",
              writtenAt: Date.now(), status: "waiting", iv: new Uint8Array(12), data: new ArrayBuffer(32)});
            tx.oncomplete = () => { request.result.close(); resolve(); };
          };
        })"""
    )
    page.get_by_role("button", name="Erase what waits on this device").click()
    expect(page.locator("[data-offline-note]")).to_have_text(
        "Erased. Nothing of yours waits on this device now."
    )
    (left,) = _rows(_storage(page), "waiting")
    assert "person=another-tag" in left["text"]

    page.context.set_offline(False)
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Quick check-in for today")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not CheckIn.objects.exists()


def test_a_session_that_ended_takes_its_needs_list_off_the_device_and_its_writing_waits(page, live_server):
    from django.contrib.sessions.models import Session

    base = live_server.url
    context = page.context
    person = make_person("ana@example.com")
    make_need(person, NEED_NAME)
    log_in(page, base, "ana@example.com", PASSWORD)
    _controlled(page)
    _needs_list_kept(page)

    context.set_offline(True)
    page.get_by_label(NEED_NAME).select_option("7")
    page.get_by_role("button", name="Save today’s check-in").click()
    expect(_waiting(page)).to_contain_text("1 piece of writing")

    # The session ends on the server (it expired, the browser was closed), not by logging out.
    Session.objects.all().delete()
    context.set_offline(False)
    page.goto(base + "/accounts/login/")
    _kept_list_gone(page)
    assert len(_rows(_storage(page), "waiting")) == 1  # it waits for its writer

    # The offline page names none of her needs and takes no writing for her.
    page.goto(base + "/offline/")
    expect(page.get_by_role("heading", name="You’re offline")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(NEED_NAME)).to_have_count(0)
    expect(page.locator('[data-offline-form="reflection"]')).to_be_hidden()
    assert not CheckIn.objects.exists()


def _signed_in_with_a_need(page, base, email):
    """A person with one need, signed in, whose needs list this browser keeps."""
    person = make_person(email)
    make_need(person, NEED_NAME, category=Category.PHYSICAL)
    log_in(page, base, email, PASSWORD)
    _needs_list_kept(page)
    return person


def _the_one_reflection_once_attune_answers(page, base, person) -> str:
    """Attune can be reached again: the next page sends what waits. The body of the person's one reflection."""
    page.unroute("**/journal/new/")
    page.goto(base + "/")
    _nothing_waits(page)
    (reflection,) = Reflection.objects.filter(owner=person)
    reflection.reveal_all(owner=person)
    return reflection.plain.body


def _reflection_written_online(page, base, title):
    page.goto(base + "/journal/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your reflection").fill(f"Between two stations. {SECRET_WORD} again.")
    page.get_by_role("button", name="Save reflection").click()


def test_a_reflection_whose_connection_drops_on_the_way_is_kept_then_saved_once(page, live_server):
    """The browser says it is online, but the request never reaches Attune (a tunnel): nothing is lost."""
    base = live_server.url
    person = _signed_in_with_a_need(page, base, "jon@example.com")

    never_arrives = lambda route: route.abort() if route.request.method == "POST" else route.continue_()  # noqa: E731
    page.route("**/journal/new/", never_arrives)
    _reflection_written_online(page, base, SECRET_TITLE)
    page.wait_for_timeout(500)  # the browser's own error page: the form's page is gone
    assert Reflection.objects.count() == 0

    # Attune opens again while the connection still fails on the way: the reflection waits, sealed.
    page.goto(base + "/")
    expect(_waiting(page)).to_contain_text("1 piece of writing is kept on this device")
    dump = _storage(page)
    assert len(_rows(dump, "waiting")) == 1
    for entry in dump["idb"]:
        assert SECRET_WORD not in entry["text"] and SECRET_TITLE not in entry["text"]
    assert Reflection.objects.count() == 0

    # Attune can be reached again: the next page sends it, once.
    page.unroute("**/journal/new/")
    page.goto(base + "/journal/")
    _nothing_waits(page)
    (reflection,) = Reflection.objects.filter(owner=person)
    reflection.reveal_all(owner=person)
    assert reflection.plain.title == SECRET_TITLE and SECRET_WORD in reflection.plain.body
    page.goto(base + "/")
    _nothing_waits(page)
    assert Reflection.objects.count() == 1


def _waiting_bodies(page) -> int:
    return page.evaluate(
        """() => new Promise((resolve) => {
          const request = indexedDB.open("attune-offline");
          request.onsuccess = () => {
            const count = request.result.transaction("waiting").objectStore("waiting").count();
            count.onsuccess = () => { request.result.close(); resolve(count.result); };
          };
        })"""
    )


@pytest.mark.parametrize("first_save", ["never arrives", "arrives, its answer lost"])
def test_a_save_stopped_on_the_way_can_be_sent_again_and_the_newest_words_are_saved(
    page, live_server, first_save
):
    """Save, then the browser's stop while the answer is slow (the first send reached Attune or not): the button
    works again. Edited and saved once more, its answer lost again, one copy waits (the newest words); it is
    sent itself, and the next page with the panel says it is saved, so no one writes it twice."""
    base = live_server.url
    person = _signed_in_with_a_need(page, base, "ola@example.com")

    def stopped(route):
        if route.request.method != "POST":
            return route.continue_()
        if first_save != "never arrives":
            route.fetch()  # Attune saves it ...
        return route.abort("aborted")  # ... and the person presses Esc: the form's page stays

    page.route("**/journal/new/", stopped)
    _reflection_written_online(page, base, SECRET_TITLE)
    page.wait_for_timeout(300)
    expect(page).to_have_url(base + "/journal/new/")
    assert _waiting_bodies(page) == 1
    assert Reflection.objects.count() == (0 if first_save == "never arrives" else 1)
    page.unroute("**/journal/new/")

    # They add a line and press Save again, and again the answer never comes: one copy waits, the newest.
    page.get_by_label("Your reflection").fill(
        f"Between two stations. {SECRET_WORD} again. And one more line."
    )
    page.route(
        "**/journal/new/",
        lambda route: route.abort("aborted") if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_timeout(300)
    expect(page).to_have_url(base + "/journal/new/")
    assert _waiting_bodies(page) == 1

    assert _the_one_reflection_once_attune_answers(page, base, person).endswith("And one more line.")
    expect(page.locator("[data-offline-note]")).to_contain_text(
        re.compile(r"Your reflection written .* is saved")
    )


def test_words_changed_after_a_save_that_arrived_are_never_let_go_by_the_forms_key_alone(page, live_server):
    """The first save arrives (its answer lost), and its copy goes once the server says it holds the form. The
    person changes the words and saves again, and that answer is lost too: Attune holds the form's key, but not
    these words, so the copy is sent itself."""
    base = live_server.url
    person = _signed_in_with_a_need(page, base, "uma@example.com")

    def arrives_unanswered(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch()
        return route.abort("aborted")

    page.route("**/journal/new/", arrives_unanswered)
    _reflection_written_online(page, base, SECRET_TITLE)
    page.wait_for_timeout(300)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # the connection comes back
    _nothing_waits(page)  # the server holds that form: its copy goes

    page.unroute("**/journal/new/")
    page.route(  # this time the connection drops on the way: the changed words never arrive
        "**/journal/new/",
        lambda route: route.abort("aborted") if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_label("Your reflection").fill(
        f"Between two stations. {SECRET_WORD} again. Changed after all."
    )
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_timeout(300)
    expect(page).to_have_url(base + "/journal/new/")
    assert _the_one_reflection_once_attune_answers(page, base, person).endswith("Changed after all.")


def test_a_browser_whose_storage_hangs_still_sends_the_reflection(page, live_server):
    base = live_server.url
    person = make_person("pat@example.com")
    log_in(page, base, "pat@example.com", PASSWORD)
    page.goto(base + "/journal/new/")
    page.evaluate(
        """() => {
          const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
          crypto.subtle.encrypt = (...args) => window.sealHangs ? new Promise(() => {}) : encrypt(...args);
          window.sealHangs = true;
        }"""
    )
    page.get_by_label("Title").fill(SECRET_TITLE)
    page.get_by_label("Your reflection").fill(f"Storage never answers. {SECRET_WORD}.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page).to_have_url(re.compile(r"/journal/[0-9a-f-]{36}/$"), timeout=10_000)
    expect(page.get_by_role("heading", name=SECRET_TITLE)).to_be_visible()
    assert Reflection.objects.filter(owner=person).count() == 1


def test_a_reflection_saved_whose_answer_is_lost_is_not_saved_twice(page, live_server):
    base = live_server.url
    person = _signed_in_with_a_need(page, base, "kim@example.com")

    def answer_lost(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch()  # Attune saves it ...
        return route.abort()  # ... and the answer never comes back

    page.route("**/journal/new/", answer_lost, times=1)
    _reflection_written_online(page, base, SECRET_TITLE)
    page.wait_for_timeout(500)
    assert Reflection.objects.filter(owner=person).count() == 1
    # The next page hears that it arrived: the copy goes, and nothing is sent a second time.
    page.goto(base + "/journal/")
    _nothing_waits(page)
    page.goto(base + "/")
    _nothing_waits(page)
    assert Reflection.objects.filter(owner=person).count() == 1


def test_an_ordinary_save_online_still_opens_the_reflection_and_a_refused_form_keeps_its_words(
    page, live_server
):
    base = live_server.url
    person = make_person("lee@example.com")
    log_in(page, base, "lee@example.com", PASSWORD)
    _reflection_written_online(page, base, SECRET_TITLE)
    expect(page).to_have_url(re.compile(r"/journal/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name=SECRET_TITLE)).to_be_visible()
    assert Reflection.objects.filter(owner=person).count() == 1

    # A title longer than a title may be: the form's own page says so, with every word still there.
    page.goto(base + "/journal/new/")
    page.get_by_label("Title").fill("x" * 301)
    page.get_by_label("Your reflection").fill(f"Kept words. {SECRET_WORD}.")
    page.evaluate(
        "() => document.querySelector('#reflection-form [name=title]').removeAttribute('maxlength')"
    )
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator(".invalid-feedback, .errorlist").first).to_be_visible()
    assert SECRET_WORD in page.get_by_label("Your reflection").input_value()
    assert Reflection.objects.filter(owner=person).count() == 1


def _kept_list_gone(page):
    _until(
        page,
        """() => new Promise((resolve) => {
          const request = indexedDB.open("attune-offline");
          request.onsuccess = () => {
            const get = request.result.transaction("kept").objectStore("kept").count();
            get.onsuccess = () => { request.result.close(); resolve(get.result === 0); };
          };
        })""",
    )


def test_pages_ask_the_server_who_is_signed_in_only_when_they_must(page, live_server):
    from django.contrib.sessions.models import Session

    base = live_server.url
    person = make_person("mo@example.com")
    make_need(person, NEED_NAME)
    log_in(page, base, "mo@example.com", PASSWORD)
    _needs_list_kept(page)  # the home page asked: it holds the check-in
    asked = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/offline/state/" in request.url else None
    )

    # The page names its person: a fresh needs list of the same person needs no second request.
    for path in ("/journal/", "/insights/", "/journal/new/", "/privacy/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    assert asked == []
    # The check-in's page keeps today's scores fresh.
    page.goto(base + "/")
    page.wait_for_load_state("networkidle")
    assert len(asked) == 1

    # The session ends on the server: the next page names no one, and the list goes without asking.
    Session.objects.all().delete()
    page.goto(base + "/privacy/")
    _kept_list_gone(page)
    assert len(asked) == 1
