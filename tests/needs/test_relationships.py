"""Relationships: the overview of everyone's important needs, one line per need on a person's chart, rating
the needs that matter with someone, and removing someone only after saying what goes."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.services.accounts import local_today
from needs.services.relationships import FALLING, FIRST, RISING, STEADY, direction, pause_plan_save
from tests.factories import make_need, make_relationship

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def needs(alice):
    return {
        "rest": make_need(alice, "Rest", "physical", 5),
        "heard": make_need(alice, "Being heard", "emotional", 4),
        "play": make_need(alice, "Play", "mental", 3),
    }


def rate(owner, rel, need, scores, start=DAY, step=7):
    """One rating a `step` days apart for each score, oldest first."""
    for index, score in enumerate(scores):
        RelationshipRating.objects.create(
            owner=owner,
            relationship=rel,
            need=need,
            date=start + dt.timedelta(days=index * step),
            score=score,
        )


def overview(client) -> str:
    response = client.get(reverse("needs:relationships"))
    assert response.status_code == 200
    return response.content.decode()


# --- The overview --------------------------------------------------------------------------------------


def test_the_overview_puts_the_most_strained_people_and_needs_first(client, alice, needs):
    fine = make_relationship(alice, "Fine Fran")
    fine.needs.set([needs["rest"], needs["heard"]])
    rate(alice, fine, needs["rest"], [7])
    rate(alice, fine, needs["heard"], [5])
    strained = make_relationship(alice, "Strained Sky")  # no needs chosen: the needs rated with them show
    rate(alice, strained, needs["play"], [8])
    rate(alice, strained, needs["rest"], [9, 2])
    make_relationship(alice, "Unrated Uma")
    client.force_login(alice)
    html = overview(client)
    assert '<table class="table rel-overview' in html and "<caption" in html and 'scope="rowgroup"' in html
    order = [html.index(name) for name in ("Strained Sky", "Fine Fran", "Unrated Uma")]
    assert order == sorted(order), "people are ordered by their lowest latest rating, lowest first"
    sky = html[order[0] : order[1]]
    assert sky.index(">Rest<") < sky.index(">Play<"), "within a person, the lowest latest rating comes first"
    fran = html[order[1] : order[2]]
    assert fran.index(">Being heard<") < fran.index(">Rest<")
    assert ">Play<" not in fran, "only the needs chosen for Fran show in her rows"
    assert "No ratings yet." in html[order[2] :]
    assert Relationship.objects.filter(owner=alice).count() == 3
    assert RelationshipRating.objects.filter(owner=alice).count() == 5


def test_someone_strained_for_weeks_comes_before_one_low_rating(client, alice, needs):
    today = local_today(alice)
    once = make_relationship(alice, "Lately Low Lee")
    rate(alice, once, needs["rest"], [1], start=today - dt.timedelta(days=1))
    weeks = make_relationship(alice, "Weeks Low Wren")  # an important need below 4 for five weeks
    rate(alice, weeks, needs["heard"], [3, 3, 3, 3, 3, 3], start=today - dt.timedelta(days=35))
    client.force_login(alice)
    html = overview(client)
    assert html.index("Weeks Low Wren") < html.index("Lately Low Lee")


def test_the_overview_shows_the_latest_rating_and_its_direction_in_words(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    rel.needs.set(needs.values())
    rate(alice, rel, needs["rest"], [1, 6, 2])  # falling from the rating just before, not the oldest
    rate(alice, rel, needs["heard"], [4, 7])
    rate(alice, rel, needs["play"], [5, 5])
    other = make_relationship(alice, "Lee")
    rate(alice, other, needs["rest"], [9])  # a different person's rating does not count as "before"
    client.force_login(alice)
    html = overview(client)
    sam = html[html.index(">Sam<") : html.index(">Lee<")]
    assert re.search(r">Rest</th>\s*<td[^>]*><strong class=\"rel-score\">2</strong>", sam)
    assert "Falling, from 6" in sam and "Rising, from 4" in sam and "Steady at 5" in sam
    lee = html[html.index(">Lee<") :]
    assert "First rating" in lee and "Falling" not in lee
    latest = RelationshipRating.objects.filter(relationship=rel, need=needs["rest"]).latest("date")
    assert latest.score == 2


def test_direction_compares_with_the_rating_before():
    assert direction(5, None) == FIRST
    assert direction(6, 4) == RISING
    assert direction(2, 6) == FALLING
    assert direction(5, 5) == STEADY


def test_an_archived_need_leaves_the_overview(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    rate(alice, rel, needs["rest"], [3])
    rate(alice, rel, needs["play"], [6])
    needs["rest"].archived_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    needs["rest"].save()
    client.force_login(alice)
    html = overview(client)
    assert ">Play<" in html and ">Rest<" not in html


def test_the_overview_reads_the_same_queries_for_few_and_many_people(client, alice, needs):
    extra = [make_need(alice, f"Need {i}", "mental", 4) for i in range(6)]
    every = [*needs.values(), *extra]

    def people(count):
        for index in range(Relationship.objects.filter(owner=alice).count(), count):
            rel = make_relationship(alice, f"Person {index}")
            rel.needs.set(every[index % 3 :: 2])
            RelationshipRating.objects.bulk_create(
                RelationshipRating(
                    owner=alice,
                    relationship=rel,
                    need=need,
                    date=DAY - dt.timedelta(days=back),
                    score=(back + index) % 11,
                )
                for need in every
                for back in range(0, 120, 3)
            )

    client.force_login(alice)
    client.get(reverse("needs:relationships"))  # the first visit creates the profile
    people(2)
    with CaptureQueriesContext(connection) as few:
        assert "Person 1" in overview(client)
    people(25)
    with CaptureQueriesContext(connection) as many:
        html = overview(client)
    assert "Person 24" in html and html.count('scope="rowgroup"') == 25
    assert len(many) == len(few) <= 8, [q["sql"] for q in many]


# --- One line per need -----------------------------------------------------------------------------------


def polylines(html: str) -> dict[str, list[float]]:
    """{line class: [y of each point]} of the chart's lines."""
    found = re.findall(r'<polyline class="chart-line (need-line-\d)" points="([^"]*)"', html)
    return {key: [float(point.split(",")[1]) for point in points.split()] for key, points in found}


def test_the_chart_draws_one_line_per_need_and_does_not_average_them(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    rate(alice, rel, needs["rest"], [2, 2, 2])
    rate(alice, rel, needs["heard"], [6, 6, 6])
    client.force_login(alice)
    html = client.get(reverse("needs:relationship_detail", args=[rel.pk])).content.decode()
    lines = polylines(html)
    assert len(lines) == 2
    # y runs from 220 (0) to 14 (10): 2 is at 178.8, 6 at 96.4, and their average 4 (137.6) is nowhere.
    assert sorted(sorted(set(ys)) for ys in lines.values()) == [[96.4], [178.8]]
    assert "137.6" not in "".join(re.findall(r"<polyline[^>]*>", html))
    assert "How well each need was met with Sam, week by week</title>" in html
    assert "Rest: 2; Being heard: 6." in html  # the summary, lowest first
    assert "<caption>Rest with Sam, weekly average</caption>" in html
    assert "<caption>Being heard with Sam, weekly average</caption>" in html
    assert html.count('<svg class="rel-legend-sample"') == 2
    assert RelationshipRating.objects.filter(relationship=rel).count() == 6


def test_with_many_needs_the_chart_draws_the_lowest_few_and_says_so(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    many = [make_need(alice, f"Need {i:02}", "mental", 3) for i in range(8)]
    for index, need in enumerate(many):
        rate(alice, rel, need, [index + 2])
    client.force_login(alice)
    html = client.get(reverse("needs:relationship_detail", args=[rel.pk])).content.decode()
    assert len(polylines(html)) == 5
    legend = html[
        html.index('<ul class="rel-legend') : html.index("</ul>", html.index('<ul class="rel-legend'))
    ]
    assert "Need 04" in legend and "Need 05" not in legend  # the lowest five: 2 to 6
    assert "3 more needs rated with Sam are left off the chart" in html
    assert 'aria-describedby="rel-summary rel-note"' in html
    assert html.count("<caption>Need ") == 8, "every need is in the numbers"


# --- Rating the needs that matter ----------------------------------------------------------------------


def test_adding_someone_with_the_needs_that_matter_and_editing_them(client, alice, bob, needs):
    bobs = make_need(bob, "Bob's own", "mental", 3)
    client.force_login(alice)
    form = client.get(reverse("needs:relationship_create")).content.decode()
    assert "The needs that matter most with them" in form and "Bob&#x27;s own" not in form
    refused = client.post(
        reverse("needs:relationship_create"), {"nickname": "Sam", "kind": "friend", "needs": [bobs.pk]}
    )
    assert "One of the chosen needs isn’t yours." in refused.content.decode()
    assert 'value="Sam"' in refused.content.decode()  # nothing lost
    assert not Relationship.objects.exists()
    client.post(
        reverse("needs:relationship_create"),
        {"nickname": "Sam", "kind": "friend", "needs": [needs["rest"].pk, needs["heard"].pk]},
    )
    rel = Relationship.objects.get(owner=alice)
    assert set(rel.needs.all()) == {needs["rest"], needs["heard"]}
    edit = reverse("needs:relationship_edit", args=[rel.pk])
    assert 'value="Sam"' in client.get(edit).content.decode()
    response = client.post(edit, {"nickname": "Sammy", "kind": "partner", "needs": [needs["play"].pk]})
    assert response.status_code == 302
    rel.refresh_from_db()
    assert rel.reveal("nickname", owner=alice) == "Sammy" and rel.kind == "partner"
    assert list(rel.needs.all()) == [needs["play"]]


def test_rating_asks_for_the_chosen_needs_and_offers_the_rest_as_optional(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    rel.needs.set([needs["heard"]])
    url = reverse("needs:relationship_detail", args=[rel.pk])
    client.force_login(alice)
    html = client.get(url).content.decode()
    start = html.index('<details class="rel-optional')
    optional = html[start : html.index("</details>", start)]
    asked = html[: html.index('<details class="rel-optional')]
    assert f'id="id_need_{needs["heard"].pk.hex}"' in asked
    assert "Other needs (optional)" in optional
    assert f'id="id_need_{needs["rest"].pk.hex}"' in optional
    assert f'id="id_need_{needs["play"].pk.hex}"' in optional
    # An optional need can be rated on its own, and then its section stays open.
    client.post(url, {"date": "2026-03-02", f"need_{needs['play'].pk.hex}": "4"})
    assert list(RelationshipRating.objects.values_list("need__name", "score")) == [("Play", 4)]


def test_rating_nothing_is_a_clear_error_that_keeps_the_date(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    rel.needs.set([needs["heard"]])
    url = reverse("needs:relationship_detail", args=[rel.pk])
    client.force_login(alice)
    response = client.post(url, {"date": "2026-03-02", f"need_{needs['rest'].pk.hex}": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rate at least one need" in html and 'value="2026-03-02"' in html
    assert not RelationshipRating.objects.exists()
    # A score sent for an optional need and a bad date: the optional section is open to show it.
    html = client.post(url, {"date": "2999-01-01", f"need_{needs['rest'].pk.hex}": "6"}).content.decode()
    assert '<details class="rel-optional mt-2" open>' in html
    assert "hasn’t happened yet" in html
    assert not RelationshipRating.objects.exists()


def test_with_no_needs_chosen_every_active_need_is_asked(client, alice, needs):
    rel = make_relationship(alice, "Sam")
    client.force_login(alice)
    html = client.get(reverse("needs:relationship_detail", args=[rel.pk])).content.decode()
    assert "Other needs (optional)" not in html
    assert all(f'id="id_need_{need.pk.hex}"' in html for need in needs.values())


# --- Removing someone ------------------------------------------------------------------------------------


@pytest.fixture
def sam(alice, needs):
    rel = make_relationship(alice, "Samwise")
    rate(alice, rel, needs["rest"], [3, 4, 5])
    rate(alice, rel, needs["heard"], [6, 7])  # the same first two dates: 5 ratings over 3 dates
    pause_plan_save(user=alice, relationship=rel, what_must_change="Talk", check_back_on=dt.date(2026, 9, 1))
    return rel


def test_removing_asks_first_and_says_what_goes(client, alice, sam):
    client.force_login(alice)
    detail = client.get(reverse("needs:relationship_detail", args=[sam.pk])).content.decode()
    url = reverse("needs:relationship_remove", args=[sam.pk])
    assert f'href="{url}"' in detail and 'name="delete"' not in detail
    html = client.get(url).content.decode()
    assert "Remove Samwise and their history?" in html
    assert "<strong>5 ratings</strong> over <strong>3 dates</strong>" in html
    assert "the pause plan</strong>, with its check-back day of 1 September 2026" in html
    cancel = reverse("needs:relationship_detail", args=[sam.pk])
    assert re.search(rf'<a class="btn[^"]*" href="{cancel}">Cancel</a>', html)
    assert Relationship.objects.filter(pk=sam.pk).exists()
    assert RelationshipRating.objects.filter(relationship=sam).count() == 5


def test_cancel_and_the_old_one_tap_remove_change_nothing(client, alice, sam):
    client.force_login(alice)
    detail = reverse("needs:relationship_detail", args=[sam.pk])
    client.get(reverse("needs:relationship_remove", args=[sam.pk]))
    assert client.get(detail).status_code == 200  # where Cancel goes
    client.post(detail, {"delete": "1"})  # the old button's request removes nothing now
    assert Relationship.objects.filter(pk=sam.pk).exists()
    assert RelationshipRating.objects.filter(relationship=sam).count() == 5
    assert PausePlan.objects.filter(relationship=sam).exists()


def test_confirming_removes_the_person_their_ratings_and_pause_plan(client, alice, needs, sam):
    keep = make_relationship(alice, "Lee")
    rate(alice, keep, needs["rest"], [8])
    client.force_login(alice)
    response = client.post(reverse("needs:relationship_remove", args=[sam.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("needs:relationships")
    assert not Relationship.objects.filter(pk=sam.pk).exists()
    assert not RelationshipRating.objects.filter(relationship_id=sam.pk).exists()
    assert not PausePlan.objects.filter(relationship_id=sam.pk).exists()
    assert RelationshipRating.objects.filter(relationship=keep).count() == 1
    assert len(needs) == 3 and all(
        need.__class__.objects.filter(pk=need.pk).exists() for need in needs.values()
    )
    html = client.get(reverse("needs:relationships")).content.decode()
    assert "Samwise" not in html and ">Lee<" in html


def test_a_person_without_ratings_or_plan_is_described_plainly(client, alice):
    rel = make_relationship(alice, "New Nat")
    client.force_login(alice)
    html = client.get(reverse("needs:relationship_remove", args=[rel.pk])).content.decode()
    assert "no ratings: you haven’t rated anything with them yet" in html and "pause plan" not in html


# --- Isolation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["relationship_remove", "relationship_edit", "relationship_detail"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_bob_gets_404_for_alices_relationship_and_changes_nothing(
    client, alice, bob, sam, needs, name, method
):
    client.force_login(bob)
    data = {"nickname": "Bob was here", "kind": "work", "date": "2026-03-02"}
    response = getattr(client, method)(reverse(f"needs:{name}", args=[sam.pk]), data)
    assert response.status_code == 404
    assert "Samwise" not in response.content.decode()
    sam.refresh_from_db()
    assert sam.reveal("nickname", owner=alice) == "Samwise" and sam.kind == "friend"
    assert RelationshipRating.objects.filter(relationship=sam).count() == 5
    assert PausePlan.objects.filter(relationship=sam).exists()


def test_bobs_overview_shows_none_of_alices_people(client, alice, bob, sam):
    client.force_login(bob)
    html = overview(client)
    assert "Samwise" not in html and "No one added yet." in html
    assert Relationship.objects.filter(owner=alice).count() == 1
