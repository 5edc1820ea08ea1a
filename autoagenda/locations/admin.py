from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from autoagenda.locations.models import Closure, Location, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "timezone", "country", "sector", "slot_minutes", "is_active")
    list_filter = ("sector", "country", "is_active")
    search_fields = ("name", "address")
    inlines = (OpeningHoursInline,)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("location", "start", "end", "date", "reason")
    list_filter = ("location",)


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("location", "weekday", "start", "end")
    list_filter = ("location", "weekday")
