"""Billing's test helpers: invoices are made the way the product makes them, by completing a work order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from autoagenda.billing.models import Invoice
from autoagenda.workorders import services as workorder_services
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from tests.workorders.factories import LaborLineFactory, PartLineFactory, WorkOrderFactory


def work_order_with_lines(
    *,
    location: Any,
    vehicle: Any,
    labor: tuple[tuple[str, str, str], ...] = (("Cambio de pastillas", "1.5", "30000"),),
    parts: tuple[tuple[str, str, str], ...] = (("Pastillas de freno", "1", "25000"),),
    tax_rate: str = "19",
    status: str = WorkOrderStatus.IN_PROGRESS,
) -> WorkOrder:
    work_order = WorkOrderFactory(location=location, vehicle=vehicle, status=status)
    for description, hours, rate in labor:
        LaborLineFactory(
            work_order=work_order, description=description, hours=Decimal(hours), rate=Decimal(rate),
            tax_rate=Decimal(tax_rate),
        )  # fmt: skip
    for description, quantity, price in parts:
        PartLineFactory(
            work_order=work_order, description=description, quantity=Decimal(quantity), unit_price=Decimal(price),
            tax_rate=Decimal(tax_rate),
        )  # fmt: skip
    return work_order


def complete(work_order: WorkOrder, actor: Any) -> Invoice:
    """Complete through the work orders' service (the billing subscriber issues the invoice)."""
    workorder_services.work_order_transition(actor=actor, work_order=work_order, status=WorkOrderStatus.COMPLETED)
    return Invoice.objects.get(work_order=work_order)
