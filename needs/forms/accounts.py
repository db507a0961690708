"""The time-zone field, the extra sign-up fields and the profile settings form."""

from __future__ import annotations

import datetime as dt

from django import forms

from needs.models.accounts import Profile, WelcomeStep, time_zone_choices


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
            owner=user,
            defaults={
                "time_zone": chosen or "UTC",
                "time_zone_confirmed": bool(chosen),
                "welcome_step": WelcomeStep.INTRO,
            },
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
