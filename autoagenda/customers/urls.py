from django.urls import path

from autoagenda.core.views import placeholder  # TEMPORARY: replace every use

app_name = "customers"
urlpatterns = [
    path("", placeholder, name="list"),
    path("new/", placeholder, name="create"),
    path("<int:pk>/", placeholder, name="edit"),
    path("<int:pk>/delete/", placeholder, name="delete"),
]
