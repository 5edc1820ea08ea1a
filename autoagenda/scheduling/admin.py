from typing import Any

from django.contrib import admin

from autoagenda.scheduling.models import (
    Appointment,
    AppointmentStatusChange,
    AvailabilityVersion,
    BookingDay,
    TimeOff,
    WorkingHours,
)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("user", "location", "weekday", "start", "end")
    list_filter = ("location", "weekday")
    search_fields = ("user__email",)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("user", "start", "end", "reason")
    search_fields = ("user__email", "reason")


class StatusChangeInline(admin.TabularInline):
    model = AppointmentStatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "changed_by", "changed_at", "note")


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("start", "location", "service", "client", "mechanic", "status")
    list_filter = ("status", "location")
    search_fields = ("client__email", "client__last_name", "vehicle__plate")
    raw_id_fields = ("client", "mechanic", "vehicle", "created_by")
    date_hierarchy = "start"
    inlines = (StatusChangeInline,)


@admin.register(BookingDay)
class BookingDayAdmin(admin.ModelAdmin):
    list_display = ("location", "date")
    list_filter = ("location",)


@admin.register(AvailabilityVersion)
class AvailabilityVersionAdmin(admin.ModelAdmin):
    """Read-only: the counters move with every write (scheduling/freshness.py); editing one by hand could
    bring back an answer cached under an old value."""

    list_display = ("scope", "version")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
