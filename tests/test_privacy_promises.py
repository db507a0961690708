"""The privacy page, the delete page and the partner pages say what is true, and only that.

Each promise made here is checked by a behaviour test elsewhere; the closing note of the trust work lists which.
"""

from pathlib import Path

from django.urls import reverse

from tests.conftest import PASSWORD


def text_of(response) -> str:
    """The page's text with line breaks and indentation folded, as a reader sees it."""
    return " ".join(response.content.decode().split())


def test_privacy_page_lists_everything_kept_unencrypted(client, db, settings):
    settings.SESSION_COOKIE_AGE = 14 * 86400
    html = text_of(client.get(reverse("privacy")))
    for phrase in (
        "names of your needs (including needs you name yourself)",
        "internet (IP) address and browser name",
        "at most 14 days",
        "the name you chose to show the people you are connected with",
        "when each of you last opened the connection and was last emailed about it",
        "waits in your session record on the server (never in a cookie)",
        "A record of any action staff took on your account",
    ):
        assert phrase in html, phrase


def test_privacy_page_says_who_could_read_what(client, db):
    html = text_of(client.get(reverse("privacy")))
    for phrase in (
        "Someone with a copy of the database alone",
        "Someone with the database and the master key",
        "no way to set or reset your password, change your email",
        "Staff must sign in with a second factor",
        "address without the part after “?”",
        "blanked out of every log line",
        "not to pass its address on",
    ):
        assert phrase in html, phrase
    # The old, untrue promises are gone.
    assert "even old backups" not in html
    assert "never put your words in emails, logs or web addresses" not in html


def test_deletion_tells_the_truth_about_backups(client, alice, settings):
    settings.ATTUNE_KEY_RETIREMENT_DAYS = 45
    privacy = text_of(client.get(reverse("privacy")))
    assert "within 45 days of your" in privacy
    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("journal:delete_account"))
    assert page.status_code == 200
    html = text_of(page)
    assert "can’t be read" not in html and "can't be read" not in html
    assert "Backups made before today still hold your encrypted writing" in html
    assert "unreadable for good within 45 days" in html


def test_partners_are_told_they_see_the_name_the_other_chose_never_an_email(client, alice):
    client.force_login(alice)
    for name in ("sharing:partners", "sharing:partner_join"):
        page = text_of(client.get(reverse(name)))
        assert "see the name the other chose" in page and "never an email address" in page
    privacy = text_of(client.get(reverse("privacy")))
    assert "sees the name you chose to show them (never your email address)" in privacy
    assert "something new from them, by the name they chose" in privacy


def test_privacy_page_says_what_the_search_index_holds(client, db):
    html = text_of(client.get(reverse("privacy")))
    for phrase in (
        "an index that holds no words",
        "beginnings of three letters or more, up to 24",
        "made with a key derived from your own key",
        "how many fingerprints each reflection has (roughly, how many different words it holds)",
        "which of your reflections share a word, and how often, but not what the words are",
        "nobody’s words can be compared with anyone else’s",
        "deleted with it, and all of them with your account",
    ):
        assert phrase in html, phrase
    assert "no index of your words exists" not in html


def test_privacy_page_and_readme_name_every_kept_number(client, db):
    """Each table of numbers kept for speed is described on the privacy page and named in the README."""
    html = text_of(client.get(reverse("privacy")))
    for phrase in (
        "for each day and category, the sum of the check-in scores and how many there are",
        "for each need and week, and for each need and month, the same",
        "how its scores line up with the anxiety and self-confidence you noted on the same days",
        "for each day, how many reflections you wrote and the sums and counts of their feelings scores",
        "for each need and day, how many of that day’s reflections are linked to it",
    ):
        assert phrase in html, phrase
    from django.apps import apps

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    kept = readme.split("- **Kept numbers**", 1)[1].split("\n- **", 1)[0]
    derived = [
        model.__name__
        for model in apps.get_models()
        if model.__module__ == "needs.models.derived" or model.__name__ in ("ReflectionDay", "NeedLinkDay")
    ]
    assert len(derived) >= 6, derived  # the filter above found the kept tables
    for name in derived:
        assert f"`{name}`" in kept, name


def test_privacy_page_and_readme_say_what_waits_on_the_device_and_what_a_push_carries(client, db):
    """The offline queue, the push devices and the imports from other apps are described as built: the browser
    tests (tests/browser/test_offline_journey.py) and tests/journal/test_push.py check the behaviour."""
    html = text_of(client.get(reverse("privacy")))
    for phrase in (
        "encrypted in your browser’s storage (IndexedDB) with a key your browser made for this site",
        "holds only the site’s own files and the offline page, never your pages or your words",
        "sent only while the same person who wrote it is signed in",
        "erased, with its key, when you log out on this device",
        "Erase what waits on this device",
        "says only which reminder it is",
        "its address at its push service, the two keys your browser gave for it",
        "Photos and other files in such an export are never stored",
    ):
        assert phrase in html, phrase
    assert "stores none of your writing" not in html
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    for phrase in ("Install app", "encrypted with an AES-GCM key the browser made and cannot export",
                   "ATTUNE_VAPID_PRIVATE_KEY", "Day One's JSON export", "Daylio's CSV export"):  # fmt: skip
        assert phrase in readme, phrase
