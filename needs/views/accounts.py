"""The account's security page: signed-in devices and what staff did to the account."""

from allauth.usersessions.views import ListUserSessionsView

from needs.models.accounts import StaffAction
from needs.services.accounts import profile_for


class SecurityPageView(ListUserSessionsView):
    """allauth's signed-in devices page, with what staff did to the account below it."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["staff_actions"] = list(StaffAction.objects.for_user(self.request.user)[:100])
        context["zone"] = profile_for(self.request.user).zone
        return context


security_page = SecurityPageView.as_view()
