from django.urls import path

from autoagenda.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.vehicle_list, name="list"),
    path("new/", views.vehicle_create, name="create"),
    path("decode-vin/", views.vin_decode, name="decode_vin"),
    path("<id:pk>/", views.vehicle_edit, name="edit"),
    path("<id:pk>/delete/", views.vehicle_delete, name="delete"),
    path("<id:pk>/archive/", views.vehicle_archive, name="archive"),
    path("<id:pk>/restore/", views.vehicle_restore, name="restore"),
]
