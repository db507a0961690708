"""The needs inventory, check-ins and relationships, under /needs/."""

from django.urls import path

from needs.views import checkins, needs, relationships

app_name = "needs"

urlpatterns = [
    path("", needs.inventory, name="inventory"),
    path("catalogue/", needs.catalogue, name="catalogue"),
    path("new/", needs.need_create, name="need_create"),
    path("<uuid:pk>/", needs.need_detail, name="need_detail"),
    path("<uuid:pk>/edit/", needs.need_edit, name="need_edit"),
    path("<uuid:pk>/archive/", needs.need_archive, name="need_archive"),
    path("<uuid:pk>/restore/", needs.need_restore, name="need_restore"),
    path("<uuid:pk>/delete/", needs.need_delete, name="need_delete"),
    path("check-in/", checkins.checkin, name="checkin"),
    path("check-ins/<uuid:pk>/", checkins.checkin_edit, name="checkin_edit"),
    path("wheel/", checkins.wheel, name="wheel"),
    path("relationships/", relationships.relationship_list, name="relationships"),
    path("relationships/new/", relationships.relationship_create, name="relationship_create"),
    path("relationships/<uuid:pk>/", relationships.relationship_detail, name="relationship_detail"),
    path("relationships/<uuid:pk>/pause/", relationships.pause_plan, name="pause_plan"),
    path("relationships/<uuid:pk>/edit/", relationships.relationship_edit, name="relationship_edit"),
    path("relationships/<uuid:pk>/remove/", relationships.relationship_remove, name="relationship_remove"),
]
