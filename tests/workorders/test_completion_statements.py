"""Completing a work order (issue 13's benchmark path: its parts out of stock, the invoice, the history row and
the outbox, in one transaction) sends a fixed number of statements, whatever the number of parts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.billing.models import DocumentCounter, Invoice, Series
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import MoveKind, StockMove
from autoagenda.notifications.models import Delivery
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
from tests.inventory.factories import ProductFactory

# The permission check; the savepoint (a transaction of its own outside the tests); the work order locked, written,
# its history row and its running clocks stopped; its part lines (with their products) read and their reservations
# released; the stock levels locked, written and their ledger lines; the labor lines read; the invoice's number,
# the invoice and its lines; the outbox and in-app rows of the invoice and of "your car is ready"; the release.
STATEMENTS = 20


def completion_statements(cast: Any, work_order: WorkOrder, parts: int) -> int:
    services.work_order_transition(actor=cast.manager, work_order=work_order, status="in_progress")
    services.labor_line_add(actor=cast.mechanic, work_order=work_order, description="Mano de obra", hours=1, rate=30000)
    for n in range(parts):
        product = ProductFactory(sku=f"REP-{n}", locations=[cast.location], reorder_level=0)
        stock.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=5)
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=product, quantity=1)
    # Not the location's first invoice of the year (that one also creates its counter row).
    DocumentCounter.objects.create(location=cast.location, series=Series.INVOICE, year=2026, last_number=7)
    with CaptureQueriesContext(connection) as queries:
        services.work_order_transition(actor=cast.manager, work_order=work_order, status="completed")
    assert StockMove.objects.filter(kind=MoveKind.USE, work_order_id=work_order.pk).count() == parts
    invoice = Invoice.objects.get(work_order=work_order)
    assert (invoice.sequence, invoice.lines.count()) == (8, parts + 1)
    assert Delivery.objects.filter(recipient=cast.client).count() == 2
    return len(queries)


@pytest.mark.parametrize("parts", [1, 3])
def test_completing_sends_a_fixed_number_of_statements_whatever_the_parts(cast, work_order, parts) -> None:
    assert completion_statements(cast, work_order, parts) == STATEMENTS
