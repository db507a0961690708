"""Forms of the check-in page (its date and one row per need) and of editing one check-in."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from needs.forms.fields import SCORE_CHOICES, LongText, ScoreField, past_or_today, without_maxlength
from needs.models.needs import Need


class CheckInDateForm(forms.Form):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date."},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    def clean_date(self) -> dt.date:
        return past_or_today(self.cleaned_data["date"], self.today)


class CheckInRowForm(forms.Form):
    """One need's rating in the check-in page's formset. `needs` maps the person's active needs by id,
    so a need id from anyone else is refused without a query per row."""

    need = forms.CharField(widget=forms.HiddenInput)
    score = ScoreField(label="Score", widget=forms.RadioSelect)
    note = LongText(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, needs: dict[str, Need], **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = needs
        without_maxlength(self)

    @property
    def need_object(self) -> Need | None:
        value = self["need"].value()
        return self.needs.get(str(value)) if value else None

    def clean_need(self) -> Need:
        need = self.needs.get(self.cleaned_data["need"])
        if need is None:
            raise ValidationError("This need isn’t one of your active needs, so it can’t be rated here.")
        return need

    def clean(self):
        data = super().clean()
        if data.get("note") and data.get("score") is None:
            self.add_error("score", "Choose a score to go with your note, so the note isn’t lost.")
        return data


class BaseCheckInFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            need = form.cleaned_data.get("need")
            if need in seen:
                raise ValidationError("Each need can be rated once per day.")
            seen.add(need)


CheckInFormSet = forms.formset_factory(
    CheckInRowForm, formset=BaseCheckInFormSet, extra=0, max_num=500, validate_max=True, absolute_max=500
)


class CheckInEditForm(forms.Form):
    score = ScoreField(label="Score", widget=forms.RadioSelect, required=True)
    note = LongText(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = SCORE_CHOICES
        self.fields["score"].error_messages["required"] = "Choose a score from 0 to 10."
        without_maxlength(self)
