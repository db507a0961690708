from __future__ import annotations

import datetime as dt

from django.db import transaction

from needs.models.relationships import PausePlan, Relationship
from needs.services.checkins import stayed_low

IMPORTANT = 4  # needs of this importance or more


LOW = 4  # rated below this...


STRETCH = 30  # ...for this many days


def strained(ratings: list[tuple], needs: dict, today: dt.date) -> list:
    """Important needs that stayed below 4 with this person for 30+ days (the rule in `stayed_low`)."""
    low = stayed_low(ratings, today=today, days=STRETCH, below=LOW)
    in_order = dict.fromkeys(need_id for need_id, _, _ in ratings)  # as rated, like the page lists them
    return [needs[i] for i in in_order if i in low and i in needs and needs[i].importance >= IMPORTANT]


@transaction.atomic
def _pause_plan_save(*, user, rel: Relationship, data: dict) -> None:
    plan = PausePlan.objects.for_user(user).filter(relationship=rel).first()
    plan = plan or PausePlan(owner=user, relationship=rel)
    plan.seal("what_must_change", data["what_must_change"], owner=user)
    plan.check_back_on = data["check_back_on"]
    plan.reminded_on = None
    plan.save()
