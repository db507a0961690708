"""Forms for a relationship, its needs-met ratings and its pause plan."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from needs.forms.fields import SHORT, LongText, ScoreField, past_or_today, without_maxlength
from needs.models.relationships import RelationshipKind


class RelationshipForm(forms.Form):
    nickname = forms.CharField(label="Nickname (only you see it)", max_length=60)
    kind = forms.ChoiceField(choices=RelationshipKind.choices, widget=forms.RadioSelect)

    def clean_nickname(self):
        name = " ".join(self.cleaned_data["nickname"].split())
        if not name:
            raise ValidationError("Give this person a nickname.")
        return name


class RatingForm(forms.Form):
    """How well each important need is met with this person, for a date."""

    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Enter a date."}
    )

    def __init__(self, *args, needs, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.needs = today, needs
        for need in needs:
            self.fields[f"need_{need.pk.hex}"] = ScoreField(
                label=need.name, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
            )

    def clean_date(self):
        return past_or_today(self.cleaned_data["date"], self.today)

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
