from django.urls import path

from autoagenda.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("<id:pk>/", views.service_edit, name="edit"),
]
