from django.contrib import admin

from autoagenda.scheduling.models import TimeOff, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("user", "location", "weekday", "start", "end")
    list_filter = ("location", "weekday")
    search_fields = ("user__email",)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("user", "start", "end", "reason")
    search_fields = ("user__email", "reason")
