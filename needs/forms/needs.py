"""The need form and the catalogue's adopt form. `owner` is never a field: views pass it in."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from needs.forms.fields import LongText, without_maxlength
from needs.models.needs import CatalogueNeed, Need


class NeedForm(forms.ModelForm):
    """Checks a need's fields; `needs.services.needs.need_save` writes them."""

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
            self.initial.update(vars(self.instance.reveal_all(owner=owner)))
        without_maxlength(self)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Give this need a name.")
        clash = Need.objects.for_user(self.owner).filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("You already have a need with this name.")
        return name


class AdoptForm(forms.Form):
    """Catalogue needs to adopt, ticked in the catalogue picker (`templates/needs/_catalogue_picker.html`).

    The picker's Filter and Show-all buttons send this same form with `filter` (`1`, or `clear`), so a person
    without JavaScript keeps their ticks while they narrow the list: such a send is never valid, and the view
    shows the picker again with `query`.
    """

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

    @property
    def filtering(self) -> bool:
        """Sent by the picker's Filter or Show-all button: show the list again, adopt nothing."""
        return self.is_bound and "filter" in self.data

    @property
    def query(self) -> str:
        """The search words the form was sent with ("" after Show all, or when it was not sent)."""
        if not self.is_bound or self.data.get("filter") == "clear":
            return ""
        return str(self.data.get("q", ""))

    def is_valid(self) -> bool:
        return not self.filtering and super().is_valid()
