"""Back-office views of the walk-in queue; day-to-day work goes through the desk and reception pages."""

from django.contrib import admin

from autoagenda.walkins.models import Desk, Queue, Ticket, TicketCounter, TicketEvent


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "location", "position", "is_active")
    list_filter = ("location", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("services",)


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "agent", "opened_at", "is_active")
    list_filter = ("location", "is_active")
    raw_id_fields = ("agent",)
    filter_horizontal = ("queues",)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("at", "action", "actor", "desk", "from_queue", "to_queue")
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: numbers, statuses and times are written by the services (locks, history, live events)."""

    list_display = ("code", "local_date", "location", "queue", "status", "priority", "desk", "issued_at")
    list_filter = ("location", "status", "priority", "local_date")
    search_fields = ("name", "phone", "plate")
    date_hierarchy = "issued_at"
    readonly_fields = (
        "location",
        "queue",
        "prefix",
        "local_date",
        "number",
        "status",
        "desk",
        "appointment",
        "customer",
        "issued_at",
        "called_at",
        "started_at",
        "finished_at",
        "issued_by",
        "called_by",
        "finished_by",
        "recall_count",
    )
    inlines = (TicketEventInline,)

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(TicketCounter)
class TicketCounterAdmin(admin.ModelAdmin):
    list_display = ("location", "prefix", "local_date", "last_number")
    list_filter = ("location", "prefix")
    readonly_fields = ("location", "prefix", "local_date", "last_number")
