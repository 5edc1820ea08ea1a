from django.urls import path

from autoagenda.locations import api

urlpatterns = [
    path("locations/", api.LocationListView.as_view(), name="api-location-list"),
    path("locations/<id:pk>/", api.LocationDetailView.as_view(), name="api-location-detail"),
    path("locations/<id:pk>/opening-hours/", api.OpeningHoursView.as_view(), name="api-location-opening-hours"),
    path("locations/<id:pk>/closures/", api.ClosureListView.as_view(), name="api-location-closures"),
    path(
        "locations/<id:pk>/closures/<id:closure_id>/",
        api.ClosureDetailView.as_view(),
        name="api-location-closure-detail",
    ),
    path("locations/<id:pk>/holidays/", api.HolidayListView.as_view(), name="api-location-holidays"),
]
