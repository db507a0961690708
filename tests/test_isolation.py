"""Per-person isolation: for every URL that names one of alice's objects, bob gets a 404 on GET and POST,
and nothing of alice's changes. The walk makes sure no owned URL is left out."""

import datetime as dt

import pytest
from django.urls import reverse

from journal.models import Draft, PersonalPrompt, PushSubscription, Reflection
from needs.models.needs import CheckIn, Need
from tests.factories import (
    make_checkin,
    make_draft,
    make_import_job,
    make_need,
    make_openness,
    make_personal_prompt,
    make_reflection,
)
from tests.urlwalk import all_urls, url_params

# Every URL with an object in it, and which of alice's objects to put there.
OWNED_URLS = {
    "needs:need_detail": "need",
    "needs:need_edit": "need",
    "needs:need_archive": "need",
    "needs:need_restore": "need",
    "needs:need_delete": "need",
    "needs:checkin_edit": "checkin",
    "journal:reflection_detail": "reflection",
    "journal:reflection_edit": "reflection",
    "journal:reflection_delete": "reflection",
    "journal:reflection_restore": "trashed",
    "journal:reflection_destroy": "trashed",
    "journal:draft_discard": "draft",
    "journal:import_job": "import_job",
    "journal:push_device_remove": "push_device",
    "journal:prompt_edit": "personal_prompt",
    "journal:prompt_delete": "personal_prompt",
    "sharing:statement_create": "need",
    "sharing:statement_edit": "statement",
    "sharing:card_revoke": "card",
    "needs:relationship_detail": "relationship",
    "needs:relationship_edit": "relationship",
    "needs:relationship_remove": "relationship",
    "needs:pause_plan": "relationship",
    "sharing:partner_detail": "connection",
    "sharing:partner_share": "connection",
    "sharing:partner_end": "connection",
    "sharing:partner_answer": "connection",
}
# URLs whose parameters are not called pk.
KWARGS = {
    "sharing:statement_create": lambda objs: {"need_pk": objs["need"].pk},
    "sharing:partner_answer": lambda objs: {"pk": objs["connection"].pk, "shared_pk": objs["shared"].pk},
}
# Post bodies that would change something if they reached alice's object.
POST_DATA = {
    "needs:need_edit": {"name": "Taken over", "category": "mental", "importance": "1"},
    "needs:checkin_edit": {"score": "0", "note": "bob was here", "delete": "1"},
    "journal:reflection_edit": {"date": "2026-01-01", "body": "bob was here", "version": "1"},
    "journal:prompt_edit": {"text": "bob was here", "step": "honesty"},
    "sharing:statement_create": {"observation": "b", "feeling": "b", "need_words": "b", "request": "b"},
    "sharing:statement_edit": {"delete": "1"},
    "needs:relationship_detail": {"delete": "1"},
    "needs:relationship_edit": {"nickname": "bob was here", "kind": "work"},
    "needs:relationship_remove": {},
    "needs:pause_plan": {"what_must_change": "bob", "check_back_on": "2999-01-01"},
    "sharing:partner_share": {"needs": []},
    "sharing:partner_answer": {"kind": "offer", "note": "bob was here"},
}


# App URLs with a parameter that names no owned object, and where they are tested instead.
NOT_OWNED = {"journal:unsubscribe": "a signed token (tests/journal/test_reminders.py)"}


def test_every_url_with_a_parameter_is_covered_by_the_isolation_tests():
    # Public allauth/admin URLs take keys or ids of their own; every app URL with a parameter must be here.
    app_urls = {n for n in all_urls() if n.split(":")[0] in {"needs", "journal"} and url_params(n)}
    assert app_urls <= set(OWNED_URLS) | set(NOT_OWNED), f"not covered: {app_urls - set(OWNED_URLS)}"


@pytest.fixture
def alices(alice):
    need = make_need(alice, "Alice's rest", met="alice only")
    checkin = make_checkin(alice, need, dt.date(2026, 1, 1), 7, note="alice's note")
    reflection = make_reflection(alice, title="Alice's title", body="alice's words", needs=[need])
    trashed = make_reflection(alice, title="Alice's trashed", body="alice's old words", trashed=True)
    return {
        "need": need,
        "checkin": checkin,
        "reflection": reflection,
        "trashed": trashed,
        "draft": make_draft(alice, {"body": ["alice's draft"]}),
        "personal_prompt": make_personal_prompt(alice, "Alice's question?"),
        "import_job": make_import_job(alice, reason="alice's import"),
        "push_device": PushSubscription.objects.create(
            owner=alice,
            endpoint="https://fcm.googleapis.com/fcm/send/alice",
            p256dh="x",
            auth="y",
            device_label="Chrome on Android",
        ),
        **make_openness(alice, need),
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(OWNED_URLS))
def test_bob_gets_404_for_alices_objects(client, bob, alices, name, method):
    url = reverse(
        name, kwargs=KWARGS[name](alices) if name in KWARGS else {"pk": alices[OWNED_URLS[name]].pk}
    )
    client.force_login(bob)
    response = getattr(client, method)(url, POST_DATA.get(name, {}))
    assert response.status_code in (404, 405), f"{method.upper()} {name} answered {response.status_code}"
    if response.status_code == 405:
        # The method is refused for everyone, before any lookup: nothing about alice's object is told.
        assert "Allow" in response
    assert "alice" not in response.content.decode().lower()
    need = Need.objects.get(pk=alices["need"].pk)
    assert need.name == "Alice's rest" and need.archived_at is None
    assert CheckIn.objects.get(pk=alices["checkin"].pk).score == 7
    reflection = Reflection.objects.get(pk=alices["reflection"].pk)
    assert reflection.deleted_at is None and reflection.version == 1
    assert Reflection.objects.get(pk=alices["trashed"].pk).deleted_at is not None
    assert Draft.objects.filter(pk=alices["draft"].pk).exists()
    assert PushSubscription.objects.filter(pk=alices["push_device"].pk).exists()
    assert PersonalPrompt.objects.get(pk=alices["personal_prompt"].pk).reveal(
        "text", owner=alices["need"].owner
    ) == ("Alice's question?")


@pytest.mark.parametrize("name", sorted(OWNED_URLS))
def test_alice_reaches_her_own_objects(client, alice, alices, name):
    url = reverse(
        name, kwargs=KWARGS[name](alices) if name in KWARGS else {"pk": alices[OWNED_URLS[name]].pk}
    )
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code in (200, 405)


def test_bobs_lists_show_nothing_of_alices(client, bob, alices):
    client.force_login(bob)
    for name in ("needs:inventory", "needs:checkin", "needs:wheel", "needs:catalogue"):
        html = client.get(reverse(name)).content.decode()
        assert (
            "Alice&#x27;s rest" not in html and "alice only" not in html and "alice&#x27;s note" not in html
        )


def test_bobs_insights_show_nothing_of_alices(client, alice, bob, alices):
    # Each view is read as alice first, so the checks below can fail: her need is drawn and linked there.
    views = [reverse("journal:insights") + "?range=all", reverse("journal:insights_feelings") + "?range=all"]
    for who, shown in ((alice, True), (bob, False)):
        client.force_login(who)
        for url in views:
            assert ("Alice&#x27;s rest" in client.get(url).content.decode()) is shown, (who, url)
        year = client.get(reverse("journal:insights_year")).content.decode()
        assert ("You checked in or wrote on 0 of the last 365 days" in year) is not shown, who
