"""Work orders racing for the last parts on PostgreSQL: real threads, each with its own connection and
transaction. The work order's row and then the level rows are locked (SELECT … FOR UPDATE), so exactly as many
completions succeed as there are units; the others answer 409 `insufficient_stock` and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from autoagenda.accounts.models import Role
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
from autoagenda.workorders import services
from autoagenda.workorders.models import PartLine, StatusChange, WorkOrder, WorkOrderStatus
from tests.accounts.factories import StaffFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory
from tests.races import race
from tests.workorders.factories import PartLineFactory, WorkOrderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

UNITS = 3
THREADS = 6


@pytest.fixture
def shop():
    location = LocationFactory(hours=[])
    manager = StaffFactory(role=Role.MANAGER, location=location)
    product = ProductFactory(locations=[location], reorder_level=0)
    stock.stock_receive(actor=manager, product=product, location=location, quantity=UNITS)
    orders = [WorkOrderFactory(location=location, status=WorkOrderStatus.IN_PROGRESS) for _ in range(THREADS)]
    return location, manager, product, orders


def assert_ledger_agrees(product, location, on_hand):
    level = StockLevel.objects.get(product=product, location=location)
    assert (level.quantity, level.reserved) == (on_hand, 0)
    assert sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True)) == level.quantity


def test_completions_competing_for_the_last_units_succeed_exactly_as_stock_allows(shop):
    """Lines that hold no reservation (written outside the services) all need the shelf at completion."""
    location, manager, product, orders = shop
    for order in orders:
        PartLineFactory(work_order=order, product=product, quantity=1, reserved=0)
    results = race(
        [
            lambda order=order: services.work_order_transition(actor=manager, work_order=order, status="completed")
            for order in orders
        ]
    )
    done = [r for r in results if isinstance(r, WorkOrder)]
    refused = [r for r in results if r == ("refused", "insufficient_stock")]
    assert (len(done), len(refused)) == (UNITS, THREADS - UNITS), results
    assert WorkOrder.objects.filter(status=WorkOrderStatus.COMPLETED).count() == UNITS
    assert StatusChange.objects.filter(to_status=WorkOrderStatus.COMPLETED).count() == UNITS
    used = set(StockMove.objects.filter(kind=MoveKind.USE).values_list("work_order_id", flat=True))
    assert used == {wo.pk for wo in done}
    assert_ledger_agrees(product, location, Decimal(0))


def test_adding_the_last_units_then_completing_gives_them_to_as_many_as_there_are(shop):
    location, manager, product, orders = shop

    def add_and_complete(order):
        services.part_line_add(actor=manager, work_order=order, product=product, quantity=1)
        return services.work_order_transition(actor=manager, work_order=order, status="completed")

    results = race([lambda order=order: add_and_complete(order) for order in orders])
    assert sum(1 for r in results if isinstance(r, WorkOrder)) == UNITS, results
    assert all(r == ("refused", "insufficient_stock") for r in results if not isinstance(r, WorkOrder))
    assert PartLine.objects.count() == UNITS
    assert WorkOrder.objects.filter(status=WorkOrderStatus.IN_PROGRESS).count() == THREADS - UNITS
    assert_ledger_agrees(product, location, Decimal(0))


def test_the_same_completion_sent_at_once_uses_the_stock_once(shop):
    location, manager, product, orders = shop
    order = orders[0]
    services.part_line_add(actor=manager, work_order=order, product=product, quantity=2)
    results = race([lambda: services.work_order_transition(actor=manager, work_order=order, status="completed")] * 4)
    assert all(isinstance(r, WorkOrder) and r.status == WorkOrderStatus.COMPLETED for r in results), results
    assert StockMove.objects.filter(kind=MoveKind.USE).count() == 1
    assert StatusChange.objects.filter(work_order=order, to_status=WorkOrderStatus.COMPLETED).count() == 1
    assert_ledger_agrees(product, location, Decimal(UNITS - 2))
