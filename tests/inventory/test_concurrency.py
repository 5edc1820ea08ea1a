"""Work orders racing for the last parts: real threads, each with its own connection and transaction, on
PostgreSQL (the level row is locked with SELECT … FOR UPDATE; SQLite would serialize the writers anyway)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from autoagenda.inventory import services
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
from tests.accounts.factories import AdminFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shelf():
    location = LocationFactory(hours=[])
    product = ProductFactory(locations=[location], reorder_level=0)
    services.stock_receive(actor=AdminFactory(), product=product, location=location, quantity=5)
    return product, location


@pytest.mark.parametrize("threads", [8, 12])
def test_concurrent_uses_take_exactly_the_units_there_are(shelf, threads):
    product, location = shelf
    results = race(
        [
            lambda n=n: services.stock_use(
                product=product, location=location, quantity=1, work_order_id=n, reserved=False
            )
            for n in range(threads)
        ]
    )
    succeeded = [r for r in results if isinstance(r, StockMove)]
    refused = [r for r in results if r == ("refused", "insufficient_stock")]
    assert (len(succeeded), len(refused)) == (5, threads - 5), results
    level = StockLevel.objects.get(product=product, location=location)
    assert level.quantity == 0
    assert StockMove.objects.filter(kind=MoveKind.USE).count() == 5
    assert sum(StockMove.objects.values_list("quantity", flat=True)) == level.quantity
    assert sorted(StockMove.objects.filter(kind=MoveKind.USE).values_list("balance_after", flat=True)) == [
        Decimal(n) for n in range(5)
    ]


def test_concurrent_reservations_never_reserve_more_than_on_hand(shelf):
    product, location = shelf
    results = race(
        [
            lambda n=n: services.stock_reserve(product=product, location=location, quantity=2, work_order_id=n)
            for n in range(6)
        ]
    )
    assert sum(1 for r in results if isinstance(r, StockLevel)) == 2
    assert all(r == ("refused", "insufficient_stock") for r in results if not isinstance(r, StockLevel))
    level = StockLevel.objects.get(product=product, location=location)
    assert (level.quantity, level.reserved) == (5, 4)


def test_first_moves_racing_on_a_new_row_all_land(shelf):
    product, _ = shelf
    elsewhere = LocationFactory(hours=[])
    product.locations.add(elsewhere)
    admin = AdminFactory()
    results = race(
        [lambda: services.stock_receive(actor=admin, product=product, location=elsewhere, quantity=1) for _ in range(6)]
    )
    assert all(isinstance(r, StockMove) for r in results), results
    assert StockLevel.objects.get(product=product, location=elsewhere).quantity == 6


def test_completions_naming_the_same_parts_in_opposite_orders_never_deadlock():
    """`stock_use_many` locks the levels in id order whatever order the parts come in, so two completions that
    each hold one level never wait for each other's (a deadlock would show as a crashed call)."""
    location = LocationFactory(hours=[])
    admin = AdminFactory()
    first, second = (ProductFactory(locations=[location], reorder_level=0) for _ in range(2))
    for product in (first, second):
        services.stock_receive(actor=admin, product=product, location=location, quantity=4)

    def use(n: int) -> list[StockMove]:
        pair = [first, second] if n % 2 else [second, first]
        return services.stock_use_many(
            location=location,
            uses=[services.PartUse(product=product, quantity=Decimal(1)) for product in pair],
            work_order_id=n,
        )

    results = race([lambda n=n: use(n) for n in range(8)])
    succeeded = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if r == ("refused", "insufficient_stock")]
    assert (len(succeeded), len(refused)) == (4, 4), results
    for product in (first, second):
        level = StockLevel.objects.get(product=product, location=location)
        assert level.quantity == 0
        assert sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True)) == 0
