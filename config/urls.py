from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from journal import pages
from needs import share_views, staff

admin.site.site_header = "Attune curation"
admin.site.site_title = "Attune curation"
admin.site.index_title = "Catalogue and prompts"

urlpatterns = [
    path("", pages.home, name="home"),
    path("", include("journal.urls")),
    path("needs/", include("needs.urls")),
    path("c/<str:token>/", share_views.card_public, name="card_public"),
    # allauth's signed-in devices page, with the staff actions on the account added (needs/staff.py).
    path("accounts/sessions/", staff.security_page, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
]

handler400 = pages.bad_request
handler403 = pages.permission_denied
handler404 = pages.page_not_found
handler500 = pages.server_error
