from django.urls import path

from autoagenda.scheduling.staff_hours import views

app_name = "scheduling"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("<id:pk>/hours/", views.staff_hours, name="staff_hours"),
    path("<id:pk>/time-off/", views.staff_time_off, name="staff_time_off"),
]
