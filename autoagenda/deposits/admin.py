from django.contrib import admin

from autoagenda.deposits.models import Deposit, DepositEvent


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ("appointment", "amount", "currency", "status", "provider", "hold_until", "paid_at")
    list_filter = ("status", "provider")
    readonly_fields = ("appointment", "location", "amount", "currency", "session_id", "paid_at", "paid_amount")


@admin.register(DepositEvent)
class DepositEventAdmin(admin.ModelAdmin):
    list_display = ("provider", "event_id", "kind", "outcome", "received_at")
    readonly_fields = ("deposit", "provider", "event_id", "kind", "amount", "currency", "outcome")
