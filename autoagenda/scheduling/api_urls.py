from django.urls import path

from autoagenda.scheduling import api

urlpatterns = [
    path("staff/<int:pk>/working-hours/", api.WorkingHoursView.as_view(), name="api-staff-working-hours"),
    path("staff/<int:pk>/time-off/", api.TimeOffListView.as_view(), name="api-staff-time-off"),
    path("staff/<int:pk>/time-off/<int:tid>/", api.TimeOffDetailView.as_view(), name="api-staff-time-off-detail"),
]
