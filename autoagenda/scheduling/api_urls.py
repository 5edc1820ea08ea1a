from django.urls import path

from autoagenda.scheduling import api, api_appointments

urlpatterns = [
    path("staff/<id:pk>/working-hours/", api.WorkingHoursView.as_view(), name="api-staff-working-hours"),
    path("staff/<id:pk>/time-off/", api.TimeOffListView.as_view(), name="api-staff-time-off"),
    path("staff/<id:pk>/time-off/<id:tid>/", api.TimeOffDetailView.as_view(), name="api-staff-time-off-detail"),
    # Availability and bookings (API.md).
    path(
        "locations/<id:pk>/availability/",
        api_appointments.AvailabilityView.as_view(),
        name="api-location-availability",
    ),
    path("appointments/", api_appointments.AppointmentListView.as_view(), name="api-appointments"),
    path("appointments/<id:pk>/", api_appointments.AppointmentDetailView.as_view(), name="api-appointment"),
    path(
        "appointments/<id:pk>/cancel/",
        api_appointments.AppointmentCancelView.as_view(),
        name="api-appointment-cancel",
    ),
    path(
        "appointments/<id:pk>/reschedule/",
        api_appointments.AppointmentRescheduleView.as_view(),
        name="api-appointment-reschedule",
    ),
    path(
        "appointments/<id:pk>/status/",
        api_appointments.AppointmentStatusView.as_view(),
        name="api-appointment-status",
    ),
]
