"""The versioned JSON API: every app's `api.py` contributes its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

v1 = [
    path("", include("autoagenda.accounts.api_auth_urls")),
    path("", include("autoagenda.accounts.api_urls")),
    path("", include("autoagenda.locations.api_urls")),
    path("", include("autoagenda.catalog.api_urls")),
    path("", include("autoagenda.customers.api_urls")),
    path("", include("autoagenda.scheduling.api_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
