"""Push notifications on the settings page: a device turning them on (from static/js/push.js), removing a
device, and a test notification. The device list itself is part of the settings page."""

import json

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal.forms import PushSubscriptionForm
from journal.models import PushSubscription
from journal.services.push import push_device_remove, push_enabled, push_send, push_subscribe

DEVICES = "#devices"


@require_POST
def push_subscribe_view(request):
    """Keep this browser's subscription. Answers JSON: push.js shows the message and reloads the list."""
    if not push_enabled():
        raise Http404("Push notifications aren't set up on this server.")
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": "The browser sent something Attune couldn’t read."}, status=400)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    form = PushSubscriptionForm(
        {"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    )
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": first}, status=400)
    device = push_subscribe(
        user=request.user, **form.cleaned_data, user_agent=request.headers.get("User-Agent", "")
    )
    messages.success(request, f"Notifications are on for {device.device_label}.")
    return JsonResponse(
        {"device": device.device_label, "next": reverse("journal:settings") + DEVICES}, status=201
    )


@require_POST
def push_device_remove_view(request, pk):
    device = get_object_or_404(PushSubscription.objects.for_user(request.user), pk=pk)
    label = device.device_label
    push_device_remove(device=device)
    messages.success(request, f"{label} won’t get notifications from Attune any more.")
    return redirect(reverse("journal:settings") + DEVICES)


@require_POST
def push_test_view(request):
    if not push_enabled():
        raise Http404("Push notifications aren't set up on this server.")
    delivered = push_send(user=request.user, kind="test")
    if delivered:
        where = "your device" if delivered == 1 else f"your {delivered} devices"
        messages.success(request, f"A test notification is on its way to {where}.")
    else:
        messages.info(
            request,
            "No device took the test notification. Turn notifications on again on the device you want them "
            "on; reminders come by email meanwhile.",
        )
    return redirect(reverse("journal:settings") + DEVICES)
