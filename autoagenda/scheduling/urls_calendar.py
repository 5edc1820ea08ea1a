"""The staff calendar, mounted at /calendar/ (namespace "calendar")."""

from django.urls import path

from autoagenda.scheduling import views_calendar as views

app_name = "calendar"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine_view, name="mine"),
    path("panel/close/", views.panel_close, name="panel_close"),
    path("<int:location_id>/day/", views.day_view, name="day"),
    path("<int:location_id>/week/", views.week_view, name="week"),
    path("<int:location_id>/today/", views.today_view, name="today"),
    path("<int:location_id>/new/", views.new_booking, name="new"),
    path("<int:location_id>/new/clients/", views.client_search, name="client_search"),
    path("<int:location_id>/new/slots/", views.new_slots, name="new_slots"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/status/", views.appointment_status, name="appointment_status"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/reassign/", views.appointment_reassign, name="appointment_reassign"),
    path("appointments/<int:pk>/reschedule/", views.appointment_reschedule, name="appointment_reschedule"),
]
