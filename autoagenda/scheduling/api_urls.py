from django.urls import path

from autoagenda.scheduling.booking import api as booking_api
from autoagenda.scheduling.staff_hours import api as staff_hours_api

urlpatterns = [
    path("staff/<id:pk>/working-hours/", staff_hours_api.WorkingHoursView.as_view(), name="api-staff-working-hours"),
    path("staff/<id:pk>/time-off/", staff_hours_api.TimeOffListView.as_view(), name="api-staff-time-off"),
    path(
        "staff/<id:pk>/time-off/<id:tid>/",
        staff_hours_api.TimeOffDetailView.as_view(),
        name="api-staff-time-off-detail",
    ),
    # Availability and bookings (API.md).
    path(
        "locations/<id:pk>/availability/",
        booking_api.AvailabilityView.as_view(),
        name="api-location-availability",
    ),
    path("appointments/", booking_api.AppointmentListView.as_view(), name="api-appointments"),
    path("appointments/<id:pk>/", booking_api.AppointmentDetailView.as_view(), name="api-appointment"),
    path(
        "appointments/<id:pk>/cancel/",
        booking_api.AppointmentCancelView.as_view(),
        name="api-appointment-cancel",
    ),
    path(
        "appointments/<id:pk>/reschedule/",
        booking_api.AppointmentRescheduleView.as_view(),
        name="api-appointment-reschedule",
    ),
    path(
        "appointments/<id:pk>/status/",
        booking_api.AppointmentStatusView.as_view(),
        name="api-appointment-status",
    ),
]
