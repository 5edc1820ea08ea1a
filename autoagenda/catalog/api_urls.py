from django.urls import path

from autoagenda.catalog import api

urlpatterns = [
    path("services/", api.ServiceListCreateView.as_view(), name="api-services"),
    path("services/<id:pk>/", api.ServiceDetailView.as_view(), name="api-service"),
]
