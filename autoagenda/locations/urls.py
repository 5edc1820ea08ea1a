from django.urls import path

from autoagenda.locations import views

app_name = "locations"
urlpatterns = [
    path("", views.location_list, name="list"),
    path("new/", views.location_create, name="create"),
    path("<int:pk>/", views.location_detail, name="detail"),
    path("<int:pk>/edit/", views.location_edit, name="edit"),
    path("<int:pk>/hours/", views.opening_hours_edit, name="hours"),
    path("<int:pk>/hours/interval/", views.opening_hours_interval, name="hours_interval"),
    path("<int:pk>/closures/", views.closure_list, name="closures"),
    path("<int:pk>/closures/<int:closure_id>/delete/", views.closure_delete, name="closure_delete"),
]
