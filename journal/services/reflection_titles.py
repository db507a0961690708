"""Reflections listed by title only (the home page's recent ones, the weekly review's week): their titles opened
with the person's key, their bodies neither loaded nor opened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.models import Reflection
from needs.privacy.crypto import Plain, text_opener

FIELDS = ("pk", "date", "title", "prompt_id")


@dataclass
class TitledReflection:
    pk: object
    date: dt.date
    prompt_id: int | None
    plain: Plain  # `plain.title`, the naming rule of every opened record


def with_titles(user, reflections) -> list[TitledReflection]:
    """`reflections`: a queryset of the person's own reflections (`Reflection.objects.for_user(user)...`)."""
    return titled(user, list(reflections.values_list(*FIELDS)))


def titled(user, rows: list[tuple]) -> list[TitledReflection]:
    """`rows`: the person's own reflections as (pk, date, sealed title, prompt_id)."""
    if not rows:
        return []
    open_title = text_opener(user, label=Reflection._meta.label_lower, field="title")
    return [
        TitledReflection(pk, date, prompt_id, Plain({"title": open_title(pk, title)}))
        for pk, date, title, prompt_id in rows
    ]
