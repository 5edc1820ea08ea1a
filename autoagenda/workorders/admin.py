from typing import Any

from django.contrib import admin

from autoagenda.workorders.models import LaborLine, PartLine, WorkOrder


class LaborInline(admin.TabularInline):
    model = LaborLine
    extra = 0


class PartInline(admin.TabularInline):
    """Read only: a part line's stock (reservation, use) changes only through the services."""

    model = PartLine
    extra = 0
    can_delete = False
    readonly_fields = ("product", "description", "quantity", "reserved", "unit_price", "tax_rate", "decision")
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "location", "client", "vehicle", "mechanic", "status", "created_at")
    list_filter = ("status", "location")
    search_fields = ("number", "vehicle__plate", "client__email")
    raw_id_fields = ("client", "vehicle", "appointment", "ticket", "mechanic", "created_by")
    readonly_fields = ("number", "year", "sequence")
    inlines = (LaborInline, PartInline)
