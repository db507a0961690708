"""axe on the pages no journey passes through, signed in and as a visitor, light and dark."""

import datetime as dt

import pytest
from django.urls import reverse

from journal.services.reminders import unsubscribe_token
from tests.browser.helpers import assert_accessible, log_in
from tests.conftest import PASSWORD, make_person
from tests.factories import (
    make_checkin,
    make_need,
    make_personal_prompt,
    make_reflection,
    make_relationship,
    make_statement,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remaining_pages_have_no_axe_violations(page, live_server):
    base = live_server.url
    person = make_person("every@example.com")
    need = make_need(person, "Rest", met="Long evenings")
    checkin = make_checkin(person, need, dt.date(2026, 1, 2), 6, note="fine")
    statement = make_statement(person, need)
    prompt = make_personal_prompt(person, "What did I notice?")
    reflection = make_reflection(person, title="A day", body="Some *words*.", needs=[need])
    rel = make_relationship(person, "Sam")

    for path in (reverse("privacy"), reverse("more_help"), "/no-such-page/", "/c/not-a-real-card-token-at-all/",
                 reverse("journal:unsubscribe", args=[unsubscribe_token(person.pk, "daily")])):  # fmt: skip
        page.goto(base + path)
        assert_accessible(page)

    log_in(page, base, "every@example.com", PASSWORD)
    for path in (
        reverse("journal:settings"),
        reverse("journal:prompt_list"),
        reverse("journal:prompt_create"),
        reverse("journal:prompt_edit", args=[prompt.pk]),
        reverse("journal:reflection_detail", args=[reflection.pk]),
        reverse("journal:reflection_edit", args=[reflection.pk]),
        reverse("needs:need_edit", args=[need.pk]),
        reverse("needs:need_delete", args=[need.pk]),
        reverse("needs:checkin_edit", args=[checkin.pk]),
        reverse("sharing:statement_create", args=[need.pk]),
        reverse("sharing:statement_edit", args=[statement.pk]),
        reverse("sharing:love_profile"),
        reverse("needs:relationship_create"),
        reverse("needs:relationship_detail", args=[rel.pk]),
        reverse("needs:relationship_edit", args=[rel.pk]),
        reverse("needs:relationship_remove", args=[rel.pk]),
        reverse("sharing:partner_join"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("usersessions_list"),
    ):
        page.goto(base + path)
        assert_accessible(page)
