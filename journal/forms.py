"""Forms for reflections, personal prompts, the journal filters, reminders and the data page (export range,
import, account deletion). `owner` is never a field."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError

from journal.models import Channel, PersonalPrompt, Prompt, Reminder, Step
from journal.services.push import is_push_service, valid_key
from needs.forms.fields import LongText, past_or_today, without_maxlength
from needs.models.needs import Category, CategoryGroup, Need, by_category
from needs.privacy.owned import OwnedSQL

BODY_LIMIT = 100_000
TITLE_LIMIT = 300
FEELING_CHOICES = [("", "Skip"), *[(str(n), str(n)) for n in range(11)]]


class FeelingField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=FEELING_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose a number from 0 to 10, or skip it."},
            **kwargs,
        )


class NeedsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
        super().__init__(
            queryset=Need.objects.none(),
            required=False,
            error_messages={
                "invalid_choice": "One of the chosen needs isn’t yours or no longer exists.",
                "invalid_pk_value": "One of the chosen needs isn’t yours or no longer exists.",
            },
            **kwargs,
        )


class ReflectionForm(forms.Form):
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), error_messages={"invalid": "Enter a date."}
    )
    title = LongText(label="Title (optional)", max_length=TITLE_LIMIT)
    body = LongText(
        label="Your reflection",
        max_length=BODY_LIMIT,
        required=True,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    needs = NeedsField(label="Needs this is about")
    anxiety = FeelingField(label="Anxiety right now (0 calm – 10 very anxious)")
    confidence = FeelingField(label="Self-confidence right now (0 low – 10 high)")
    prompt = forms.ModelChoiceField(
        queryset=Prompt.objects.filter(is_active=True), required=False, widget=forms.HiddenInput
    )
    personal_prompt = forms.ModelChoiceField(
        queryset=PersonalPrompt.objects.none(), required=False, widget=forms.HiddenInput
    )
    draft_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A random one-time key per rendered form: sending the same form again never stores a second reflection.
    form_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, today: dt.date, linked_needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.today = owner, today
        needs = Need.objects.for_user(owner)
        # Archived needs stay choosable only where they are already linked.
        self.fields["needs"].queryset = needs.filter(archived_at__isnull=True) | needs.filter(
            pk__in=list(linked_needs)
        )
        self.fields["personal_prompt"].queryset = PersonalPrompt.objects.for_user(owner)
        self.fields["prompt"].queryset = Prompt.objects.all()
        self.fields["body"].error_messages["required"] = (
            "Write something before saving — even a line is enough."
        )
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        without_maxlength(self)

    def clean_date(self):
        return past_or_today(self.cleaned_data["date"], self.today)

    def clean(self):
        data = super().clean()
        if data.get("prompt") and data.get("personal_prompt"):
            raise ValidationError("A reflection answers one prompt at most.")
        return data

    def needs_by_category(self) -> list[CategoryGroup]:
        """The needs checkboxes grouped by category, for the template."""
        categories = dict(self.fields["needs"].queryset.values_list("pk", "category"))

        def category_of(box) -> str:
            value = box.data["value"]
            return categories.get(getattr(value, "value", value)) or Category.MENTAL

        return by_category(self["needs"], category_of=category_of)


class PersonalPromptForm(forms.Form):
    text = LongText(
        label="Your question", max_length=400, required=True, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    step = forms.ChoiceField(choices=Step.choices, initial=Step.TIME_ALONE)
    is_active = forms.BooleanField(label="Use it for my prompts of the day", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Write the question you’d like to be asked."
        without_maxlength(self)


# The journal filter's choices in one read: the person's needs by name (kind 0), then the prompts one of their
# live reflections answers (kind 1; asked prompt by prompt: no DISTINCT over every reflection of a long journal),
# in the prompts' own order. Ids are read as text: a need's is a UUID, a prompt's a number.
FILTER_CHOICES = OwnedSQL(
    """
    SELECT 0 AS kind, CAST(id AS text), name, '' AS step, '' AS category FROM needs_need
     WHERE owner_id = %(owner)s
    UNION ALL
    SELECT 1, CAST(p.id AS text), p.text, p.step, p.category FROM journal_prompt p
     WHERE EXISTS (SELECT 1 FROM journal_reflection r
                    WHERE r.owner_id = %(owner)s AND r.deleted_at IS NULL AND r.prompt_id = p.id)
     ORDER BY kind, step, category, name
    """
)


def _uuid_text(value: str) -> str:
    """A UUID as the page writes it (SQLite keeps it as 32 hex digits)."""
    return value if "-" in value else str(uuid.UUID(value))


class _IdChoiceField(forms.ChoiceField):
    """A choice of id, checked against the choices offered once written as the page writes ids: a need's UUID
    in any spelling Python reads (capitals, no dashes, braces) or a prompt's number with leading zeros, as the
    model fields before it accepted."""

    def to_python(self, value):
        value = super().to_python(value)
        if value.isascii() and value.isdigit():
            return value.lstrip("0") or "0"  # as a number writes itself, however long (no int() of it)
        try:
            return str(uuid.UUID(value)) if value else value
        except ValueError:
            return value  # not an id: refused as not offered


class JournalFilterForm(forms.Form):
    """The journal's search and filters. The need and prompt offered, and the only ones accepted, are the person's
    own needs and the prompts their live reflections answer: read once in SQL, for the selects and to check a
    value sent."""

    NOT_OFFERED = "Select a valid choice. That choice is not one of the available choices."

    q = forms.CharField(label="Search", required=False, max_length=200)
    need = _IdChoiceField(required=False, error_messages={"invalid_choice": NOT_OFFERED})
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    step = forms.ChoiceField(choices=[("", "Any step"), *Step.choices], required=False)
    prompt = _IdChoiceField(required=False, error_messages={"invalid_choice": NOT_OFFERED})
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        needs, prompts = [("", "Any need")], [("", "Any prompt")]
        for kind, pk, label, *_ in FILTER_CHOICES.rows(owner):
            if kind:
                prompts.append((pk, label[:80]))  # as Prompt.__str__ shortens it
            else:
                needs.append((_uuid_text(pk), label))
        self.fields["need"].choices = needs
        self.fields["prompt"].choices = prompts

    def select_choices(self) -> dict[str, list[tuple[str, str]]]:
        """(value, label) of each select, as the page lists them."""
        return {name: list(self.fields[name].choices) for name in ("need", "category", "step", "prompt")}

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("The start of the date range is after its end.")
        return data


CHANNEL_FIELDS = ("daily_channel", "weekly_channel", "check_back_channel")


class ReminderForm(forms.ModelForm):
    """When reminders come and, where this server can send push notifications, how each kind is sent."""

    class Meta:
        model = Reminder
        fields = [
            "daily_enabled",
            "daily_time",
            "daily_channel",
            "weekly_enabled",
            "weekly_day",
            "weekly_time",
            "weekly_channel",
            "check_back_channel",
        ]
        widgets = {
            "daily_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "weekly_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {"weekly_time": "at"}
        help_texts = {
            "daily_enabled": "A short nudge with a link. It never contains anything you wrote or the names of your needs.",
            "check_back_channel": "On the day you chose to look again at a paused relationship, if reminders are on.",
        }

    def __init__(self, *args, push_available: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if push_available:
            self.fields["daily_enabled"].label = "Send me a daily reminder"
            self.fields["weekly_enabled"].label = "Send me a weekly review"
            for name in CHANNEL_FIELDS:
                # A form sent without them (an older page, the importer) keeps the saved choice.
                self.fields[name].required = False
        else:
            # Without push on this server every reminder is an email; the saved choices stay as they are.
            for name in CHANNEL_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        for name in CHANNEL_FIELDS:
            if name in self.fields and not data.get(name):
                data[name] = getattr(self.instance, name)
        # Without push on this server the channels aren't on the page: turning a reminder on is choosing its
        # email again, after an unsubscribe left it for devices only.
        turned_on = [
            kind
            for kind in ("daily", "weekly")
            if data.get(f"{kind}_enabled") and f"{kind}_enabled" in self.changed_data
        ]
        for kind in ("daily", "weekly", "check_back"):
            name = f"{kind}_channel"
            chosen_again = kind in turned_on or (kind == "check_back" and turned_on)
            if name not in self.fields and getattr(self.instance, f"{kind}_email_stopped") and chosen_again:
                data[name] = Channel.EMAIL
        return data

    def _post_clean(self):
        # A channel chosen in clean() for a field not on the page is for settings_save, not the model form.
        chosen = {
            name: self.cleaned_data.pop(name, None) for name in CHANNEL_FIELDS if name not in self.fields
        }
        super()._post_clean()
        self.cleaned_data.update({name: value for name, value in chosen.items() if value is not None})


class PushSubscriptionForm(forms.Form):
    """A browser's push subscription (`PushSubscription.toJSON()`), sent by static/js/push.js."""

    endpoint = forms.URLField(max_length=1024, assume_scheme="https")
    p256dh = forms.CharField(max_length=128)
    auth = forms.CharField(max_length=64)

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        if not is_push_service(endpoint):
            raise ValidationError("This browser’s push service isn’t one Attune can send to.")
        return endpoint

    def clean_p256dh(self):
        if not valid_key(self.cleaned_data["p256dh"], 65, first=4):
            raise ValidationError("The browser sent a key Attune can’t use.")
        return self.cleaned_data["p256dh"]

    def clean_auth(self):
        if not valid_key(self.cleaned_data["auth"], 16):
            raise ValidationError("The browser sent a key Attune can’t use.")
        return self.cleaned_data["auth"]


# --- Your data: export range, import file, account deletion -------------------------------------------


CONFIRMATION = "delete my journal"


class RangeForm(forms.Form):
    date_from = forms.DateField(
        label="From (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start of the date range is after its end.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="An Attune export (.json) or another journal app’s export",
        help_text=(
            "Attune’s own export (.json), a Day One export (.zip, as Day One’s “JSON” export makes it), a "
            "Daylio export (.csv) or a .zip of daily notes named by date, like 2024-05-17.md or .txt "
            "(Obsidian’s daily notes, for instance)."
        ),
    )


class DeleteForm(forms.Form):
    confirmation = forms.CharField(label=f"Type “{CONFIRMATION}” to confirm", max_length=100)

    def clean_confirmation(self):
        if " ".join(self.cleaned_data["confirmation"].lower().split()) != CONFIRMATION:
            raise forms.ValidationError(
                f"Type exactly “{CONFIRMATION}” — or leave this page to keep everything."
            )
        return self.cleaned_data["confirmation"]
