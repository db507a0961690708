"""Sharing, under /sharing/: needs cards, needs statements, the love profile and partners."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from needs.views.sharing import cards, partners, statements

app_name = "sharing"

urlpatterns = [
    path("", cards.cards, name="cards"),
    path("cards/new/", cards.card_create, name="card_create"),
    path("cards/<uuid:pk>/revoke/", cards.card_revoke, name="card_revoke"),
    path("statements/new/<uuid:need_pk>/", statements.statement_create, name="statement_create"),
    path("statements/<uuid:pk>/", statements.statement_edit, name="statement_edit"),
    path("loved/", statements.love_profile, name="love_profile"),
    path("partners/", partners.partners, name="partners"),
    path("partners/join/", partners.partner_join, name="partner_join"),
    path("partners/<uuid:pk>/", partners.partner_detail, name="partner_detail"),
    path("partners/<uuid:pk>/share/", partners.partner_share, name="partner_share"),
    path("partners/<uuid:pk>/answer/<int:shared_pk>/", partners.partner_answer, name="partner_answer"),
    path("partners/<uuid:pk>/end/", partners.partner_end, name="partner_end"),
]

# Sharing lived under /needs/ before; saved links to its pages still arrive.
moved = [
    path("needs/cards/", RedirectView.as_view(pattern_name="sharing:cards", permanent=True)),
    re_path(
        r"^needs/(?P<rest>(?:partners|loved|statements)/.*)$",
        RedirectView.as_view(url="/sharing/%(rest)s", permanent=True, query_string=True),
    ),
]
