"""Forms of the sharing area: statements, the love profile, cards, joining, sharing with and answering a
partner. `owner` is never a field: views pass it in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats

from needs.forms.fields import SHORT, LongText, _needs_field, without_maxlength
from needs.models.accounts import Profile
from needs.models.sharing import Answer, Statement

DISPLAY_NAME_MAX = Profile._meta.get_field("display_name").max_length


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
    include_meaning = forms.BooleanField(label="Include what each need means to me", required=False)
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


# Line breaks and the marks that flip the direction of text: a name could use them to pass for other words.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _unprintable(ch: str) -> bool:
    return (unicodedata.category(ch) in {"Cc", "Zl", "Zp"} and ch != "\t") or ch in BIDI_CONTROLS


class DisplayNameField(forms.CharField):
    """The name a person shows the people they are connected with: optional, up to 60 characters on one line.
    Left empty it clears the name; only spaces is refused rather than silently taken as "no name"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "The name people you connect with see")
        kwargs.setdefault(
            "help_text",
            "Optional. Your first name or a nickname: they see it instead of your email address, which they "
            f"never see. Up to {DISPLAY_NAME_MAX} characters.",
        )
        super().__init__(required=False, strip=False, **kwargs)
        self.widget.attrs.update({"autocomplete": "nickname", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if value == "":
            return ""
        if any(_unprintable(ch) for ch in value):
            raise ValidationError(
                "Keep the name on one line, with letters, numbers and ordinary punctuation."
            )
        name = re.sub(r"\s+", " ", value).strip()
        if not name:
            raise ValidationError("This name is only spaces. Type a name, or clear the box to show no name.")
        if len(name) > DISPLAY_NAME_MAX:
            raise ValidationError(
                f"Keep the name to {DISPLAY_NAME_MAX} characters or fewer (this one has {len(name)})."
            )
        return name


class DisplayNameForm(forms.Form):
    """Asked, optionally, when making or using an invitation; prefilled with the name already chosen."""

    display_name = DisplayNameField()


class PartnerSettingsForm(forms.Form):
    """The partner part of the settings page: the name shown to connections, and the news emails."""

    display_name = DisplayNameField()
    partner_emails = forms.BooleanField(
        label="Email me when someone I’m connected with shares or answers a need",
        help_text="The email says only that there is something new and from whom, never which need or what "
        "was written, and comes at most once until you have looked.",
        required=False,
    )


class JoinForm(DisplayNameForm):
    code = forms.CharField(label="Invitation code", max_length=100)
    field_order = ["code", "display_name"]


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
