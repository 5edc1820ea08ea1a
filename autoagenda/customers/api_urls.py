from django.urls import path

from autoagenda.customers import api

urlpatterns = [
    path("vehicles/", api.VehicleListCreateView.as_view(), name="api-vehicles"),
    path("vehicles/decode-vin/", api.VinDecodeView.as_view(), name="api-vehicle-decode-vin"),
    path("vehicles/<id:pk>/", api.VehicleDetailView.as_view(), name="api-vehicle"),
    path("vehicles/<id:pk>/archive/", api.VehicleArchiveView.as_view(), name="api-vehicle-archive"),
    path("vehicles/<id:pk>/restore/", api.VehicleRestoreView.as_view(), name="api-vehicle-restore"),
]
