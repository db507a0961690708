from django.urls import path

from . import data_views, insight_views, pages, prompt_views, settings_views, views

app_name = "journal"

urlpatterns = [
    path("privacy/", pages.privacy, name="privacy"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/data/", data_views.data_page, name="data"),
    path("settings/data/export.json", data_views.export_json, name="export_json"),
    path("settings/data/export.zip", data_views.export_markdown, name="export_markdown"),
    path("settings/data/export.csv", data_views.export_csv, name="export_csv"),
    path("settings/data/import/", data_views.import_page, name="import"),
    path("settings/delete-account/", data_views.delete_account, name="delete_account"),
    path("goodbye/", data_views.goodbye, name="goodbye"),
    path("reminders/unsubscribe/<str:token>/", settings_views.unsubscribe, name="unsubscribe"),
    path("insights/", insight_views.insights_page, name="insights"),
    path("insights/week/", insight_views.weekly_review, name="weekly_review"),
    path("journal/", views.reflection_list, name="reflection_list"),
    path("journal/calendar/", views.journal_calendar, name="calendar"),
    path("journal/new/", views.reflection_create, name="reflection_create"),
    path("journal/trash/", views.trash, name="trash"),
    path("journal/drafts/save/", views.draft_save, name="draft_save"),
    path("journal/drafts/<uuid:pk>/discard/", views.draft_discard, name="draft_discard"),
    path("journal/prompt/another/", views.prompt_another, name="prompt_another"),
    path("journal/prompts/", prompt_views.prompt_list, name="prompt_list"),
    path("journal/prompts/new/", prompt_views.prompt_create, name="prompt_create"),
    path("journal/prompts/<uuid:pk>/edit/", prompt_views.prompt_edit, name="prompt_edit"),
    path("journal/prompts/<uuid:pk>/delete/", prompt_views.prompt_delete, name="prompt_delete"),
    path("journal/<uuid:pk>/", views.reflection_detail, name="reflection_detail"),
    path("journal/<uuid:pk>/edit/", views.reflection_edit, name="reflection_edit"),
    path("journal/<uuid:pk>/delete/", views.reflection_delete, name="reflection_delete"),
    path("journal/<uuid:pk>/restore/", views.reflection_restore, name="reflection_restore"),
    path("journal/<uuid:pk>/destroy/", views.reflection_destroy, name="reflection_destroy"),
]
