from django.contrib import admin

from autoagenda.notifications.models import CalendarFeed, Delivery, InAppNotification, SweepRun


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "address", "template", "status", "attempts", "send_after", "sent_at", "location")
    list_filter = ("status", "channel", "location")
    search_fields = ("event_key", "address", "template", "provider_message_id")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False  # rows come from notification_enqueue, in the transaction of their event


@admin.register(InAppNotification)
class InAppNotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__email", "event_key")
    raw_id_fields = ("user",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "rotated_at")
    readonly_fields = ("token",)
    raw_id_fields = ("user",)


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ("name", "next_run_at", "last_started_at", "last_finished_at", "last_result")
