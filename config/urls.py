"""The site's URLs: site pages here, each subject's under its own prefix."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import manifest, offline, pages
from journal.views import home
from needs import sharing_urls
from needs.views import accounts
from needs.views.sharing import cards

admin.site.site_header = "Attune curation"
admin.site.site_title = "Attune curation"
admin.site.index_title = "Catalogue and prompts"

urlpatterns = [
    path("", pages.front_page(home.home), name="home"),
    path("privacy/", pages.privacy, name="privacy"),
    path("more-help/", pages.more_help, name="more_help"),
    # The installable app: its manifest, and the service worker at the root so that it can answer every page.
    path("manifest.webmanifest", manifest.web_manifest, name="web_manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/", offline.offline_page, name="offline_page"),
    path("offline/state/", offline.offline_state, name="offline_state"),
    path("", include("journal.urls")),
    path("needs/", include("needs.urls")),
    path("sharing/", include("needs.sharing_urls")),
    *sharing_urls.moved,
    path("c/<str:token>/", cards.card_public, name="card_public"),
    # allauth's signed-in devices page, with the staff actions on the account added.
    path("accounts/sessions/", accounts.security_page, name="usersessions_list"),
    path("accounts/", include("allauth.urls")),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
]

handler400 = pages.bad_request
handler403 = pages.permission_denied
handler404 = pages.page_not_found
handler500 = pages.server_error
