"""Forms of the sharing area: statements, the love profile, cards, joining, sharing with and answering a
partner. `owner` is never a field: views pass it in."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats

from needs.forms.fields import SHORT, LongText, _needs_field, without_maxlength
from needs.models.sharing import Answer, Statement


def statement_part(label: str, help_text: str) -> LongText:
    """One of the four parts of a needs statement: short, and none may be left out."""
    return LongText(
        label=label,
        required=True,
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
        error_messages={"required": "This part of the statement is needed."},
    )


class StatementForm(forms.Form):
    observation = statement_part(
        "What happened",
        "Just what a camera would have seen — no judging. “When the plans changed at the last minute…”",
    )
    feeling = statement_part("What I felt", "“…I felt unsettled and a bit alone…”")
    need_words = statement_part("What I need", "“…because I need to be able to count on what we agree…”")
    request = statement_part(
        "What I ask", "Something concrete and doable: “Would you tell me by noon if plans might change?”"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)


class LoveProfileForm(forms.Form):
    text = LongText(label="How I want to be loved", required=True, max_length=SHORT, widget=forms.Textarea(attrs={"rows": 5}),
                    help_text="A few lines in your own words: what makes you feel cared for.")  # fmt: skip

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"] = _needs_field(owner, required=False, label="The needs that matter most here")
        self.fields["text"].error_messages["required"] = "Write a line or two first."
        without_maxlength(self)


def a_year_after(day: dt.date) -> dt.date:
    """The same date next year (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class CardForm(forms.Form):
    label = forms.CharField(label="Who is this card for? (only you see this)", max_length=80)
    include_profile = forms.BooleanField(label="Include “How I want to be loved”", required=False)
    include_scores = forms.BooleanField(
        label="Include how well each need has been met lately", required=False
    )
    expires_on = forms.DateField(
        label="Stop working after (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, owner, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.latest_expiry = today, a_year_after(today)
        self.fields["needs"] = _needs_field(owner, label="Needs to show")
        self.fields["needs"].error_messages["required"] = "Choose at least one need for the card."
        statements = forms.ModelMultipleChoiceField(
            queryset=Statement.objects.for_user(owner).select_related("need"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            required=False,
            label="Statements to include (optional)",
        )
        statements.label_from_instance = lambda s: f"A statement about {s.need.name}"
        self.fields["statements"] = statements

    def clean_expires_on(self):
        """A day from the person's today to a year ahead; a card meant to last longer needs no date."""
        date = self.cleaned_data.get("expires_on")
        if date and date < self.today:
            raise ValidationError("Choose a date from today on.")
        latest = self.latest_expiry
        if date and date > latest:
            raise ValidationError(
                f"Choose a date up to a year ahead ({formats.date_format(latest, 'j F Y')} at the latest), "
                "or leave it empty for a card that works until you revoke it."
            )
        return date

    def clean(self):
        data = super().clean()
        needs, statements = data.get("needs"), data.get("statements")
        if needs is not None and statements:
            outside = [s for s in statements if s.need not in needs]
            if outside:
                raise ValidationError("A chosen statement is about a need that isn’t on the card.")
        return data


class JoinForm(forms.Form):
    code = forms.CharField(label="Invitation code", max_length=100)


class ShareForm(forms.Form):
    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"] = _needs_field(owner, required=False, label="Needs you share with this person")
        statements = forms.ModelMultipleChoiceField(
            queryset=Statement.objects.for_user(owner).select_related("need"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            required=False,
            label="Statements to share with them (optional, one per need)",
            error_messages={"invalid_choice": "One of the chosen statements isn’t yours."},
        )
        statements.label_from_instance = lambda s: (
            f"About {s.need.name}: “{s.reveal_all(owner=owner).request}”"
        )
        self.fields["statements"] = statements

    def clean(self):
        data = super().clean()
        needs, statements = data.get("needs") or [], data.get("statements") or []
        if any(s.need not in needs for s in statements):
            raise ValidationError("A chosen statement is about a need you aren’t sharing.")
        if len({s.need_id for s in statements}) != len(statements):
            raise ValidationError("Choose at most one statement for each need.")
        return data


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(choices=Answer._meta.get_field("kind").choices, widget=forms.RadioSelect)
    note = LongText(label="A short note (optional)", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)
