"""Query budgets for the list pages not covered next to their features: bigger data, same query count."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from needs.models.relationships import RelationshipRating
from needs.models.sharing import Invitation, new_token, token_hash
from needs.services.needs import catalogue_load
from tests.factories import (
    make_connection,
    make_need,
    make_personal_prompt,
    make_reflection,
    make_relationship,
)

pytestmark = pytest.mark.django_db


def seed(alice, size: int) -> dict:
    catalogue_load()
    needs = [
        make_need(alice, f"Need {i}", ["mental", "physical", "spiritual", "emotional"][i % 4])
        for i in range(size)
    ]
    for i in range(size):
        make_reflection(
            alice, title=f"Gone {i}", trashed=True, date=dt.date(2026, 1, 1) + dt.timedelta(days=i)
        )
        make_reflection(alice, title=f"Day {i}", date=dt.date(2026, 3, 1) + dt.timedelta(days=i % 28))
        make_personal_prompt(alice, f"Question {i}?")
        other = get_user_model().objects.create_user(
            f"friend{size}-{i}", f"friend{size}-{i}@example.com", "x"
        )
        make_connection(alice, other)
        invitation = Invitation(
            owner=alice,
            code_hash=token_hash(token := new_token()),
            expires_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC),
        )
        invitation.seal("code", token, owner=alice)
        invitation.save()
    rel = make_relationship(alice)
    for i in range(size * 5):
        RelationshipRating.objects.create(
            owner=alice,
            relationship=rel,
            need=needs[i % size],
            date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            score=i % 11,
        )
    return {"relationship": rel, "reflection": make_reflection(alice, body="x", needs=needs)}


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("needs:catalogue", 8),
        ("journal:trash", 8),
        ("journal:prompt_list", 8),
        ("sharing:partners", 9),
        ("journal:calendar", 9),
        ("journal:settings", 9),
        ("journal:data", 7),
        ("relationship", 12),
        ("reflection", 10),
    ],
)
@pytest.mark.parametrize("size", [3, 30])
def test_list_pages_do_not_grow_queries_with_data(
    client, alice, django_assert_max_num_queries, name, budget, size
):
    objects = seed(alice, size)
    urls = {
        "relationship": reverse("needs:relationship_detail", args=[objects["relationship"].pk]),
        "reflection": reverse("journal:reflection_detail", args=[objects["reflection"].pk]),
        "journal:calendar": reverse("journal:calendar") + "?month=2026-03",
    }
    client.force_login(alice)
    client.get(reverse("journal:settings"))  # profile and reminder rows exist from here on
    with django_assert_max_num_queries(budget):
        response = client.get(urls.get(name) or reverse(name))
    assert response.status_code == 200
