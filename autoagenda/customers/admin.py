from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from autoagenda.customers.models import ClientLocation, Vehicle


@admin.register(Vehicle)
class VehicleAdmin(SimpleHistoryAdmin):
    list_display = ("plate", "make", "model", "year", "owner", "mileage")
    search_fields = ("plate", "vin", "make", "model", "owner__email", "owner__last_name")
    raw_id_fields = ("owner",)


@admin.register(ClientLocation)
class ClientLocationAdmin(admin.ModelAdmin):
    """Which locations serve which clients; written by the services, kept here to look at (and to fix by hand)."""

    list_display = ("client", "location", "source", "created_at")
    list_filter = ("location", "source")
    search_fields = ("client__email", "client__last_name")
    raw_id_fields = ("client",)
