"""The staff calendar, mounted at /calendar/ (namespace "calendar")."""

from django.urls import path

from autoagenda.scheduling.calendar import desk, views

app_name = "calendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine_view, name="mine"),
    path("panel/close/", views.panel_close, name="panel_close"),
    path("<id:location_id>/day/", views.day_view, name="day"),
    path("<id:location_id>/week/", views.week_view, name="week"),
    path("<id:location_id>/today/", views.today_view, name="today"),
    path("<id:location_id>/new/", desk.new_booking, name="new"),
    path("<id:location_id>/new/clients/", desk.client_search, name="client_search"),
    path("<id:location_id>/new/slots/", desk.new_slots, name="new_slots"),
    path("appointments/<id:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<id:pk>/status/", views.appointment_status, name="appointment_status"),
    path("appointments/<id:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<id:pk>/reassign/", views.appointment_reassign, name="appointment_reassign"),
    path("appointments/<id:pk>/reschedule/", views.appointment_reschedule, name="appointment_reschedule"),
]
