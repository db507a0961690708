"""Fields and helpers the needs app's forms share: long text, scores, journal dates, the person's needs as
checkboxes, and reading a form's submitted data."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from needs.models.needs import TEXT_LIMIT, Need

SCORE_CHOICES = [(str(n), str(n)) for n in range(11)]


def without_maxlength(form: forms.BaseForm) -> None:
    """Long text is checked on the server with a clear message; a browser `maxlength` would cut a paste
    short without saying so."""
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


def posted(request):
    """The submitted data on POST (even when empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def past_or_today(date: dt.date, today: dt.date) -> dt.date:
    """A journal date: the person's today or earlier (backdating is fine), and not absurdly long ago."""
    if date > today:
        raise ValidationError("That date hasn’t happened yet. Choose today or an earlier day.")
    if date < dt.date(1900, 1, 1):
        raise ValidationError("Choose a date after 1900.")
    return date


class LongText(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", TEXT_LIMIT)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        # Browsers send line breaks as CRLF; store them as plain newlines.
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value

    def clean(self, value):
        # Spacing inside the text is the person's own; only blank lines around it are dropped.
        value = super().clean(value)
        value = value.strip() if value else ""
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        return value


class ScoreField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            choices=[("", "Skip"), *SCORE_CHOICES],
            coerce=int,
            empty_value=None,
            error_messages={"invalid_choice": "Choose a score from 0 to 10."},
            **kwargs,
        )


SHORT = 2000


def _needs_field(owner, **kwargs) -> forms.ModelMultipleChoiceField:
    field = forms.ModelMultipleChoiceField(
        queryset=Need.objects.for_user(owner).active(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "invalid_choice": "One of the chosen needs isn’t yours.",
            "invalid_pk_value": "One of the chosen needs isn’t yours.",
        },
        **kwargs,
    )
    field.label_from_instance = lambda need: need.name
    return field
