"""Staff curate the catalogue here. Nothing a person writes is registered in the admin."""

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
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


# --- Accounts: staff manage status, never content ----------------------------------------------------

User = get_user_model()
admin.site.unregister(User)
# MFA secrets and recovery codes are nobody's business in the admin.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Account status only: who can sign in. Nothing a person wrote is reachable from here."""

    list_display = ["email", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "username"]
    ordering = ["-date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "email", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["suspend", "reinstate"]

    def get_deleted_objects(self, objs, request):
        """Say how much goes, never what: Django would otherwise list every need and reflection by name."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        return summary, model_count, perms_needed, protected

    @admin.action(description="Suspend the selected accounts (they can no longer sign in)")
    def suspend(self, request, queryset):
        changed = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, f"{changed} account(s) suspended.", messages.SUCCESS)

    @admin.action(description="Reinstate the selected accounts")
    def reinstate(self, request, queryset):
        changed = queryset.update(is_active=True)
        self.message_user(request, f"{changed} account(s) reinstated.", messages.SUCCESS)
