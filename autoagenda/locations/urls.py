from django.urls import path

from autoagenda.locations import views

app_name = "locations"
urlpatterns = [
    path("", views.location_list, name="list"),
    path("new/", views.location_create, name="create"),
    path("<id:pk>/", views.location_detail, name="detail"),
    path("<id:pk>/edit/", views.location_edit, name="edit"),
    path("<id:pk>/hours/", views.opening_hours_edit, name="hours"),
    path("<id:pk>/hours/interval/", views.opening_hours_interval, name="hours_interval"),
    path("<id:pk>/closures/", views.closure_list, name="closures"),
    path("<id:pk>/closures/<id:closure_id>/delete/", views.closure_delete, name="closure_delete"),
]
