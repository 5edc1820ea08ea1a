from django.urls import path

from autoagenda.core.views import placeholder  # TEMPORARY: replace every use

app_name = "locations"
urlpatterns = [
    path("", placeholder, name="list"),
    path("new/", placeholder, name="create"),
    path("<int:pk>/", placeholder, name="detail"),
    path("<int:pk>/edit/", placeholder, name="edit"),
    path("<int:pk>/hours/", placeholder, name="hours"),
    path("<int:pk>/closures/", placeholder, name="closures"),
]
