from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from autoagenda.customers.models import Vehicle


@admin.register(Vehicle)
class VehicleAdmin(SimpleHistoryAdmin):
    list_display = ("plate", "make", "model", "year", "owner", "mileage")
    search_fields = ("plate", "vin", "make", "model", "owner__email", "owner__last_name")
    raw_id_fields = ("owner",)
