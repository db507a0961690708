from django.urls import path

from . import views

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
]
