"""Staff curate the catalogue here. Nothing a person writes is registered in the admin."""

from django.contrib import admin, messages
from django.db.models import Count

from needs.models import CatalogueNeed


@admin.register(CatalogueNeed)
class CatalogueNeedAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active", "adopted_by"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "description", "slug"]
    ordering = ["category", "name"]
    readonly_fields = ["created_at", "updated_at", "adopted_by"]
    fields = [
        "name",
        "slug",
        "category",
        "description",
        "is_active",
        "adopted_by",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(adoption_count=Count("adoptions"))

    @admin.display(description="adopted by (people)", ordering="adoption_count")
    def adopted_by(self, obj) -> int:
        # A count only: who adopted a need is never shown.
        return getattr(obj, "adoption_count", None) or obj.adoptions.count()

    @admin.action(description="Make the selected needs active (offered to people)")
    def activate(self, request, queryset):
        changed = queryset.update(is_active=True)
        self.message_user(request, f"{changed} catalogue need(s) are now offered.", messages.SUCCESS)

    @admin.action(description="Make the selected needs inactive (no longer offered)")
    def deactivate(self, request, queryset):
        changed = queryset.update(is_active=False)
        self.message_user(request, f"{changed} catalogue need(s) are no longer offered.", messages.SUCCESS)
