"""The demo account (`manage.py create_demo_account`, which `make run` calls): a year of one person's history
that shows every part of Attune, and a partner connected to them, built the same however often it runs."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from journal.management.commands.create_demo_account import DEMO_EMAIL, PARTNER_EMAIL, demo_password
from journal.models import Reflection
from needs.models.accounts import Profile
from needs.models.needs import Category, CheckIn, Need
from needs.models.relationships import PausePlan, Relationship, RelationshipRating
from needs.models.sharing import Answer, Card, Connection, LoveProfile, SharedNeed, Statement
from tests.factories import make_need

MOMENT = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def local_mode(db, settings):
    settings.DEBUG = True
    call_command("load_starter_content", verbosity=0)


def build_demo() -> str:
    output = io.StringIO()
    call_command("create_demo_account", stdout=output)
    return output.getvalue()


def demo_people():
    User = get_user_model()
    return User.objects.get(email=DEMO_EMAIL), User.objects.get(email=PARTNER_EMAIL)


def counts(user) -> dict:
    return {
        "needs": Need.objects.for_user(user).count(),
        "checkins": CheckIn.objects.for_user(user).count(),
        "reflections": Reflection.objects.for_user(user).count(),
        "statements": Statement.objects.for_user(user).count(),
        "cards": Card.objects.for_user(user).count(),
        "relationships": Relationship.objects.for_user(user).count(),
        "ratings": RelationshipRating.objects.for_user(user).count(),
        "connections": Connection.objects.for_participant(user).count(),
        "shared": SharedNeed.objects.filter(connection__in=Connection.objects.for_participant(user)).count(),
        "people": get_user_model().objects.count(),
    }


@time_machine.travel(MOMENT, tick=False)
def test_the_demo_year_gives_insights_a_pattern_and_home_a_need_to_care_for(local_mode, client):
    output = build_demo()
    demo, _ = demo_people()

    assert DEMO_EMAIL in output and demo_password() in output
    needs = Need.objects.for_user(demo)
    assert 10 <= needs.count() <= 12
    assert set(needs.values_list("category", flat=True)) == set(Category.values)
    checkins = CheckIn.objects.for_user(demo)
    days = set(checkins.values_list("date", flat=True))
    assert checkins.count() >= 300
    assert 300 <= len(days) < 365  # daily-ish, with gaps
    assert min(days) <= TODAY - dt.timedelta(days=364) and max(days) == TODAY - dt.timedelta(days=1)
    reflections = Reflection.objects.for_user(demo)
    assert 60 <= reflections.count() <= 120
    assert reflections.filter(prompt__isnull=False).count() >= 10
    assert reflections.filter(anxiety__isnull=False, confidence__isnull=False).count() >= 40
    assert not reflections.filter(needs__isnull=True).exists()  # each one linked to a need
    assert not reflections.filter(body__icontains="pottery").exists()  # sealed like anyone's
    # The check-ins went in bulk: their kept day and week numbers must still equal the raw rows.
    call_command("rebuild_derived", "--check", stdout=io.StringIO())

    client.force_login(demo)
    insights = client.get(reverse("journal:insights_feelings"), {"range": "1y"}).content.decode()
    assert "No clear patterns yet" not in insights
    assert "On days when “Restful sleep” was better met, your anxiety was often lower" in insights
    home = client.get(reverse("home")).content.decode()
    assert "Needs that could use some care" in home
    assert "Room to think" in home.split("could use some care", 1)[1].split("</section>", 1)[0]
    found = client.get(reverse("journal:reflection_list"), {"q": "pottery"}).content.decode()
    assert "Beginner" in found  # the search index was written with each reflection


@time_machine.travel(MOMENT, tick=False)
def test_the_demo_shares_a_card_steps_back_from_riley_and_exchanges_needs_with_sam(local_mode, client):
    build_demo()
    demo, sam = demo_people()

    assert Statement.objects.for_user(demo).exists()
    assert LoveProfile.objects.for_user(demo).exists()
    card = Card.objects.for_user(demo).live().get()
    public = client.get(reverse("card_public", args=[card.reveal("token", owner=demo)]))
    assert public.status_code == 200
    assert "Being heard" in public.content.decode() and "How I want to be loved" in public.content.decode()

    plan = PausePlan.objects.for_user(demo).select_related("relationship").get()
    assert plan.check_back_on > TODAY
    assert RelationshipRating.objects.for_user(demo).filter(relationship=plan.relationship).count() >= 10
    assert RelationshipRating.objects.for_user(demo).values("relationship").distinct().count() == 3
    client.force_login(demo)
    page = client.get(reverse("needs:relationship_detail", args=[plan.relationship.pk])).content.decode()
    assert "Riley" in page and "Our calls go both ways" in page

    connection = Connection.objects.for_participant(demo).get()
    assert {connection.inviter, connection.invitee} == {demo, sam}
    assert SharedNeed.objects.filter(connection=connection, owner=sam).count() == 2
    offer = Answer.objects.get(owner=sam, kind=Answer.OFFER)
    assert offer.shared.owner == demo and offer.shared.need.name == "Being heard"
    assert Answer.objects.filter(owner=demo, shared__owner=sam).exists()

    client.logout()
    signed_in = client.post(reverse("account_login"), {"login": PARTNER_EMAIL, "password": demo_password()})
    assert signed_in.status_code == 302
    partners = client.get(reverse("sharing:partners")).content.decode()
    assert "With Jo" in partners and DEMO_EMAIL not in partners
    # The demo's addresses reach nobody: neither is sent "something new" emails.
    assert not Profile.objects.filter(owner__in=[demo, sam], partner_emails=True).exists()
    side_by_side = client.get(reverse("sharing:partner_detail", args=[connection.pk])).content.decode()
    assert "Being heard" in side_by_side and "Companionship" in side_by_side
    assert "I can offer this: “Yes to phones away after dinner" in side_by_side


def test_running_it_again_the_same_day_changes_nothing_and_a_later_day_builds_it_afresh(local_mode, alice):
    # An account left by an older version of the command: a need and nothing else.
    old = get_user_model().objects.create_user("demo", DEMO_EMAIL, "an old password")
    make_need(old, "From the old demo")
    with time_machine.travel(dt.datetime(2028, 2, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        first_output = build_demo()
        demo, sam = demo_people()
        first = counts(demo)
        again = build_demo()
        assert counts(demo) == first
        assert demo_people() == (demo, sam)
        assert "already there" in again and demo_password() in again and demo_password() in first_output
    assert not Need.objects.filter(name="From the old demo").exists()
    assert first["people"] == 3  # alice is left alone
    assert first["connections"] == 1 and first["checkins"] >= 300 and first["reflections"] >= 60

    with time_machine.travel(dt.datetime(2028, 2, 29, 9, 0, tzinfo=dt.UTC), tick=False):
        build_demo()
        fresh, fresh_sam = demo_people()
        assert counts(fresh) == first
        assert fresh.pk != demo.pk  # deleted and built again, with dates that count back from the new today
        newest = CheckIn.objects.for_user(fresh).order_by("-date").values_list("date", flat=True).first()
        assert newest == dt.date(2028, 2, 28)
    for person in (fresh, fresh_sam):
        assert person.check_password(demo_password())
    assert get_user_model().objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("moment", [MOMENT, MOMENT + dt.timedelta(days=4)])  # a Wednesday, a Sunday
def test_reflections_that_name_their_day_fall_on_it_whatever_today_is(local_mode, moment):
    with time_machine.travel(moment, tick=False):
        build_demo()
    demo, _ = demo_people()
    days = {}
    for reflection in Reflection.objects.for_user(demo):
        body = reflection.reveal("body", owner=demo)
        for start, weekday in (("Quiet Sunday.", "Sunday"), ("Running group on Sunday.", "Sunday"),
                               ("Turned down the Friday drinks.", "Friday")):  # fmt: skip
            if body.startswith(start):
                days[start] = (reflection.date.strftime("%A"), weekday)
    assert len(days) == 3
    assert all(written == named for written, named in days.values()), days
