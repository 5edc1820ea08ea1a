"""The back office may read invoices and payments; every change goes through the services (numbers, sums)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from autoagenda.billing.models import CreditNote, Invoice, InvoiceLine, Payment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly):
    list_display = ("number", "location", "client_name", "total", "paid", "status", "cancelled_at")
    list_filter = ("location", "status")
    search_fields = ("number", "client_name", "work_order_number")
    inlines = (LineInline,)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnly):
    list_display = ("number", "location", "invoice", "total")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("invoice", "amount", "method", "paid_on", "voided_at")
