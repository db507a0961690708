"""Prompts: the starter prompts (and the starter content staff retired), a person's own prompts (saving,
deleting), the prompt of the day and the question suggested next to a need running low."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Sum

from journal.models import PersonalPrompt, Prompt, PromptShown, RetiredStarter, Step
from needs.models.derived import CheckInDay
from needs.models.needs import CatalogueNeed, Category, Need
from needs.models.relationships import Relationship
from needs.privacy.owned import OwnedSQL, as_saved
from needs.services.accounts import local_date_of, profile_for
from needs.services.needs import CATALOGUE_FILE

PROMPTS_FILE = Path(__file__).resolve().parent.parent / "data" / "prompts.json"


# --- Starter prompts ------------------------------------------------------------------------------


# The starter file's word on where a question may appear, and the value of each flag that takes more care.
CAREFUL_FLAGS = {"daily_pick": False, "needs_relationship": True, "points_to_help": True}


def retired_slugs(kind: str) -> set[str]:
    """Slugs of starter content of this kind (RetiredStarter.Kind) that staff deleted: never loaded again."""
    return set(RetiredStarter.objects.filter(kind=kind).values_list("slug", flat=True))


def starter_retire(*, kind: str, slugs: list[str], starter_slugs: set[str]) -> int:
    """Record the starter items among `slugs` that staff are deleting, so loading the starter content again
    leaves them gone. Content staff wrote themselves has nothing to come back from. Returns how many."""
    retired = [RetiredStarter(kind=kind, slug=slug) for slug in slugs if slug in starter_slugs]
    RetiredStarter.objects.bulk_create(retired, ignore_conflicts=True)
    return len(retired)


def starter_prompt_slugs(*, path: Path = PROMPTS_FILE) -> set[str]:
    return {e["slug"] for e in json.loads(path.read_text(encoding="utf-8"))}


def starter_catalogue_slugs(*, path: Path = CATALOGUE_FILE) -> set[str]:
    return {e["slug"] for e in json.loads(path.read_text(encoding="utf-8"))}


def prompts_load(*, path: Path = PROMPTS_FILE) -> int:
    """Add starter prompts that are missing (by slug), except those staff deleted. Never changes an existing row,
    so a prompt staff made inactive stays inactive."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Prompt.objects.values_list("slug", flat=True)) | retired_slugs(RetiredStarter.Kind.PROMPT)
    new = [
        Prompt(
            slug=e["slug"],
            text=e["text"],
            follow_up=e.get("follow_up", ""),
            category=e.get("category") or "",
            step=e["step"],
            **{flag: e.get(flag, not careful) for flag, careful in CAREFUL_FLAGS.items()},
        )
        for e in entries
        if e["slug"] not in existing
    ]
    Prompt.objects.bulk_create(new)
    return len(new)


def prompts_link(*, slugs: set[str] | None = None, path: Path = PROMPTS_FILE) -> int:
    """Tie starter prompts (those of `slugs`, or all) to the catalogue needs the starter file names, while a prompt
    is tied to none. The starter load ties only the prompts it has just added, and migration 0012 tied the ones
    already here once, so links staff changed or removed stay as they are. Catalogue needs that are not here (or
    were retired) are skipped. Returns how many prompts were tied."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    wanted = {
        e["slug"]: e["catalogue_needs"]
        for e in entries
        if e.get("catalogue_needs") and (slugs is None or e["slug"] in slugs)
    }
    catalogue = CatalogueNeed.objects.in_bulk(
        {slug for slugs in wanted.values() for slug in slugs}, field_name="slug"
    )
    untied = Prompt.objects.filter(slug__in=wanted, catalogue_needs__isnull=True)
    through = Prompt.catalogue_needs.through
    links, tied = [], 0
    for prompt_id, slug in untied.values_list("pk", "slug"):
        found = [catalogue[c].pk for c in wanted[slug] if c in catalogue]
        links += [through(prompt_id=prompt_id, catalogueneed_id=need_id) for need_id in found]
        tied += bool(found)
    through.objects.bulk_create(links, ignore_conflicts=True)
    return tied


def prompts_take_care(*, path: Path = PROMPTS_FILE) -> int:
    """Bring the starter prompts already here up to the care the starter file asks for (by slug): keep a
    question from arriving unasked, tie it to a relationship, point it to help. Only ever towards more care, so
    a flag staff set is never cleared and a question about safety never becomes a random pick again on a
    deploy. A follow-up is replaced only while it still reads as an earlier starter version
    (`follow_up_was`): one staff rewrote is theirs. Returns how many prompts changed."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    wanted = {
        e["slug"]: e for e in entries if e.get("follow_up_was") or any(flag in e for flag in CAREFUL_FLAGS)
    }
    changed = 0
    for prompt in Prompt.objects.filter(slug__in=wanted):
        entry, fields = wanted[prompt.slug], []
        for flag, careful in CAREFUL_FLAGS.items():
            if entry.get(flag) == careful and getattr(prompt, flag) != careful:
                setattr(prompt, flag, careful)
                fields.append(flag)
        if prompt.follow_up in entry.get("follow_up_was", ()):
            prompt.follow_up = entry["follow_up"]
            fields.append("follow_up")
        if fields:
            prompt.save(update_fields=[*fields, "updated_at"])
            changed += 1
    return changed


# --- A person's own prompts ------------------------------------------------------------------------


def personal_prompt_save(*, user, data: dict, prompt: PersonalPrompt | None = None) -> PersonalPrompt:
    """Create a person's own prompt, or update `prompt`, from cleaned form data (text, category, step,
    is_active)."""
    prompt = prompt or PersonalPrompt(owner=user)
    prompt.category = data["category"]
    prompt.step = data["step"]
    prompt.is_active = data["is_active"]
    prompt.seal("text", data["text"], owner=user)
    prompt.save()
    return prompt


def personal_prompt_delete(*, prompt: PersonalPrompt) -> None:
    """Delete a person's own prompt. Reflections that answered it are kept (their link is cleared)."""
    prompt.delete()


# --- Prompt of the day ------------------------------------------------------------------------------


@dataclass
class DailyPrompt:
    """A staff prompt or a person's own, ready to show."""

    prompt: Prompt | None
    personal: PersonalPrompt | None
    text: str
    follow_up: str
    category: str
    step: str

    @property
    def step_label(self) -> str:
        return Step(self.step).label

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def points_to_help(self) -> bool:
        """Whether "When you need more than a journal" goes with it. A person's own question never asks."""
        return bool(self.prompt and self.prompt.points_to_help)

    @property
    def query(self) -> str:
        """How the reflection form is asked to answer it."""
        if self.prompt:
            return f"prompt={self.prompt.pk}"
        return f"personal_prompt={self.personal.pk}"


def daily_prompt(shown: PromptShown, *, user) -> DailyPrompt:
    if shown.prompt_id:
        p = shown.prompt
        return DailyPrompt(p, None, p.text, p.follow_up, p.category, p.step)
    p = shown.personal_prompt
    return DailyPrompt(None, p, p.reveal_all(owner=user).text, "", p.category, p.step)


def category_weights(*, user, today: dt.date) -> dict[str, float]:
    """Lean toward the categories whose needs scored lowest over the last 14 days."""
    rows = (
        CheckInDay.objects.for_user(user)
        .filter(date__gt=today - dt.timedelta(days=14), date__lte=today)
        .values("category")
        .annotate(total=Sum("total"), count=Sum("count"))
    )
    # A category averaging 2/10 weighs 5x one averaging 10/10; no data: the middle.
    weights = {row["category"]: 1 + (10 - row["total"] / row["count"]) / 2 for row in rows}
    return defaultdict(lambda: 3.0, weights)


# The first weeks. Day 1 is the day the person joined, by their own calendar. Naming one's needs comes first,
# then saying them and being patient with change, then the daily quiet; stepping back from someone waits until
# there is someone in view (a relationship) or four weeks have passed. Each tuple is what to offer when the one
# before has nothing left in this cycle; a person's own prompts are always in.
FIRST_WEEK = (Step.HONESTY,)
SECOND_WEEK = (Step.HONESTY, Step.OPENNESS, Step.PATIENCE)
FROM_THIRD_WEEK = (*SECOND_WEEK, Step.TIME_ALONE)
WITH_STEPPING_BACK = (*FROM_THIRD_WEEK, Step.STEPPING_BACK)
STEPPING_BACK_WITH_A_RELATIONSHIP_FROM_DAY = 15
STEPPING_BACK_FOR_EVERYONE_FROM_DAY = 29


def day_with_attune(*, user, today: dt.date) -> int:
    """Which day of the person's time with Attune `today` is: 1 on the day they joined."""
    joined = local_date_of(user.date_joined, profile_for(user))
    return max(1, (today - joined).days + 1)


def plan_steps(*, user, today: dt.date) -> list[tuple[str, ...]]:
    """The steps the question of the day may come from, narrowest first; the last holds every step allowed."""
    day = day_with_attune(user=user, today=today)
    if day <= 7:
        return [FIRST_WEEK, SECOND_WEEK, FROM_THIRD_WEEK]
    if day <= 14:
        return [SECOND_WEEK, FROM_THIRD_WEEK]
    if day >= STEPPING_BACK_FOR_EVERYONE_FROM_DAY or (
        day >= STEPPING_BACK_WITH_A_RELATIONSHIP_FROM_DAY and Relationship.objects.for_user(user).exists()
    ):
        return [WITH_STEPPING_BACK]
    return [FROM_THIRD_WEEK]


def _key(kind: str, prompt) -> tuple[str, object]:
    return (kind, prompt.pk)


def _shown_key(shown: PromptShown) -> tuple[str, object]:
    return ("p", shown.prompt_id) if shown.prompt_id else ("o", shown.personal_prompt_id)


def _pool(user, *, steps: tuple[str, ...]) -> list[tuple[str, object]]:
    # Only prompts that may arrive unasked: none that speaks of someone no one is looking at.
    staff = [("p", p) for p in Prompt.objects.daily().filter(step__in=steps)]
    own = [("o", p) for p in PersonalPrompt.objects.for_user(user).filter(is_active=True)]
    return staff + own


def _offer(pool, stages: list[tuple[str, ...]], *, skip: set) -> list[tuple[str, object]]:
    """The prompts of the narrowest stage that still has one not in `skip`."""
    for steps in stages:
        found = [
            (kind, p) for kind, p in pool if (kind == "o" or p.step in steps) and _key(kind, p) not in skip
        ]
        if found:
            return found
    return []


def _choose(*, user, today: dt.date, exclude_current: PromptShown | None) -> PromptShown | None:
    stages = plan_steps(user=user, today=today)
    pool = _pool(user, steps=stages[-1])
    if not pool:
        return None
    history = PromptShown.objects.for_user(user)
    cycle = history.order_by("-cycle").values_list("cycle", flat=True).first() or 1
    used = {
        ("p", pid) if pid else ("o", oid)
        for pid, oid in history.filter(cycle=cycle).values_list("prompt_id", "personal_prompt_id")
    }
    candidates = _offer(pool, stages, skip=used)
    if not candidates:  # the whole pool has been offered: start again, but not with the latest prompt
        cycle += 1
        latest = exclude_current or history.order_by("-id").first()
        candidates = _offer(pool, stages, skip={_shown_key(latest)} if latest else set()) or pool
    weights = category_weights(user=user, today=today)
    rng = random.Random(f"{user.pk}:{today.isoformat()}:{history.count()}")  # noqa: S311 - not security
    kind, chosen = rng.choices(
        candidates, weights=[weights[p.category] if p.category else 2.0 for _, p in candidates]
    )[0]
    return PromptShown.objects.create(
        owner=user,
        date=today,
        cycle=cycle,
        prompt=chosen if kind == "p" else None,
        personal_prompt=chosen if kind == "o" else None,
    )


# Today's prompt as chosen (the newest shown for the date), with the staff prompt or the person's own it names.
TODAYS_PROMPT = OwnedSQL(
    """
    SELECT s.id, s.prompt_id, p.text, p.follow_up, p.category, p.step, p.is_active, p.daily_pick,
           p.needs_relationship, p.points_to_help, s.personal_prompt_id, o.text, o.category, o.step
      FROM journal_promptshown s
      LEFT JOIN journal_prompt p ON p.id = s.prompt_id
      LEFT JOIN journal_personalprompt o ON o.id = s.personal_prompt_id AND o.owner_id = %(owner)s
     WHERE s.owner_id = %(owner)s AND s.date = %(today)s
     ORDER BY s.id DESC
     LIMIT 1
    """,
    uuids=(10,),
)


def _todays_shown(user, today: dt.date) -> PromptShown | None:
    """Today's `PromptShown` with its prompt, in one fixed query (the home page's hottest read). The prompt
    carries what the page shows and the daily pool's flags, no more."""
    found = TODAYS_PROMPT.rows(user, today=today)
    if not found:
        return None
    (pk, prompt_id, text, follow_up, category, step, is_active, daily_pick, needs_relationship, points_to_help,
     personal_id, personal_text, personal_category, personal_step) = found[0]  # fmt: skip
    shown = PromptShown(
        id=pk, owner_id=user.pk, date=today, prompt_id=prompt_id, personal_prompt_id=personal_id
    )
    if prompt_id is not None:
        shown.prompt = as_saved(
            Prompt(
                id=prompt_id, text=text, follow_up=follow_up, category=category, step=step,
                is_active=bool(is_active), daily_pick=bool(daily_pick), needs_relationship=bool(needs_relationship),
                points_to_help=bool(points_to_help),
            )
        )  # fmt: skip
    elif personal_id is not None:
        if personal_text is None:
            return None  # not the person's own prompt: never shown
        shown.personal_prompt = as_saved(
            PersonalPrompt(
                id=personal_id, owner_id=user.pk, text=personal_text, category=personal_category,
                step=personal_step,
            )
        )  # fmt: skip
    return as_saved(shown)


def prompt_of_the_day(*, user, today: dt.date) -> DailyPrompt | None:
    """The same prompt all local day; chosen on the day's first visit."""
    shown = _todays_shown(user, today)
    if shown is None or (shown.prompt_id and not shown.prompt.fits_a_day):
        # Staff may have taken today's question out of the daily pool since it was chosen: choose again.
        with transaction.atomic():
            shown = _choose(user=user, today=today, exclude_current=None)
    return daily_prompt(shown, user=user) if shown else None


def prompt_another(*, user, today: dt.date) -> DailyPrompt | None:
    current = PromptShown.objects.for_user(user).filter(date=today).order_by("-id").first()
    with transaction.atomic():
        shown = _choose(user=user, today=today, exclude_current=current)
    return daily_prompt(shown, user=user) if shown else None


# --- A question next to a need running low ---------------------------------------------------------

# Without a question tied to the need itself, one of its category about asking for it or stepping back.
LOW_NEED_STEPS = (Step.OPENNESS, Step.STEPPING_BACK)


def _pick(need: Need, fitting: list, today: dt.date):
    """The same question for a need all day, another on another day."""
    if not fitting:
        return None
    digest = hashlib.sha256(f"{need.pk}:{today.isoformat()}".encode()).digest()
    return fitting[int.from_bytes(digest[:4], "big") % len(fitting)]


# The daily prompts about asking or stepping back, and every daily prompt staff tied to a catalogue need (one
# row per tie), in the order picks are made from. Not the person's: the same for everyone, sent as SQL.
LOW_NEED_PROMPTS = f"""
    SELECT p.id, p.text, p.category, p.step, t.catalogueneed_id
      FROM journal_prompt p
      LEFT JOIN journal_prompt_catalogue_needs t ON t.prompt_id = p.id
     WHERE p.is_active AND p.daily_pick AND NOT p.needs_relationship
       AND (p.step IN ({", ".join(f"'{step.value}'" for step in LOW_NEED_STEPS)}) OR t.catalogueneed_id IS NOT NULL)
     ORDER BY p.step, p.category, p.text, p.id
"""  # noqa: S608 - only the steps' own fixed values are written into it


def prompts_for_low_needs(needs: list[Need], *, today: dt.date) -> list[dict]:
    """[{"need", "prompt"}] for needs running low: a daily question tied to the need's catalogue need when staff
    tied one, else one of its category (about asking or stepping back), else one for any category. One query."""
    catalogue_ids = {need.catalogue_need_id for need in needs if need.catalogue_need_id}
    with connection.cursor() as cursor:
        cursor.execute(LOW_NEED_PROMPTS)
        found = cursor.fetchall()
    # Rows stay plain tuples (pk, text, category, step); only the questions picked become prompts.
    tied: dict = defaultdict(list)
    general: dict = {}
    for pk, text, category, step, tied_to in found:
        if tied_to in catalogue_ids:
            tied[tied_to].append((pk, text, category, step))
        if step in LOW_NEED_STEPS:
            general.setdefault(pk, (pk, text, category, step))
    pool = list(general.values())
    items = []
    made: dict = {}
    for need in needs:
        fitting = (
            tied.get(need.catalogue_need_id)
            or [row for row in pool if row[2] == need.category]
            or [row for row in pool if not row[2]]
        )
        picked = _pick(need, fitting, today)
        if picked is not None and picked[0] not in made:
            pk, text, category, step = picked
            made[pk] = as_saved(Prompt(id=pk, text=text, category=category, step=step))
        items.append({"need": need, "prompt": made[picked[0]] if picked is not None else None})
    return items
