"""Staff curate prompts here. Reflections, drafts, personal prompts and imports are never registered."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from journal.models import Prompt

# The background queue's own admin goes: staff have nothing to do with a person's imports.
admin.site.unregister(DBTaskResult)


def where_shown(prompt: Prompt) -> str:
    if prompt.needs_relationship:
        return "only next to a relationship"
    if not prompt.daily_pick:
        return "only where someone looks for it, never a question of the day"
    return "can be a question of the day"


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "step",
        "category",
        "is_active",
        "daily_pick",
        "needs_relationship",
        "points_to_help",
        "answered",
    ]
    list_filter = ["step", "category", "is_active", "daily_pick", "needs_relationship", "points_to_help"]
    search_fields = ["text", "follow_up", "slug"]
    readonly_fields = ["preview", "answered", "created_at", "updated_at"]
    fields = [
        "text",
        "follow_up",
        "category",
        "step",
        "is_active",
        "daily_pick",
        "needs_relationship",
        "points_to_help",
        "slug",
        "preview",
        "answered",
        "created_at",
        "updated_at",
    ]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(description="reflections that answered it", ordering="answer_count")
    def answered(self, obj) -> int:
        # A count only: never who, never what they wrote.
        return getattr(obj, "answer_count", None) or obj.answers.count()

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

    @admin.action(description="Make the selected prompts active")
    def activate(self, request, queryset):
        changed = queryset.update(is_active=True)
        self.message_user(request, f"{changed} prompt(s) activated.", messages.SUCCESS)

    @admin.action(description="Make the selected prompts inactive")
    def deactivate(self, request, queryset):
        changed = queryset.update(is_active=False)
        self.message_user(request, f"{changed} prompt(s) deactivated.", messages.SUCCESS)
