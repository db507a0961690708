"""Journal operations used by views and commands: prompts of the day, saving, search, calendar, trash."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal.models import TRASH_DAYS, PersonalPrompt, Prompt, PromptShown, Reflection, Step
from journal.saving import (  # noqa: F401 - saving lives in its own module; views and commands call it here
    Conflict,
    DraftGone,
    DraftRefused,
    draft_differs,
    draft_is_stale,
    draft_payload,
    draft_save,
    form_drafts_discard,
    reflection_save,
)
from needs import pagecache
from needs.crypto import text_opener
from needs.models import Category, CheckIn

PROMPTS_FILE = Path(__file__).resolve().parent / "data" / "prompts.json"


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
    return DailyPrompt(None, p, p.reveal("text", owner=user), "", p.category, p.step)


def category_weights(*, user, today: dt.date) -> dict[str, float]:
    """Lean toward the categories whose needs scored lowest over the last 14 days."""
    rows = (
        CheckIn.objects.for_user(user)
        .filter(date__gt=today - dt.timedelta(days=14), date__lte=today)
        .values("need__category")
        .annotate(average=Avg("score"))
    )
    # A category averaging 2/10 weighs 5x one averaging 10/10; no data: the middle.
    weights = {row["need__category"]: 1 + (10 - float(row["average"])) / 2 for row in rows}
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


def trash_purge(*, now: dt.datetime | None = None) -> int:
    """Delete reflections that have been in the trash for more than TRASH_DAYS days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=TRASH_DAYS)
    expired = Reflection.objects.filter(deleted_at__lt=cutoff)
    owners = set(expired.values_list("owner_id", flat=True).distinct())
    deleted, _ = expired.delete()
    pagecache.forget(*owners)
    return deleted


# --- Search ---------------------------------------------------------------------------------------


@dataclass
class Match:
    reflection: Reflection
    title: str
    title_html: SafeString
    snippet_html: SafeString


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """Escape the text and wrap each match in <mark>."""
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def snippet(text: str, pattern: re.Pattern, width: int = 90) -> str:
    m = pattern.search(text)
    if not m:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def search_ids(*, user, queryset, query: str) -> list:
    """Ids of the person's reflections whose title or body holds every word (case-insensitive).

    The texts are decrypted here, in the app, one by one: no index of anyone's words exists anywhere.
    """
    words = [w for w in query.split() if w][:8]
    if not words:
        return []
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    label = Reflection._meta.label_lower
    open_title = text_opener(user, label=label, field="title")
    open_body = text_opener(user, label=label, field="body")
    found = []
    for pk, title, body in queryset.values_list("pk", "title", "body"):
        haystack = f"{open_title(pk, title)}\n{open_body(pk, body)}"
        if all(p.search(haystack) for p in patterns):
            found.append(pk)
    return found


def search_matches(*, user, reflections, query: str) -> list[Match]:
    """Highlighted titles and snippets for one page of search results."""
    words = [w for w in query.split() if w][:8]
    any_word = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    matches = []
    for reflection in reflections:
        title = reflection.reveal("title", owner=user)
        body = reflection.reveal("body", owner=user)
        matches.append(
            Match(reflection, title, highlight(title, any_word), highlight(snippet(body, any_word), any_word))
        )
    return matches


# --- Calendar and "on this day" -------------------------------------------------------------------


@dataclass
class Day:
    date: dt.date | None
    reflections: int = 0
    checked_in: bool = False
    is_today: bool = False


# Journal dates run from here (a Monday) to the person's today: the calendar and the weekly review show
# nothing outside, and their previous/next links stop at the edges instead of leaving the date range.
FIRST_JOURNAL_DAY = dt.date(1900, 1, 1)
MONTH_PARAM = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)


def month_from_param(value: str, today: dt.date) -> dt.date | None:
    """The first day of the month named `YYYY-MM`, if it is one the calendar shows (1900 up to next month)."""
    match = MONTH_PARAM.fullmatch(value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None
    first = dt.date(year, month, 1)
    return first if FIRST_JOURNAL_DAY <= first <= last_calendar_month(today) else None


def last_calendar_month(today: dt.date) -> dt.date:
    """The calendar reaches one month ahead, so the days to come can be seen."""
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def week_from_param(value: str, today: dt.date) -> dt.date | None:
    """The Monday of the week holding an ISO date, if that week is between 1900 and this week."""
    try:
        chosen = dt.date.fromisoformat(value)
    except ValueError:
        return None
    monday = chosen - dt.timedelta(days=chosen.weekday())
    this_monday = today - dt.timedelta(days=today.weekday())
    return monday if FIRST_JOURNAL_DAY <= monday <= this_monday else None


def month_calendar(*, user, year: int, month: int, today: dt.date) -> list[list[Day]]:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    counts: dict[dt.date, int] = defaultdict(int)
    for day in (
        Reflection.objects.for_user(user)
        .live()
        .filter(date__range=(first, last))
        .values_list("date", flat=True)
    ):
        counts[day] += 1
    checked = set(
        CheckIn.objects.for_user(user)
        .filter(date__range=(first, last))
        .values_list("date", flat=True)
        .distinct()
    )
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                Day(d, counts.get(d, 0), d in checked, d == today) if d.month == month else Day(None)
                for d in week
            ]
        )
    return weeks


ON_THIS_DAY_YEARS = 150


def on_this_day(*, user, today: dt.date, limit: int = 5) -> list[Reflection]:
    """Reflections written on this month and day in earlier years (29 February: in leap years).

    Exact dates rather than month/day arithmetic, so the (owner, date) index answers it however long the
    journal is.
    """
    dates = []
    for back in range(1, ON_THIS_DAY_YEARS + 1):
        with contextlib.suppress(ValueError):  # 29 February in a common year
            dates.append(today.replace(year=today.year - back))
    return list(Reflection.objects.for_user(user).live().filter(date__in=dates).order_by("-date")[:limit])


def filter_reflections(
    queryset, *, need=None, category="", prompt=None, step="", date_from=None, date_to=None
):
    if need:
        queryset = queryset.filter(needs=need)
    if category:
        queryset = queryset.filter(needs__category=category)
    if prompt:
        queryset = queryset.filter(prompt=prompt)
    if step:
        queryset = queryset.filter(Q(prompt__step=step) | Q(personal_prompt__step=step))
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    return queryset.distinct()
