"""For any sequence of receipts, adjustments, reservations, uses and returns: the level is the ledger's sum,
never negative, and what is reserved never exceeds what is on hand. Refused operations change nothing."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services
from autoagenda.inventory.models import StockLevel, StockMove, Unit
from tests.accounts.factories import StaffFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "adjust", "reserve", "release", "use", "use_unreserved", "return"]),
        st.integers(min_value=-6000, max_value=6000).map(lambda n: Decimal(n) / 1000),  # litres, 3 places
    ),
    max_size=25,
)


def apply(name, product, location, actor, quantity):
    if name == "receive":
        services.stock_receive(actor=actor, product=product, location=location, quantity=quantity)
    elif name == "adjust":
        services.stock_adjust(actor=actor, product=product, location=location, quantity=quantity)
    elif name == "reserve":
        services.stock_reserve(product=product, location=location, quantity=quantity, work_order_id=1)
    elif name == "release":
        services.stock_release(product=product, location=location, quantity=quantity, work_order_id=1)
    elif name == "use":
        services.stock_use(product=product, location=location, quantity=quantity, work_order_id=1)
    elif name == "use_unreserved":
        services.stock_use(product=product, location=location, quantity=quantity, work_order_id=1, reserved=False)
    else:
        services.stock_return(product=product, location=location, quantity=quantity, work_order_id=1)


class LedgerProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(OPERATIONS)
    def test_the_level_always_equals_the_ledger_and_never_goes_negative(self, operations):
        location = LocationFactory(hours=[])
        actor = StaffFactory(role=Role.MANAGER, location=location)
        product = ProductFactory(unit=Unit.LITRE, locations=[location])
        for name, quantity in operations:
            before = list(StockLevel.objects.values_list("quantity", "reserved"))
            moves_before = StockMove.objects.count()
            try:
                with transaction.atomic():
                    apply(name, product, location, actor, quantity)
            except ApplicationError:
                assert list(StockLevel.objects.values_list("quantity", "reserved")) == before
                assert StockMove.objects.count() == moves_before
            # Summed in Python: SQLite's SUM works in floating point (2.583 - 2.525 = 0.05800000000000003).
            total = sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True), Decimal(0))
            level = StockLevel.objects.filter(product=product, location=location).first()
            on_hand = level.quantity if level else Decimal(0)
            reserved = level.reserved if level else Decimal(0)
            assert on_hand == total
            assert on_hand >= 0
            assert 0 <= reserved <= on_hand
