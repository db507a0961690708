"""The weekly review beyond what was written and which needs moved: feelings beside the needs day by day, the
relationships rated this week, what may have helped the needs that rose, and a question to close the week.

Each piece is one query over a few weeks of rows, whatever the length of the person's history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from journal.models import Prompt, Reflection, Step
from journal.services.reflection_titles import TitledReflection
from needs.models.needs import Need
from needs.models.relationships import Relationship
from needs.privacy.crypto import Plain, text_opener
from needs.privacy.owned import OwnedSQL, as_saved

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


@dataclass
class WeekReflection(TitledReflection):
    need_ids: set = field(default_factory=set)  # the needs it is linked to, for "what may have helped"


# The week's live reflections in the order written, a row per need linked (one row with no need when none is).
WEEK_REFLECTIONS = OwnedSQL(
    """
    SELECT r.id, r.date, r.title, r.prompt_id, l.need_id
      FROM journal_reflection r
      LEFT JOIN journal_reflection_needs l ON l.reflection_id = r.id
     WHERE r.owner_id = %(owner)s AND r.deleted_at IS NULL AND r.date >= %(monday)s AND r.date <= %(sunday)s
     ORDER BY r.date, r.created_at
    """,
    uuids=(0, 4),
    dates=(1,),
)


def week_reflections(user, monday: dt.date) -> list[WeekReflection]:
    """The week's live reflections in the order written, by title (the page shows no body), each with the ids
    of the needs it is linked to: one query, a row per link."""
    rows = WEEK_REFLECTIONS.rows(user, monday=monday, sunday=monday + dt.timedelta(days=6))
    found: dict = {}
    open_title = None
    for pk, date, title, prompt_id, need_id in rows:
        reflection = found.get(pk)
        if reflection is None:
            open_title = open_title or text_opener(user, label=Reflection._meta.label_lower, field="title")
            reflection = found[pk] = WeekReflection(
                pk, date, prompt_id, Plain({"title": open_title(pk, title)})
            )
        if need_id is not None:
            reflection.need_ids.add(need_id)
    return list(found.values())


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


# The check-in day sums and the reflection day sums side by side (each side's other columns zero), to be added up
# by date.
FEELING_DAYS = OwnedSQL(
    """
    SELECT date, SUM(total), SUM(count), 0, 0, 0, 0 FROM needs_checkinday
     WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(sunday)s
     GROUP BY date
    UNION ALL
    SELECT date, 0, 0, anxiety_total, anxiety_count, confidence_total, confidence_count FROM journal_reflectionday
     WHERE owner_id = %(owner)s AND date >= %(since)s AND date <= %(sunday)s
    """,
    dates=(0,),
)


def week_feelings(user, monday: dt.date) -> WeekFeelings:
    """Each day's needs average (all check-ins), anxiety and self-confidence (reflections), and the week's
    averages against the week before. One query over fourteen days of kept rows."""
    previous, sunday = monday - dt.timedelta(days=7), monday + dt.timedelta(days=6)
    by_day: dict = defaultdict(lambda: [0] * 6)
    for date, *numbers in FEELING_DAYS.rows(user, since=previous, sunday=sunday):
        by_day[date] = [a + (b or 0) for a, b in zip(by_day[date], numbers, strict=True)]
    needs_by_day = {date: tuple(n[:2]) for date, n in by_day.items()}
    feelings_by_day = {date: tuple(n[2:]) for date, n in by_day.items()}
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
    relationship: RatedPerson
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


@dataclass
class RatedPerson:
    """A relationship as the review shows it: its link and its nickname (`plain.nickname`, opened)."""

    pk: object
    created_at: dt.datetime
    plain: Plain


# The person's relationship ratings over a stretch of days, oldest first, with the need's name and category and
# the relationship's start and sealed nickname.
WEEK_RATINGS = OwnedSQL(
    """
    SELECT g.relationship_id, g.need_id, g.date, g.score, n.name, n.category, p.created_at, p.nickname
      FROM needs_relationshiprating g
      JOIN needs_need n ON n.id = g.need_id AND n.owner_id = %(owner)s
      JOIN needs_relationship p ON p.id = g.relationship_id AND p.owner_id = %(owner)s
     WHERE g.owner_id = %(owner)s AND g.date >= %(since)s AND g.date <= %(sunday)s
     ORDER BY g.date
    """,
    uuids=(0, 1),
    dates=(2,),
)


def week_relationships(user, monday: dt.date) -> list[RatedRelationship]:
    """Relationships with a rating this week: each need rated (this week's average) against the latest rating of
    that need with that person in the eight weeks before. One query of plain values; nicknames are opened with
    the person's key.
    """
    sunday = monday + dt.timedelta(days=6)
    rows = WEEK_RATINGS.rows(user, since=monday - dt.timedelta(days=RATINGS_LOOK_BACK), sunday=sunday)
    now: dict = defaultdict(lambda: defaultdict(list))
    before: dict = defaultdict(dict)
    needs: dict = {}
    relationships: dict = {}
    for relationship_id, need_id, date, score, name, category, created_at, nickname in rows:
        needs[need_id] = (name, category)
        if date >= monday:
            if isinstance(created_at, str):  # SQLite keeps it as text, in UTC
                created_at = dt.datetime.fromisoformat(created_at).replace(tzinfo=dt.UTC)
            relationships[relationship_id] = (created_at, nickname)
            now[relationship_id][need_id].append(score)
        else:
            before[relationship_id][need_id] = score  # in date order: the latest stays
    if not relationships:
        return []
    open_nickname = text_opener(user, label=Relationship._meta.label_lower, field="nickname")
    rated = []
    for pk, (created_at, nickname) in sorted(relationships.items(), key=lambda item: item[1][0]):
        entry = RatedRelationship(
            RatedPerson(pk, created_at, Plain({"nickname": open_nickname(pk, nickname)}))
        )
        for need_id, scores in now[pk].items():
            name, category = needs[need_id]
            average = round(sum(scores) / len(scores), 1)
            entry.needs.append(RatedNeed(name, category, average, before[pk].get(need_id)))
        entry.needs.sort(key=lambda n: n.name.lower())
        rated.append(entry)
    return rated


# --- What may have helped ------------------------------------------------------------------------------


@dataclass
class Helped:
    need: Need
    change: float
    what_helps: str
    reflections: list[WeekReflection]


OWN_NEEDS_HELPS = OwnedSQL(
    "SELECT id, name, what_helps FROM needs_need WHERE owner_id = %(owner)s",
    uuids=(0,),
)


def what_helped(user, monday: dt.date, rose: list[dict], reflections: list[WeekReflection]) -> list[Helped]:
    """For each need that rose: the person's own words about what helps it, and this week's reflections linked
    to it (`week_reflections` read the links). One query, however many needs rose (or none)."""
    rose_ids = {entry["id"] for entry in rose}
    # The person's needs with their words about what helps, the ones that rose kept: one fixed query (rising
    # needs are a few of the person's own needs, so reading them all costs less than building a query for them).
    rose_needs = []
    for pk, name, what_helps in OWN_NEEDS_HELPS.rows(user):
        if pk in rose_ids:
            rose_needs.append(as_saved(Need(id=pk, owner_id=user.pk, name=name, what_helps=what_helps)))
    open_helps = text_opener(user, label=Need._meta.label_lower, field="what_helps") if rose_needs else None
    helps = {need.pk: open_helps(need.pk, need.what_helps) for need in rose_needs}
    by_id = {need.pk: need for need in rose_needs}
    linked: dict = defaultdict(list)
    for reflection in reflections:
        for need_id in reflection.need_ids & by_id.keys():
            linked[need_id].append(reflection)
    return [
        Helped(by_id[e["id"]], e["change"], helps[e["id"]], linked[e["id"]]) for e in rose if e["id"] in by_id
    ]


# --- A question to close the week ----------------------------------------------------------------------


@dataclass
class ClosingQuestion:
    prompt: Prompt
    answered_in: TitledReflection | None


# The closing starter questions and every general question of patience or time alone, among the daily prompts
# (`Prompt.objects.daily()`): the same for everyone, sent as SQL.
CLOSING_SQL = f"""
    SELECT id, slug, text FROM journal_prompt
     WHERE is_active AND daily_pick AND NOT needs_relationship
       AND (slug IN ({", ".join(["%s"] * len(CLOSING_QUESTIONS))}) OR (category = '' AND step IN (%s, %s)))
     ORDER BY slug
"""  # noqa: S608 - only placeholders are written into it


def closing_question(monday: dt.date, reflections: list[TitledReflection]) -> ClosingQuestion | None:
    """One question for the week, the same every time the week is looked at: a closing starter question in turn,
    or else any general question of patience or time alone. Says whether a reflection of the week answered it."""
    with connection.cursor() as cursor:
        cursor.execute(CLOSING_SQL, [*CLOSING_QUESTIONS, Step.PATIENCE.value, Step.TIME_ALONE.value])
        found = [as_saved(Prompt(id=pk, slug=slug, text=text)) for pk, slug, text in cursor.fetchall()]
    if not found:
        return None
    preferred = sorted(
        (p for p in found if p.slug in CLOSING_QUESTIONS), key=lambda p: CLOSING_QUESTIONS.index(p.slug)
    )
    pool = preferred or found
    prompt = pool[(monday.toordinal() // 7) % len(pool)]  # the next one each week
    answered = next((r for r in reflections if r.prompt_id == prompt.pk), None)
    return ClosingQuestion(prompt, answered)
