from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from autoagenda.catalog.models import Service


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "duration_minutes", "price", "tax_rate", "requires_mechanic", "is_active")
    list_filter = ("requires_mechanic", "is_active", "locations")
    search_fields = ("name", "description")
    filter_horizontal = ("locations", "mechanics")
