"""The client's booking pages, mounted at /book/ (namespace "booking")."""

from django.urls import path

from autoagenda.scheduling import views_booking

app_name = "booking"
urlpatterns = [
    path("", views_booking.start, name="start"),
    path("<id:location>/vehicle/", views_booking.vehicle, name="vehicle"),
    path("<id:location>/service/", views_booking.service, name="service"),
    path("<id:location>/month/", views_booking.month, name="month"),
    path("<id:location>/day/", views_booking.day, name="day"),
    path("<id:location>/confirm/", views_booking.confirm, name="confirm"),
    path("appointments/", views_booking.mine, name="mine"),
    path("appointments/<id:pk>/", views_booking.done, name="done"),
    path("appointments/<id:pk>/calendar.ics", views_booking.calendar_file, name="ics"),
    path("appointments/<id:pk>/cancel/", views_booking.cancel, name="cancel"),
]
