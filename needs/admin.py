"""Staff curate the catalogue and manage account status here. Nothing a person writes is registered."""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import Http404
from django.urls import path
from django.utils.html import format_html, format_html_join

from needs.models.accounts import StaffAction
from needs.models.needs import CatalogueNeed
from needs.services.staff import account_status_set, staff_flag_changes_record


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


# --- Accounts: staff manage status, never content or credentials ------------------------------------
#
# Whoever holds the admin must not be able to become a person: no password form, no email address to
# edit (a new address receives the reset code), no confirmation keys, no MFA secrets, no linked social
# accounts, no sessions (Django's hold the signed-in state; allauth's show each device's IP address and
# browser, which are the person's business). These models leave the admin entirely.
NEVER_IN_THE_ADMIN = [
    "account.EmailAddress",
    "account.EmailConfirmation",
    "usersessions.UserSession",
    "mfa.Authenticator",
    "sessions.Session",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
    "socialaccount.SocialApp",
]
for _label in NEVER_IN_THE_ADMIN:
    try:
        _model = apps.get_model(_label)
    except LookupError:  # that app is not installed
        continue
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

User = get_user_model()
admin.site.unregister(User)

# Only superusers hand out staff powers; other staff see them read-only.
POWERS = ["is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class AccountAdmin(admin.ModelAdmin):
    """Account status only: who can sign in, and deletion. Nothing a person wrote, and no way to sign in as them."""

    list_display = ["email", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "username"]
    ordering = ["-date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "email"]}),
        ("Status", {"fields": ["is_active", *POWERS]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Recorded staff actions (the person sees these too)", {"fields": ["staff_actions"]}),
    ]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["suspend", "reinstate"]

    def get_queryset(self, request):
        # Staff who are not superusers neither see nor act on superusers' accounts (suspend, delete, edit).
        accounts = super().get_queryset(request)
        return accounts if request.user.is_superuser else accounts.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fixed = ["username", "email", "last_login", "date_joined", "staff_actions"]
        return fixed if request.user.is_superuser else [*fixed, *POWERS]

    def has_add_permission(self, request) -> bool:
        return False  # accounts are made by signing up, with the person's own password

    def get_urls(self):
        # Named as Django's password page was, so an old link lands on a plain "not found".
        gone = path(
            "<id>/password/",
            self.admin_site.admin_view(self.no_password_page),
            name="auth_user_password_change",
        )
        return [gone, *super().get_urls()]

    def no_password_page(self, request, id):
        raise Http404("Staff cannot set passwords.")

    def lookup_allowed(self, lookup, value, request=None):
        return not lookup.startswith("password") and super().lookup_allowed(lookup, value, request)

    @admin.display(description="staff actions")
    def staff_actions(self, obj):
        rows = StaffAction.objects.filter(owner=obj)[:50] if obj and obj.pk else []
        listed = format_html_join(
            "",
            "<li>{} · {} · {}</li>",
            ((f"{a.created_at:%Y-%m-%d %H:%M} UTC", a.actor_email, a.get_action_display()) for a in rows),
        )
        return format_html("<ul>{}</ul>", listed) if listed else "None"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            staff_flag_changes_record(actor=request.user, person=obj, changed=form.changed_data)

    def get_deleted_objects(self, objs, request):
        """Say how much goes, never what: Django would otherwise list every need and reflection by name."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        return summary, model_count, perms_needed, protected

    @admin.action(
        description="Suspend the selected accounts (they can no longer sign in)", permissions=["change"]
    )
    def suspend(self, request, queryset):
        changed = account_status_set(actor=request.user, people=queryset, active=False)
        self.message_user(request, f"{changed} account(s) suspended.", messages.SUCCESS)

    @admin.action(description="Reinstate the selected accounts", permissions=["change"])
    def reinstate(self, request, queryset):
        changed = account_status_set(actor=request.user, people=queryset, active=True)
        self.message_user(request, f"{changed} account(s) reinstated.", messages.SUCCESS)
