"""The settings page (profile, the partner exchange, reminders and the devices that get notifications) and
one-click unsubscribe from reminder emails."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from journal.forms import ReminderForm
from journal.models import PushSubscription
from journal.services import settings
from journal.services.push import public_key, push_enabled
from journal.services.reminders import read_unsubscribe_token, reminders_unsubscribe
from needs.forms.accounts import ProfileSettingsForm
from needs.forms.sharing import PartnerSettingsForm
from needs.services.accounts import profile_for


@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    posted = request.POST if request.method == "POST" else None
    profile = profile_for(request.user)
    profile_form = ProfileSettingsForm(posted, instance=profile, prefix="profile")
    partner_form = PartnerSettingsForm(
        posted,
        initial={"display_name": profile.display_name, "partner_emails": profile.partner_emails},
        prefix="partner",
    )
    reminder_form = ReminderForm(
        posted, instance=settings.reminder_for(request.user), prefix="reminder", push_available=push_enabled()
    )
    forms = (profile_form, partner_form, reminder_form)
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        settings.settings_save(
            user=request.user,
            profile=profile_form.cleaned_data | partner_form.cleaned_data,
            reminders=reminder_form.cleaned_data,
            confirm_time_zone=True,
        )
        messages.success(request, "Settings saved.")
        return redirect("journal:settings")
    return render(
        request,
        "journal/settings.html",
        {
            "profile_form": profile_form,
            "partner_form": partner_form,
            "reminder_form": reminder_form,
            "push_available": push_enabled(),
            "push_public_key": public_key(),
            "devices": PushSubscription.objects.for_user(request.user),
        },
    )


@login_not_required
@csrf_exempt  # the signed token is the authorisation; mail clients post here for one-click unsubscribe
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link isn't valid.")
    user_id, kind = found
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    label = {"daily": "daily reminders", "weekly": "the weekly review", "all": "all reminder emails"}[kind]
    if request.method == "POST":
        reminders_unsubscribe(user=user, kind=kind)
        response = render(request, "journal/unsubscribe.html", {"done": True, "label": label})
    else:
        response = render(request, "journal/unsubscribe.html", {"done": False, "label": label})
    # The token in this page's address is a working link: never hand it on to the next page as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response
