"""The client's booking pages, mounted at /book/ (namespace "booking")."""

from django.urls import path

from autoagenda.scheduling.booking import views

app_name = "booking"
urlpatterns = [
    path("", views.start, name="start"),
    path("<id:location>/vehicle/", views.vehicle, name="vehicle"),
    path("<id:location>/service/", views.service, name="service"),
    path("<id:location>/month/", views.month, name="month"),
    path("<id:location>/day/", views.day, name="day"),
    path("<id:location>/confirm/", views.confirm, name="confirm"),
    path("appointments/", views.mine, name="mine"),
    path("appointments/<id:pk>/", views.done, name="done"),
    path("appointments/<id:pk>/calendar.ics", views.calendar_file, name="ics"),
    path("appointments/<id:pk>/cancel/", views.cancel, name="cancel"),
]
