"""For any sequence of part adds, quantity changes, deletes, completions and cancellations on two work orders
sharing one shelf: the level equals the ledger's sum, `reserved` equals the open product lines' quantities (and
what the lines hold), nothing is ever negative, and a refused step changes nothing."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import StockLevel, StockMove
from autoagenda.workorders import services
from autoagenda.workorders.models import EDITABLE_STATUSES, PartLine, WorkOrder, WorkOrderStatus
from tests.accounts.factories import StaffFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory
from tests.workorders.factories import WorkOrderFactory

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "change", "delete", "complete", "cancel"]),
        st.integers(min_value=0, max_value=1),  # which work order
        st.integers(min_value=0, max_value=3),  # which of its lines
        st.integers(min_value=-1, max_value=5),  # a quantity (bad ones included)
    ),
    max_size=20,
)


def step(name, work_order, index, quantity, *, actor, product):
    lines = list(PartLine.objects.filter(work_order=work_order).order_by("id"))
    line = lines[index % len(lines)] if lines else None
    if name == "add":
        services.part_line_add(actor=actor, work_order=work_order, product=product, quantity=quantity)
    elif name == "change" and line is not None:
        services.line_update(actor=actor, line=line, quantity=quantity)
    elif name == "delete" and line is not None:
        services.line_delete(actor=actor, line=line)
    elif name == "complete":
        services.work_order_transition(actor=actor, work_order=work_order, status=WorkOrderStatus.COMPLETED)
    elif name == "cancel":
        services.work_order_transition(actor=actor, work_order=work_order, status=WorkOrderStatus.CANCELLED)


def state():
    return (
        sorted(StockLevel.objects.values_list("quantity", "reserved")),
        StockMove.objects.count(),
        sorted(PartLine.objects.values_list("id", "quantity", "reserved")),
        sorted(WorkOrder.objects.values_list("id", "status")),
    )


class PartStockProperties(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(STEPS)
    def test_stock_follows_the_part_lines_whatever_happens(self, steps):
        location = LocationFactory(hours=[])
        actor = StaffFactory(role=Role.MANAGER, location=location)
        product = ProductFactory(locations=[location])
        stock.stock_receive(actor=actor, product=product, location=location, quantity=6)
        orders = [WorkOrderFactory(location=location, status=WorkOrderStatus.IN_PROGRESS) for _ in range(2)]
        for name, which, index, quantity in steps:
            before = state()
            try:
                with transaction.atomic():
                    step(name, orders[which], index, quantity, actor=actor, product=product)
            except ApplicationError:
                assert state() == before
            level = StockLevel.objects.get(product=product, location=location)
            ledger = sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True), Decimal(0))
            open_lines = PartLine.objects.filter(product=product, work_order__status__in=EDITABLE_STATUSES)
            assert level.quantity == ledger
            assert level.quantity >= 0
            assert 0 <= level.reserved <= level.quantity
            assert level.reserved == sum(open_lines.values_list("quantity", flat=True), Decimal(0))
            assert level.reserved == sum(PartLine.objects.values_list("reserved", flat=True), Decimal(0))
