"""The staff admin site: reached only through allauth's log-in, and only with a second factor used this session.

Django's admin has its own password log-in; here every way in goes through allauth (rate limits, email
verification, MFA). `has_permission` then also asks that the staff member owns an authenticator (an
authenticator app or a passkey) and that this very session was confirmed with it.
"""

import functools

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

SECOND_FACTORS = ("totp", "webauthn")


class StaffAdminConfig(AdminConfig):
    default_site = "needs.admin_site.StaffAdminSite"


def second_factor_state(request) -> dict:
    """What the signed-in staff member has: {'authenticators': {'totp', ...}, 'used': bool}. Kept per request."""
    state = getattr(request, "_attune_second_factor", None)
    if state is not None:
        return state
    # Imported here: this module is loaded with the app registry (StaffAdminConfig), before models are ready.
    from allauth.account.authentication import get_authentication_records
    from allauth.mfa.models import Authenticator

    user = request.user
    owned = dict(Authenticator.objects.filter(user_id=user.pk).values_list("pk", "type"))
    used_ids = {
        record.get("id")
        for record in get_authentication_records(request, user)
        if isinstance(record, dict) and record.get("method") == "mfa"
    }
    kinds = {kind for kind in owned.values() if kind in SECOND_FACTORS}
    # A record counts only for an authenticator the person still has (recovery codes belong to one of them).
    state = {"authenticators": kinds, "used": bool(kinds) and any(pk in owned for pk in used_ids)}
    request._attune_second_factor = state
    return state


def _without_empty_to_field(view):
    """Django's change form reads an empty `_to_field` as a field name and fails with a server error; drop it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        for name in ("GET", "POST"):
            params = getattr(request, name)
            if TO_FIELD_VAR in params and not params.get(TO_FIELD_VAR):
                params = params.copy()
                del params[TO_FIELD_VAR]
                setattr(request, name, params)
        return view(request, *args, **kwargs)

    return wrapper


class StaffAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        return super().admin_view(_without_empty_to_field(view), cacheable)

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return second_factor_state(request)["used"]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """No password form here: send people to allauth's log-in, or say what the second factor needs."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login  # imports models: not at app loading

            return redirect_to_login(next_url, reverse("account_login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied  # a person's account; nothing here for them
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        state = second_factor_state(request)
        context = {
            "has_authenticator": bool(state["authenticators"]),
            "has_totp": "totp" in state["authenticators"],
            "has_webauthn": "webauthn" in state["authenticators"],
            "next_url": next_url,
        }
        return render(request, "needs/staff_second_factor.html", context, status=403)

    def password_change(self, request, extra_context=None):
        # allauth's page asks for the current password (or a recent sign-in) first.
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("account_change_password"))
