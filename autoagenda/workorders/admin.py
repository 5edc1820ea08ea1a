from django.contrib import admin

from autoagenda.workorders.models import LaborLine, PartLine, WorkOrder


class LaborInline(admin.TabularInline):
    model = LaborLine
    extra = 0


class PartInline(admin.TabularInline):
    model = PartLine
    extra = 0


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "location", "client", "vehicle", "mechanic", "status", "created_at")
    list_filter = ("status", "location")
    search_fields = ("number", "vehicle__plate", "client__email")
    raw_id_fields = ("client", "vehicle", "appointment", "ticket", "mechanic", "created_by")
    readonly_fields = ("number", "year", "sequence")
    inlines = (LaborInline, PartInline)
