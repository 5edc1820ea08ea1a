from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from autoagenda.inventory.models import Product, StockLevel, StockMove


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "unit", "price", "currency", "reorder_level", "is_active")
    search_fields = ("sku", "name")


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only and levels follow it: both only through the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(StockMove, ReadOnlyAdmin)
admin.site.register(StockLevel, ReadOnlyAdmin)
