"""Staff curate prompts here. Reflections, drafts, personal prompts and imports are never registered.

A prompt someone answered is never deleted (the database refuses too: `Reflection.prompt` protects it); staff
make it inactive instead. A starter prompt or catalogue need staff delete is remembered, so loading the starter
content again leaves it gone.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import Count, OuterRef, ProtectedError, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from journal.models import Prompt, RetiredStarter, Step
from journal.services.prompts import starter_catalogue_slugs, starter_prompt_slugs, starter_retire
from needs.admin import CatalogueNeedAdmin
from needs.models.needs import CatalogueNeed, Category

# The background queue's own admin goes: staff have nothing to do with a person's imports.
admin.site.unregister(DBTaskResult)

CURATION_CSS = {"all": ["css/admin-curation.css"]}

ANSWERED_ONE = (
    "This prompt has been answered in people’s reflections, so it can’t be deleted: make it inactive instead. "
    "It then stops being offered, and the reflections that answered it keep their question."
)


def answered_many(count: int) -> str:
    return (
        f"Nothing was deleted: {count} of the selected prompts ha{'s' if count == 1 else 've'} been answered in "
        "people’s reflections, so they can’t be deleted. Make them inactive instead (the action “Make the "
        "selected prompts inactive”), or select only prompts that were never answered."
    )


def where_shown(prompt: Prompt) -> str:
    if prompt.needs_relationship:
        return "only next to a relationship"
    if not prompt.daily_pick:
        return "only where someone looks for it, never a question of the day"
    return "can be a question of the day"


def summarised(deleted_objects) -> tuple[list, dict, set, list]:
    """What goes with a deletion, said as counts only: Django would list each row (the days a prompt was
    someone's question of the day, say), and the DB's own refusal speaks for protected ones."""
    deleted, model_count, perms_needed, protected = deleted_objects
    return [f"{name}: {count}" for name, count in model_count.items()], model_count, perms_needed, []


def coverage() -> dict:
    """Active prompts per step and category (and those for any category), zeros included, in one query."""
    counts = {
        (row["step"], row["category"]): row["count"]
        for row in Prompt.objects.filter(is_active=True)
        .values("step", "category")
        .annotate(count=Count("pk"))
        .order_by()
    }
    columns = [*Category.choices, ("", "Any category")]
    changelist = reverse("admin:journal_prompt_changelist")
    rows = [
        {
            "label": label,
            "cells": [
                {
                    "count": counts.get((step, category), 0),
                    "category": category_label,
                    "url": f"{changelist}?is_active__exact=1&step__exact={step}&category__exact={category}",
                }
                for category, category_label in columns
            ],
        }
        for step, label in Step.choices
    ]
    empty = sum(1 for row in rows for cell in row["cells"] if not cell["count"])
    return {"columns": [label for _, label in columns], "rows": rows, "empty": empty}


class TiedFilter(admin.SimpleListFilter):
    title = "tied to catalogue needs"
    parameter_name = "tied"

    def lookups(self, request, model_admin):
        return [("yes", "Tied to at least one"), ("no", "Tied to none")]

    def queryset(self, request, queryset):
        tied = Prompt.catalogue_needs.through.objects.values("prompt_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=tied)
        if self.value() == "no":
            return queryset.exclude(pk__in=tied)
        return queryset


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ["text", "step", "category", "is_active", "shown", "answered"]
    list_display_links = ["text"]
    list_filter = [
        "is_active",
        "step",
        "category",
        TiedFilter,
        "daily_pick",
        "needs_relationship",
        "points_to_help",
    ]
    search_fields = ["text", "follow_up", "slug"]
    list_per_page = 50
    readonly_fields = ["preview", "answered_note", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["text", "slug", "follow_up"]}),
        ("What it is about", {"fields": ["step", "category", "catalogue_needs"]}),
        (
            "Where it appears",
            {"fields": ["is_active", "daily_pick", "needs_relationship", "points_to_help"]},
        ),
        ("How people see it", {"fields": ["preview", "answered_note", "created_at", "updated_at"]}),
    ]
    prepopulated_fields = {"slug": ["text"]}
    filter_horizontal = ["catalogue_needs"]
    actions = ["activate", "deactivate", "delete_selected"]

    class Media:
        css = CURATION_CSS
        js = ["js/admin-curation.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("answers", distinct=True))

    @admin.display(description="answered", ordering="answer_count")
    def answered(self, obj) -> int:
        # A count only: never who, never what they wrote.
        return self.answered_count(obj)

    @admin.display(description="reflections that answered it")
    def answered_note(self, obj) -> str:
        if not obj.pk:
            return "None yet."
        count = self.answered_count(obj)
        if not count:
            return "None yet, so it can still be deleted."
        return f"{count}. An answered prompt can’t be deleted: make it inactive instead."

    @admin.display(description="where it appears")
    def shown(self, obj) -> str:
        return where_shown(obj) + (" · with a link to help" if obj.points_to_help else "")

    @admin.display(description="how people see it")
    def preview(self, obj):
        if not obj.pk:
            return "Save to see a preview."
        return format_html(
            '<div class="prompt-preview"><p><strong>{}</strong></p><p>{}</p>{}<p>{} · {} · {}</p></div>',
            obj.text,
            obj.follow_up or "(no follow-up question)",
            format_html("<p>{}</p>", "With a link to “When you need more than a journal”.")
            if obj.points_to_help
            else "",
            obj.get_step_display(),
            obj.get_category_display() or "any category",
            where_shown(obj),
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"coverage": coverage(), **(extra_context or {})})

    # --- Deleting: only what was never answered; starter prompts stay retired ---------------------------

    def has_delete_permission(self, request, obj=None) -> bool:
        # The change form of an answered prompt offers no "Delete" button (deleting says why if reached).
        if obj is not None and self.answered_count(obj):
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def answered_count(obj) -> int:
        count = getattr(obj, "answer_count", None)
        if count is None:
            count = obj.answers.count() if obj.pk else 0
        return count

    def refused(self, request, message: str, obj=None):
        self.message_user(request, message, messages.ERROR)
        if obj is not None:
            return HttpResponseRedirect(reverse("admin:journal_prompt_change", args=[obj.pk]))
        return None

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.answered_count(obj):
            return self.refused(request, ANSWERED_ONE, obj)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError:  # answered between the page and the press
            return self.refused(request, ANSWERED_ONE, obj)

    @admin.action(
        description="Delete the selected prompts (only those never answered)", permissions=["delete"]
    )
    def delete_selected(self, request, queryset):
        answered = (
            Prompt.objects.filter(pk__in=queryset.values("pk"), answers__isnull=False).distinct().count()
        )
        if answered:
            return self.refused(request, answered_many(answered))
        try:
            with transaction.atomic():
                return django_delete_selected(self, request, queryset)
        except ProtectedError:
            return self.refused(request, answered_many(1))

    def get_deleted_objects(self, objs, request):
        return summarised(super().get_deleted_objects(objs, request))

    def delete_model(self, request, obj):
        with transaction.atomic():
            starter_retire(
                kind=RetiredStarter.Kind.PROMPT, slugs=[obj.slug], starter_slugs=starter_prompt_slugs()
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            slugs = list(queryset.values_list("slug", flat=True))
            starter_retire(kind=RetiredStarter.Kind.PROMPT, slugs=slugs, starter_slugs=starter_prompt_slugs())
            super().delete_queryset(request, queryset)

    @admin.action(description="Make the selected prompts active")
    def activate(self, request, queryset):
        changed = queryset.update(is_active=True)
        self.message_user(request, f"{changed} prompt(s) activated.", messages.SUCCESS)

    @admin.action(description="Make the selected prompts inactive")
    def deactivate(self, request, queryset):
        changed = queryset.update(is_active=False)
        self.message_user(request, f"{changed} prompt(s) deactivated.", messages.SUCCESS)


# The catalogue's admin lives with the catalogue (needs.admin). Remembering deleted starter needs and counting the
# questions tied to each belong to the starter content and the prompts, which live here: the journal registers it
# again with those additions.
admin.site.unregister(CatalogueNeed)


@admin.register(CatalogueNeed)
class CuratedCatalogueNeedAdmin(CatalogueNeedAdmin):
    list_display = [*CatalogueNeedAdmin.list_display, "questions"]
    readonly_fields = [*CatalogueNeedAdmin.readonly_fields, "questions"]
    fields = [*CatalogueNeedAdmin.fields[:-2], "questions", *CatalogueNeedAdmin.fields[-2:]]

    class Media:
        css = CURATION_CSS

    def get_queryset(self, request):
        # A subquery, not a join: a join would multiply the adoption count beside it.
        tied = (
            Prompt.catalogue_needs.through.objects.filter(
                catalogueneed_id=OuterRef("pk"), prompt__is_active=True
            )
            .order_by()
            .values("catalogueneed_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return super().get_queryset(request).annotate(question_count=Coalesce(Subquery(tied), 0))

    @admin.display(description="active questions tied to it", ordering="question_count")
    def questions(self, obj) -> int:
        # Without one, a need running low is offered a question of its category instead.
        if not obj.pk:
            return 0
        count = getattr(obj, "question_count", None)
        return obj.prompts.filter(is_active=True).count() if count is None else count

    def get_deleted_objects(self, objs, request):
        return summarised(super().get_deleted_objects(objs, request))

    def delete_model(self, request, obj):
        with transaction.atomic():
            starter_retire(
                kind=RetiredStarter.Kind.CATALOGUE_NEED,
                slugs=[obj.slug],
                starter_slugs=starter_catalogue_slugs(),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            slugs = list(queryset.values_list("slug", flat=True))
            starter_retire(
                kind=RetiredStarter.Kind.CATALOGUE_NEED, slugs=slugs, starter_slugs=starter_catalogue_slugs()
            )
            super().delete_queryset(request, queryset)
