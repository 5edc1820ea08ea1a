from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from autoagenda.core import views as core_views
from autoagenda.notifications import views as notification_views
from autoagenda.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("autoagenda.accounts.urls")),
    path("locations/", include("autoagenda.locations.urls")),
    path("services/", include("autoagenda.catalog.urls")),
    path("stock/", include("autoagenda.inventory.urls")),
    path("vehicles/", include("autoagenda.customers.urls")),
    path("staff/", include("autoagenda.scheduling.staff_hours.urls")),
    path("book/", include("autoagenda.scheduling.booking.urls")),
    path("deposits/", include("autoagenda.deposits.urls")),
    # A person's private feed: before the staff calendar's routes, and shaped so that none of theirs matches it.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", notification_views.calendar_feed, name="calendar-feed"),
    path("calendar/", include("autoagenda.scheduling.calendar.urls")),
    path("queue/", include("autoagenda.walkins.urls")),
    path("work-orders/", include("autoagenda.workorders.urls")),
    path("invoices/", include("autoagenda.billing.urls")),
    path("notifications/", include("autoagenda.notifications.urls")),
    path("api/", include("config.api")),
    path("backoffice/", admin.site.urls),
]

handler403 = "autoagenda.site.views.permission_denied"
handler404 = "autoagenda.site.views.page_not_found"
handler500 = "autoagenda.site.views.server_error"

if settings.DEBUG:
    urlpatterns.append(path("__errors__/<int:code>/", site_views.error_preview))
