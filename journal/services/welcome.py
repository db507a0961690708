"""The first-run path for a newcomer: the idea, choosing needs, the first check-in, the first reflection.

Sign-up starts it (`Profile.welcome_step` = INTRO). Each step can be skipped, the whole path can be left at
any point, and the home page brings the person back to where they were until it is done; then it is never
shown again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.models import Prompt, Step
from journal.services.prompts import DailyPrompt, prompt_of_the_day
from needs.models.accounts import Profile, WelcomeStep
from needs.services.accounts import local_date_of, profile_for

# The steps in order, with the page each one lives on.
ORDER = [WelcomeStep.INTRO, WelcomeStep.NEEDS, WelcomeStep.CHECKIN, WelcomeStep.WRITE, WelcomeStep.DONE]
URL_NAMES = {
    WelcomeStep.INTRO: "journal:welcome",
    WelcomeStep.NEEDS: "journal:welcome_needs",
    WelcomeStep.CHECKIN: "journal:welcome_checkin",
    WelcomeStep.WRITE: "journal:welcome_write",
    WelcomeStep.DONE: "home",
}


@dataclass(frozen=True)
class Practice:
    name: str
    line: str


PRACTICES = [
    Practice("Honesty", "say plainly, to yourself first, what you need"),
    Practice("Openness", "let the people you trust know, one need at a time"),
    Practice("Patience", "give change the months it takes, and notice it when it comes"),
    Practice("Time alone", "keep a few minutes a day that belong only to you"),
    Practice("Stepping back", "see where a need keeps going unmet, and choose what to do about it"),
]


def current_step(user) -> str:
    return profile_for(user).welcome_step


def step_number(step: str) -> int:
    """1 to 4 for the four pages of the path."""
    return ORDER.index(WelcomeStep(step)) + 1


def welcome_advance(*, user, past: str) -> str:
    """The person is past `past` (done or skipped): move on to the step after it, never back. Returns the new step."""
    profile = profile_for(user)
    following = ORDER[ORDER.index(WelcomeStep(past)) + 1]
    if ORDER.index(WelcomeStep(profile.welcome_step)) < ORDER.index(following):
        Profile.objects.filter(pk=profile.pk).update(welcome_step=following)
        profile.welcome_step = following
    return profile.welcome_step


def welcome_finish(*, user) -> None:
    """Done, or "I'll find my own way": the path is never shown again."""
    welcome_advance(user=user, past=WelcomeStep.WRITE)


def greeting(user, *, today: dt.date, active: set[dt.date]) -> str:
    """The home page's heading: "Welcome" on a newcomer's first day; "Welcome back" on every day after, and to
    anyone who brought days from before (`active`: the person's days with a check-in or a reflection)."""
    joined = local_date_of(user.date_joined, profile_for(user))
    first_day = joined >= today and not any(day < today for day in active)
    return "Welcome" if first_day else "Welcome back"


def first_question(*, user, today: dt.date) -> DailyPrompt | None:
    """An honesty question for the first reflection: today's question when it is one, else the first honesty
    question that is offered as a daily pick and needs nobody in view."""
    today_prompt = prompt_of_the_day(user=user, today=today)
    if today_prompt and today_prompt.step == Step.HONESTY:
        return today_prompt
    prompt = Prompt.objects.daily().filter(step=Step.HONESTY).order_by("pk").first()
    if prompt is None:
        return today_prompt
    return DailyPrompt(prompt, None, prompt.text, prompt.follow_up, prompt.category, prompt.step)
