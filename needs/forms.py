"""Forms for needs, check-ins and the person's time zone. `owner` is never a field: views pass it in."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from needs.models import TEXT_LIMIT, CatalogueNeed, Need, Profile, time_zone_choices

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


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault(
            "help_text", "Your days begin and end here: every “today” in Attune uses this time zone."
        )
        super().__init__(choices=time_zone_choices, **kwargs)
        self.widget.attrs["data-propose-timezone"] = ""


class SignupExtraForm(forms.Form):
    """allauth adds these fields to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    time_zone = TimeZoneField(initial="UTC", required=False)

    def signup(self, request, user) -> None:
        chosen = self.cleaned_data.get("time_zone")
        Profile.objects.update_or_create(
            owner=user, defaults={"time_zone": chosen or "UTC", "time_zone_confirmed": bool(chosen)}
        )


DAY_END_CHOICES = [(dt.time(h, 0), f"{h:02d}:00" + (" (midnight)" if h == 0 else "")) for h in range(0, 7)]


class ProfileSettingsForm(forms.ModelForm):
    time_zone = TimeZoneField()
    day_ends_at = forms.TypedChoiceField(
        label="My day ends at",
        choices=[(t.strftime("%H:%M"), label) for t, label in DAY_END_CHOICES],
        coerce=lambda value: dt.time.fromisoformat(value),
        help_text="Up late? With 04:00, anything before 4 in the morning still counts as the day before.",
    )
    low_score_threshold = forms.TypedChoiceField(
        label="A need is running low below",
        choices=[(n, str(n)) for n in range(1, 11)],
        coerce=int,
        help_text="Needs that stay below this score for two weeks are gently pointed out on your home page.",
    )

    class Meta:
        model = Profile
        fields = ["time_zone", "day_ends_at", "low_score_threshold", "show_streak", "colour_mode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.day_ends_at:
            self.initial["day_ends_at"] = self.instance.day_ends_at.strftime("%H:%M")


class NeedForm(forms.ModelForm):
    met_looks_like = LongText(
        label="What it looks like when this need is met",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your own words. Only you can read this.",
    )
    what_helps = LongText(
        label="What helps meet it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="People, habits, places — anything that makes a difference.",
    )

    class Meta:
        model = Need
        fields = ["name", "category", "importance"]
        widgets = {"category": forms.RadioSelect}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["importance"] = forms.TypedChoiceField(
            label="How important is it to you?",
            choices=[(n, str(n)) for n in range(1, 6)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "importance-choice"}),
            help_text="1 is “nice to have”, 5 is “I can’t do without it”.",
            initial=3,
        )
        self.fields["name"].help_text = (
            "A short name. Names are stored unencrypted, so your needs can be sorted and charted: keep anything "
            "private for the two boxes below, which are encrypted."
        )
        self.fields["category"].choices = self.fields["category"].choices[1:]  # no empty choice
        if not self.instance._state.adding:  # UUID keys exist before saving: ask the state
            for name in Need.sealed_fields:
                self.initial[name] = self.instance.reveal(name, owner=owner)
        without_maxlength(self)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Give this need a name.")
        clash = Need.objects.for_user(self.owner).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("You already have a need with this name.")
        return name

    def save(self, commit: bool = True) -> Need:
        need = super().save(commit=False)
        if need.owner_id is None:
            need.owner = self.owner
        for name in Need.sealed_fields:
            need.seal(name, self.cleaned_data[name], owner=self.owner)
        if commit:
            need.save()
        return need


class AdoptForm(forms.Form):
    catalogue_needs = forms.ModelMultipleChoiceField(
        queryset=CatalogueNeed.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one need to add.",
            "invalid_choice": "One of the chosen needs is no longer offered or is already yours.",
            "invalid_pk_value": "One of the chosen needs is no longer offered or is already yours.",
        },
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        adopted = (
            Need.objects.for_user(owner).filter(catalogue_need__isnull=False).values("catalogue_need_id")
        )
        self.fields["catalogue_needs"].queryset = CatalogueNeed.objects.filter(is_active=True).exclude(
            pk__in=adopted
        )


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
