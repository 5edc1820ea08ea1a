"""The link to the invoice on the work order's page (core/slots.py; workorders never imports billing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from autoagenda.billing.permissions import invoices_visible_to

WORK_ORDER_SLOT = "workorders.work_order"


def invoice_links(user: Any, work_orders: Sequence[Any]) -> dict[Any, str]:
    invoices = invoices_visible_to(user).filter(work_order__in=[w.pk for w in work_orders])
    return {
        invoice.work_order_id: render_to_string("billing/_slot_work_order.html", {"invoice": invoice})
        for invoice in invoices.only("id", "number", "status", "work_order_id", "cancelled_at")
    }
