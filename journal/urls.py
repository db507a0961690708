"""The journal, insights, settings and the person's data."""

from django.urls import path

from journal.views import (
    account_data,
    calendar,
    drafts,
    insights,
    prompts,
    push,
    reflections,
    search,
    settings,
    weekly_review,
    welcome,
)

app_name = "journal"

urlpatterns = [
    path("welcome/", welcome.welcome, name="welcome"),
    path("welcome/needs/", welcome.welcome_needs, name="welcome_needs"),
    path("welcome/check-in/", welcome.welcome_checkin, name="welcome_checkin"),
    path("welcome/write/", welcome.welcome_write, name="welcome_write"),
    path("welcome/skip/", welcome.welcome_skip, name="welcome_skip"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/devices/", push.push_subscribe_view, name="push_subscribe"),
    path("settings/devices/test/", push.push_test_view, name="push_test"),
    path("settings/devices/<uuid:pk>/remove/", push.push_device_remove_view, name="push_device_remove"),
    path("settings/data/", account_data.data_page, name="data"),
    path("settings/data/export.json", account_data.export_json, name="export_json"),
    path("settings/data/export.zip", account_data.export_markdown, name="export_markdown"),
    path("settings/data/export.csv", account_data.export_csv, name="export_csv"),
    path("settings/data/import/", account_data.import_page, name="import"),
    path("settings/data/import/<uuid:pk>/", account_data.import_job, name="import_job"),
    path("settings/delete-account/", account_data.delete_account, name="delete_account"),
    path("goodbye/", account_data.goodbye, name="goodbye"),
    path("reminders/unsubscribe/<str:token>/", settings.unsubscribe, name="unsubscribe"),
    path("insights/", insights.insights_page, name="insights"),
    path("insights/week/", weekly_review.weekly_review, name="weekly_review"),
    path("journal/", search.reflection_list, name="reflection_list"),
    path("journal/calendar/", calendar.journal_calendar, name="calendar"),
    path("journal/new/", reflections.reflection_create, name="reflection_create"),
    path("journal/trash/", reflections.trash, name="trash"),
    path("journal/drafts/save/", drafts.draft_save, name="draft_save"),
    path("journal/drafts/<uuid:pk>/discard/", drafts.draft_discard, name="draft_discard"),
    path("journal/prompt/another/", prompts.prompt_another, name="prompt_another"),
    path("journal/prompts/", prompts.prompt_list, name="prompt_list"),
    path("journal/prompts/new/", prompts.prompt_create, name="prompt_create"),
    path("journal/prompts/<uuid:pk>/edit/", prompts.prompt_edit, name="prompt_edit"),
    path("journal/prompts/<uuid:pk>/delete/", prompts.prompt_delete, name="prompt_delete"),
    path("journal/<uuid:pk>/", reflections.reflection_detail, name="reflection_detail"),
    path("journal/<uuid:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path("journal/<uuid:pk>/delete/", reflections.reflection_delete, name="reflection_delete"),
    path("journal/<uuid:pk>/restore/", reflections.reflection_restore, name="reflection_restore"),
    path("journal/<uuid:pk>/destroy/", reflections.reflection_destroy, name="reflection_destroy"),
]
