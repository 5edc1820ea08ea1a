"""The versioned JSON API: every app's `api.py` contributes its routes here."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

v1 = [
    path("", include("autoagenda.accounts.api_auth_urls")),
    path("", include("autoagenda.accounts.api_urls")),
    path("", include("autoagenda.locations.api_urls")),
    path("", include("autoagenda.catalog.api_urls")),
    path("", include("autoagenda.customers.api_urls")),
    path("", include("autoagenda.scheduling.api_urls")),
    path("", include("autoagenda.walkins.api_urls")),
    path("", include("autoagenda.workorders.api_urls")),
    path("", include("autoagenda.inventory.api_urls")),
    path("", include("autoagenda.deposits.api_urls")),
    path("", include("autoagenda.billing.api_urls")),
    path("", include("autoagenda.notifications.api_urls")),
]

# Swagger UI from drf-spectacular-sidecar (local /static/, no CDN). The split view loads its
# start-up script from a URL instead of an inline <script>, so the global `script-src 'self'`
# holds; its page still has one small inline <style> block, allowed on this view only.
api_docs_view = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs_view, name="api-docs"),
]
