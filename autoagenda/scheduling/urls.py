from django.urls import path

from autoagenda.core.views import placeholder  # TEMPORARY: replace every use

app_name = "scheduling"
urlpatterns = [
    path("", placeholder, name="staff_list"),
    path("<int:pk>/hours/", placeholder, name="staff_hours"),
    path("<int:pk>/time-off/", placeholder, name="staff_time_off"),
]
