from django.urls import path

from . import pages

app_name = "journal"

urlpatterns = [
    path("privacy/", pages.privacy, name="privacy"),
]
