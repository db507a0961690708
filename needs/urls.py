from django.urls import path

from . import relationship_views, share_views, views

app_name = "needs"

urlpatterns = [
    path("", views.inventory, name="inventory"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("new/", views.need_create, name="need_create"),
    path("<uuid:pk>/", views.need_detail, name="need_detail"),
    path("<uuid:pk>/edit/", views.need_edit, name="need_edit"),
    path("<uuid:pk>/archive/", views.need_archive, name="need_archive"),
    path("<uuid:pk>/restore/", views.need_restore, name="need_restore"),
    path("<uuid:pk>/delete/", views.need_delete, name="need_delete"),
    path("check-in/", views.checkin, name="checkin"),
    path("check-ins/<uuid:pk>/", views.checkin_edit, name="checkin_edit"),
    path("wheel/", views.wheel, name="wheel"),
    path("<uuid:need_pk>/statements/new/", share_views.statement_create, name="statement_create"),
    path("statements/<uuid:pk>/", share_views.statement_edit, name="statement_edit"),
    path("loved/", share_views.love_profile, name="love_profile"),
    path("cards/", share_views.cards, name="cards"),
    path("cards/new/", share_views.card_create, name="card_create"),
    path("cards/<uuid:pk>/revoke/", share_views.card_revoke, name="card_revoke"),
    path("partners/", share_views.partners, name="partners"),
    path("partners/join/", share_views.partner_join, name="partner_join"),
    path("partners/<uuid:pk>/", share_views.partner_detail, name="partner_detail"),
    path("partners/<uuid:pk>/share/", share_views.partner_share, name="partner_share"),
    path("partners/<uuid:pk>/answer/<int:shared_pk>/", share_views.partner_answer, name="partner_answer"),
    path("partners/<uuid:pk>/end/", share_views.partner_end, name="partner_end"),
    path("relationships/", relationship_views.relationship_list, name="relationships"),
    path("relationships/new/", relationship_views.relationship_create, name="relationship_create"),
    path("relationships/<uuid:pk>/", relationship_views.relationship_detail, name="relationship_detail"),
    path("relationships/<uuid:pk>/pause/", relationship_views.pause_plan, name="pause_plan"),
]
