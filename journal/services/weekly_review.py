"""The weekly review beyond what was written and which needs moved: feelings beside the needs day by day, the
relationships rated this week, what may have helped the needs that rose, and a question to close the week.

Each piece is one query over a few weeks of rows, whatever the length of the person's history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from journal.models import Prompt, Reflection, ReflectionDay, Step
from needs.models.derived import CheckInDay, NeedWeek
from needs.models.needs import Need
from needs.models.relationships import Relationship, RelationshipRating
from needs.privacy.crypto import reveal_each

STEADY = 0.5  # a change smaller than this, on the 0–10 scale, reads as "about the same"

RATINGS_LOOK_BACK = 56  # days before the week in which an earlier rating of the same need counts as "before"

# Starter questions that fit the end of a week, offered in turn week by week while staff keep them active.
# Any other general question of patience or time alone stands in when none of these is left.
CLOSING_QUESTIONS = (
    "time-alone-general-learned-this-week",
    "time-alone-mental-question-to-sit-with",
    "patience-general-note-to-future-self",
    "honesty-spiritual-value-this-week",
    "patience-general-already-enough",
    "patience-general-months-not-days",
)


def _mean(total, count) -> float | None:
    return round(total / count, 1) if count else None


def direction(now: float | None, before: float | None) -> str:
    """'up', 'down', 'same', or '' when one side is missing."""
    if now is None or before is None:
        return ""
    if now - before >= STEADY:
        return "up"
    if before - now >= STEADY:
        return "down"
    return "same"


# --- Feelings beside the needs -------------------------------------------------------------------------


@dataclass
class FeelingDay:
    date: dt.date
    needs: float | None
    anxiety: float | None
    confidence: float | None


@dataclass
class WeekFeelings:
    days: list[FeelingDay]
    this: dict[str, float | None]
    before: dict[str, float | None]

    @property
    def noted(self) -> bool:
        """Whether any reflection of the week held a feeling."""
        return self.this["anxiety"] is not None or self.this["confidence"] is not None

    @property
    def any_day(self) -> bool:
        return any(
            d.needs is not None or d.anxiety is not None or d.confidence is not None for d in self.days
        )

    def summary(self) -> list[str]:
        """Plain sentences: each measure this week, against the week before when both are known."""
        names = {"needs": "Your needs averaged", "anxiety": "Anxiety", "confidence": "Self-confidence"}
        sentences = []
        for key in ("needs", "anxiety", "confidence"):
            now, before = self.this[key], self.before[key]
            if now is None:
                continue
            said = (
                f"{names[key]} {now:.1f} out of 10" if key == "needs" else f"{names[key]} averaged {now:.1f}"
            )
            way = direction(now, before)
            if way == "up":
                said += f", higher than the week before ({before:.1f})"
            elif way == "down":
                said += f", lower than the week before ({before:.1f})"
            elif way == "same":
                said += f", about the same as the week before ({before:.1f})"
            sentences.append(said + ".")
        return sentences


def week_feelings(user, monday: dt.date) -> WeekFeelings:
    """Each day's needs average (all check-ins), anxiety and self-confidence (reflections), and the week's
    averages against the week before. Two queries over fourteen days of kept rows."""
    previous, sunday = monday - dt.timedelta(days=7), monday + dt.timedelta(days=6)
    needs_by_day = {
        row["date"]: (row["total"], row["count"])
        for row in CheckInDay.objects.for_user(user)
        .filter(date__range=(previous, sunday))
        .values("date")
        .annotate(total=Sum("total"), count=Sum("count"))
        .order_by()
    }
    feelings_by_day = {
        row[0]: row[1:]
        for row in ReflectionDay.objects.for_user(user)
        .filter(date__range=(previous, sunday))
        .values_list("date", "anxiety_total", "anxiety_count", "confidence_total", "confidence_count")
    }
    sums = {
        "this": defaultdict(lambda: [0, 0]),
        "before": defaultdict(lambda: [0, 0]),
    }
    days = []
    for offset in range(-7, 7):
        day = monday + dt.timedelta(days=offset)
        side = sums["this" if offset >= 0 else "before"]
        needs_total, needs_count = needs_by_day.get(day, (0, 0))
        a_total, a_count, c_total, c_count = feelings_by_day.get(day, (0, 0, 0, 0))
        for key, total, count in (
            ("needs", needs_total, needs_count),
            ("anxiety", a_total, a_count),
            ("confidence", c_total, c_count),
        ):
            side[key][0] += total
            side[key][1] += count
        if offset >= 0:
            days.append(
                FeelingDay(
                    day, _mean(needs_total, needs_count), _mean(a_total, a_count), _mean(c_total, c_count)
                )
            )
    averages = {
        side: {key: _mean(*sums[side][key]) for key in ("needs", "anxiety", "confidence")} for side in sums
    }
    return WeekFeelings(days, averages["this"], averages["before"])


# --- Relationships rated this week ---------------------------------------------------------------------


@dataclass
class RatedNeed:
    name: str
    category: str
    score: float
    before: float | None

    @property
    def direction(self) -> str:
        return direction(self.score, self.before)


@dataclass
class RatedRelationship:
    relationship: Relationship
    needs: list[RatedNeed] = field(default_factory=list)

    @property
    def direction(self) -> str:
        """The needs rated both this week and before: on average, more met, less met or about the same."""
        compared = [n for n in self.needs if n.before is not None]
        if not compared:
            return ""
        now = sum(n.score for n in compared) / len(compared)
        before = sum(n.before for n in compared) / len(compared)
        return direction(now, before)


def week_relationships(user, monday: dt.date) -> list[RatedRelationship]:
    """Relationships with a rating this week: each need rated (this week's average) against the latest rating of
    that need with that person in the eight weeks before. One query; nicknames are opened with the person's key.
    """
    sunday = monday + dt.timedelta(days=6)
    rows = (
        RelationshipRating.objects.for_user(user)
        .filter(date__range=(monday - dt.timedelta(days=RATINGS_LOOK_BACK), sunday))
        .select_related("relationship", "need")
        .order_by("date")
    )
    now: dict = defaultdict(lambda: defaultdict(list))
    before: dict = defaultdict(dict)
    needs: dict = {}
    relationships: dict = {}
    for rating in rows:
        needs[rating.need_id] = rating.need
        if rating.date >= monday:
            relationships[rating.relationship_id] = rating.relationship
            now[rating.relationship_id][rating.need_id].append(rating.score)
        else:
            before[rating.relationship_id][rating.need_id] = rating.score  # in date order: the latest stays
    rated = []
    in_order = sorted(relationships.values(), key=lambda r: r.created_at)
    for relationship in reveal_each(in_order, owner=user):
        entry = RatedRelationship(relationship)
        for need_id, scores in now[relationship.pk].items():
            need = needs[need_id]
            average = round(sum(scores) / len(scores), 1)
            entry.needs.append(
                RatedNeed(need.name, need.category, average, before[relationship.pk].get(need_id))
            )
        entry.needs.sort(key=lambda n: n.name.lower())
        rated.append(entry)
    return rated


# --- What may have helped ------------------------------------------------------------------------------


@dataclass
class Helped:
    need: Need
    change: float
    what_helps: str
    reflections: list[Reflection]


def what_helped(user, monday: dt.date, rose: list[dict], reflections: list[Reflection]) -> list[Helped]:
    """For each need that rose: the person's own words about what helps it, and this week's reflections linked
    to it. Two queries, however many needs rose (or none)."""
    sunday = monday + dt.timedelta(days=6)
    # Every need checked in this week, so the query runs (and costs the same) whether or not any rose.
    checked = Need.objects.for_user(user).filter(
        pk__in=NeedWeek.objects.for_user(user).filter(week=monday).values("need_id")
    )
    rose_ids = [entry["id"] for entry in rose]
    rose_needs = [need for need in checked if need.pk in rose_ids]
    reveal_each(rose_needs, owner=user)
    by_id = {need.pk: need for need in rose_needs}
    links = Reflection.needs.through.objects.filter(
        reflection__owner=user, reflection__deleted_at__isnull=True, reflection__date__range=(monday, sunday)
    ).values_list("reflection_id", "need_id")
    written = {r.pk: r for r in reflections}
    linked: dict = defaultdict(list)
    for reflection_id, need_id in links:
        if need_id in by_id and reflection_id in written:
            linked[need_id].append(written[reflection_id])
    return [
        Helped(by_id[e["id"]], e["change"], by_id[e["id"]].plain.what_helps, linked[e["id"]])
        for e in rose
        if e["id"] in by_id
    ]


# --- A question to close the week ----------------------------------------------------------------------


@dataclass
class ClosingQuestion:
    prompt: Prompt
    answered_in: Reflection | None


def closing_question(monday: dt.date, reflections: list[Reflection]) -> ClosingQuestion | None:
    """One question for the week, the same every time the week is looked at: a closing starter question in turn,
    or else any general question of patience or time alone. Says whether a reflection of the week answered it."""
    found = list(
        Prompt.objects.daily()
        .filter(Q(slug__in=CLOSING_QUESTIONS) | Q(category="", step__in=[Step.PATIENCE, Step.TIME_ALONE]))
        .order_by("slug")
    )
    if not found:
        return None
    preferred = sorted(
        (p for p in found if p.slug in CLOSING_QUESTIONS), key=lambda p: CLOSING_QUESTIONS.index(p.slug)
    )
    pool = preferred or found
    prompt = pool[(monday.toordinal() // 7) % len(pool)]  # the next one each week
    answered = next((r for r in reflections if r.prompt_id == prompt.pk), None)
    return ClosingQuestion(prompt, answered)
