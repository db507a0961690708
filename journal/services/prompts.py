"""Prompts: the starter prompts, a person's own prompts (saving, deleting) and the prompt of the day."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from journal.models import PersonalPrompt, Prompt, PromptShown, Step
from needs.models.derived import CheckInDay
from needs.models.needs import Category

PROMPTS_FILE = Path(__file__).resolve().parent.parent / "data" / "prompts.json"


# --- Starter prompts ------------------------------------------------------------------------------


def prompts_load(*, path: Path = PROMPTS_FILE) -> int:
    """Add starter prompts that are missing (by slug). Never changes an existing row."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    existing = set(Prompt.objects.values_list("slug", flat=True))
    new = [
        Prompt(
            slug=e["slug"],
            text=e["text"],
            follow_up=e.get("follow_up", ""),
            category=e.get("category") or "",
            step=e["step"],
        )
        for e in entries
        if e["slug"] not in existing
    ]
    Prompt.objects.bulk_create(new)
    return len(new)


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


def _pool(user) -> list[tuple[str, object]]:
    staff = [("p", p) for p in Prompt.objects.filter(is_active=True)]
    own = [("o", p) for p in PersonalPrompt.objects.for_user(user).filter(is_active=True)]
    return staff + own


def _choose(*, user, today: dt.date, exclude_current: PromptShown | None) -> PromptShown | None:
    pool = _pool(user)
    if not pool:
        return None
    history = PromptShown.objects.for_user(user)
    cycle = history.order_by("-cycle").values_list("cycle", flat=True).first() or 1
    used = {
        ("p", pid) if pid else ("o", oid)
        for pid, oid in history.filter(cycle=cycle).values_list("prompt_id", "personal_prompt_id")
    }
    candidates = [(kind, p) for kind, p in pool if (kind, p.pk) not in used]
    if not candidates:  # the whole pool has been offered: start again, but not with the latest prompt
        cycle += 1
        latest = exclude_current or history.order_by("-id").first()
        current = latest and (latest.prompt_id or latest.personal_prompt_id)
        candidates = [(kind, p) for kind, p in pool if p.pk != current] or pool
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


def prompt_of_the_day(*, user, today: dt.date) -> DailyPrompt | None:
    """The same prompt all local day; chosen on the day's first visit."""
    shown = (
        PromptShown.objects.for_user(user)
        .filter(date=today)
        .select_related("prompt", "personal_prompt")
        .order_by("-id")
        .first()
    )
    if shown is None:
        with transaction.atomic():
            shown = _choose(user=user, today=today, exclude_current=None)
    return daily_prompt(shown, user=user) if shown else None


def prompt_another(*, user, today: dt.date) -> DailyPrompt | None:
    current = PromptShown.objects.for_user(user).filter(date=today).order_by("-id").first()
    with transaction.atomic():
        shown = _choose(user=user, today=today, exclude_current=current)
    return daily_prompt(shown, user=user) if shown else None
