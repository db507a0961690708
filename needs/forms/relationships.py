"""Forms for a relationship, its needs-met ratings and its pause plan."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from needs.forms.fields import SHORT, LongText, ScoreField, _needs_field, past_or_today, without_maxlength
from needs.models.relationships import RelationshipKind


class RelationshipForm(forms.Form):
    """A person's nickname and kind and, given the `owner`, the needs that matter with them (import reads
    only the nickname and kind)."""

    nickname = forms.CharField(label="Nickname (only you see it)", max_length=60)
    kind = forms.ChoiceField(choices=RelationshipKind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.fields["needs"] = _needs_field(
                owner,
                required=False,
                label="The needs that matter most with them",
                help_text="Rating asks about these; your other needs stay there as optional. "
                "Choose none to be asked about every need.",
            )
            self.fields["needs"].queryset = self.fields["needs"].queryset.order_by("-importance", "name")
            if not self.fields["needs"].queryset.exists():
                del self.fields["needs"]

    def clean_nickname(self):
        name = " ".join(self.cleaned_data["nickname"].split())
        if not name:
            raise ValidationError("Give this person a nickname.")
        return name


class RatingForm(forms.Form):
    """How well each need is met with this person, for a date: the `needs` that matter with them first, the
    `optional` others apart. Every score may be skipped, but not all of them."""

    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Enter a date."}
    )

    def __init__(self, *args, needs, today: dt.date, optional=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.asked, self.optional = today, list(needs), list(optional)
        self.needs = self.asked + self.optional
        for need in self.needs:
            self.fields[f"need_{need.pk.hex}"] = ScoreField(
                label=need.name, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
            )

    def asked_fields(self):
        return [self[f"need_{need.pk.hex}"] for need in self.asked]

    def optional_fields(self):
        return [self[f"need_{need.pk.hex}"] for need in self.optional]

    def optional_open(self) -> bool:
        """Show the optional needs unfolded when something in them was sent or needs fixing."""
        return any(field.errors or field.value() not in (None, "") for field in self.optional_fields())

    def clean_date(self):
        return past_or_today(self.cleaned_data["date"], self.today)

    def clean(self):
        data = super().clean()
        if self.needs and not self.errors and not self.ratings():
            raise ValidationError("Rate at least one need (any score from 0 to 10), then save.", code="empty")
        return data

    def ratings(self):
        return [
            (need, self.cleaned_data[f"need_{need.pk.hex}"])
            for need in self.needs
            if self.cleaned_data.get(f"need_{need.pk.hex}") is not None
        ]


class PausePlanForm(forms.Form):
    what_must_change = LongText(
        label="What would have to change",
        required=True,
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    check_back_on = forms.DateField(label="Check back on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        without_maxlength(self)

    def clean_check_back_on(self):
        date = self.cleaned_data["check_back_on"]
        if date <= self.today:
            raise ValidationError("Choose a day after today.")
        return date
