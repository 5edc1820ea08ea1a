"""Part lines that name a product: adding reserves stock at the work order's location, changing re-reserves the
difference, deleting and cancelling release, completing uses the parts in the same transaction as the status move
(and a part short of stock refuses it, changing nothing); completing twice uses the stock once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import MoveKind, ProductPrice, StockLevel, StockMove, Unit
from autoagenda.notifications.models import Delivery
from autoagenda.workorders import events, services
from autoagenda.workorders.models import PartLine, StatusChange, WorkOrder, WorkOrderStatus
from tests.inventory.factories import ProductFactory
from tests.workorders.factories import PartLineFactory


@pytest.fixture
def filters(cast: Any) -> Any:
    """Oil filters at the cast's location: 5 on the shelf, 9,900 CLP net, 19 % tax."""
    product = ProductFactory(sku="FIL-001", name="Filtro de aceite", locations=[cast.location], tax_rate=19)
    stock.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=5)
    return product


def level(product: Any, location: Any) -> tuple[Decimal, Decimal]:
    row = StockLevel.objects.get(product=product, location=location)
    return row.quantity, row.reserved


def snapshot(work_order: WorkOrder) -> dict[str, Any]:
    """Everything a refused completion must leave as it was."""
    return {
        "status": WorkOrder.objects.get(pk=work_order.pk).status,
        "history": list(StatusChange.objects.filter(work_order=work_order).values_list("id", flat=True)),
        "levels": sorted(StockLevel.objects.values_list("product_id", "location_id", "quantity", "reserved")),
        "ledger": list(StockMove.objects.order_by("id").values_list("id", flat=True)),
        "outbox": list(Delivery.objects.order_by("id").values_list("id", flat=True)),
        "lines": sorted(PartLine.objects.filter(work_order=work_order).values_list("id", "quantity", "reserved")),
    }


def start(cast: Any, work_order: WorkOrder) -> WorkOrder:
    return services.work_order_transition(actor=cast.manager, work_order=work_order, status="in_progress")


def test_adding_a_product_fills_the_line_from_it_and_reserves_the_quantity(cast, work_order, filters) -> None:
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity="2")
    line.refresh_from_db()
    assert (line.product, line.description, line.unit_price, line.tax_rate) == (
        filters,
        "Filtro de aceite",
        Decimal("9900"),
        Decimal("19"),
    )
    assert (line.quantity, line.reserved) == (2, 2)
    assert level(filters, cast.location) == (5, 2)  # on hand untouched, 3 available to others
    assert not StockMove.objects.filter(kind=MoveKind.USE).exists()


def test_the_price_is_the_products_at_the_work_orders_location(cast, work_order, filters) -> None:
    ProductPrice.objects.create(product=filters, location=cast.location, price=Decimal("8500"))
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=1)
    assert line.unit_price == Decimal("8500")


def test_given_values_win_over_the_products(cast, work_order, filters) -> None:
    line = services.part_line_add(
        actor=cast.receptionist,
        work_order=work_order,
        product=filters,
        quantity=1,
        description="Filtro (precio cliente frecuente)",
        unit_price="9000",
        tax_rate="0",
    )
    assert (line.description, line.unit_price, line.tax_rate) == ("Filtro (precio cliente frecuente)", 9000, 0)


def test_a_free_text_part_line_takes_no_stock(cast, work_order, filters) -> None:
    line = services.part_line_add(
        actor=cast.mechanic, work_order=work_order, description="Tornillo", quantity="3", unit_price="500"
    )
    assert (line.product, line.reserved) == (None, 0)
    assert level(filters, cast.location) == (5, 0)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda cast, p: p.__class__.objects.filter(pk=p.pk).update(is_active=False), "product"),
        (lambda cast, p: p.locations.set([cast.other_location]), "product"),
        (lambda cast, p: p.__class__.objects.filter(pk=p.pk).update(currency="EUR"), "product"),
    ],
    ids=["inactive", "not carried here", "priced in another currency only"],
)
def test_a_product_of_no_use_here_is_400_on_product_and_writes_nothing(cast, work_order, filters, make, field):
    make(cast, filters)
    filters.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=1)
    assert (refused.value.code, list(refused.value.errors)) == ("invalid", [field])
    assert not PartLine.objects.exists()
    assert level(filters, cast.location) == (5, 0)


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc", "99999999"])
def test_a_bad_quantity_is_400_on_quantity_and_writes_nothing(cast, work_order, filters, quantity) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=quantity)
    assert (refused.value.code, list(refused.value.errors)) == ("invalid", ["quantity"])
    assert not PartLine.objects.exists()
    assert level(filters, cast.location) == (5, 0)


def test_litres_take_three_decimals_and_not_four(cast, work_order) -> None:
    oil = ProductFactory(sku="ACE-5W30", name="Aceite 5W-30", unit=Unit.LITRE, locations=[cast.location])
    stock.stock_receive(actor=cast.admin, product=oil, location=cast.location, quantity="20")
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=oil, quantity="4.250")
    assert level(oil, cast.location) == (20, Decimal("4.250"))
    assert line.reserved == Decimal("4.25")
    with pytest.raises(ApplicationError) as refused:
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=oil, quantity="0.0001")
    assert list(refused.value.errors) == ["quantity"]


def test_more_than_is_available_is_409_naming_the_product_and_writes_nothing(cast, work_order, filters) -> None:
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=4)
    with pytest.raises(ApplicationError) as refused:
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    assert (refused.value.code, refused.value.status) == ("insufficient_stock", 409)
    assert "FIL-001 Filtro de aceite" in refused.value.message
    assert PartLine.objects.count() == 1
    assert level(filters, cast.location) == (5, 4)


def test_changing_the_quantity_reserves_or_releases_the_difference(cast, work_order, filters) -> None:
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    services.line_update(actor=cast.mechanic, line=line, quantity="4")
    assert level(filters, cast.location) == (5, 4)
    services.line_update(actor=cast.mechanic, line=line, quantity="1")
    assert level(filters, cast.location) == (5, 1)
    line.refresh_from_db()
    assert (line.quantity, line.reserved) == (1, 1)


def test_raising_the_quantity_past_what_is_available_changes_nothing(cast, work_order, filters) -> None:
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    with pytest.raises(ApplicationError) as refused:
        services.line_update(actor=cast.mechanic, line=line, quantity="6")
    assert refused.value.code == "insufficient_stock"
    line.refresh_from_db()
    assert (line.quantity, line.reserved) == (2, 2)
    assert level(filters, cast.location) == (5, 2)


def test_a_quantity_with_decimals_the_unit_lacks_is_400_on_change(cast, work_order, filters) -> None:
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    with pytest.raises(ApplicationError) as refused:
        services.line_update(actor=cast.mechanic, line=line, quantity="2.5")
    assert list(refused.value.errors) == ["quantity"]
    assert level(filters, cast.location) == (5, 2)


def test_deleting_the_line_releases_its_reservation(cast, work_order, filters) -> None:
    line = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=3)
    services.line_delete(actor=cast.mechanic, line=line)
    assert not PartLine.objects.exists()
    assert level(filters, cast.location) == (5, 0)


def test_cancelling_the_work_order_releases_its_reservations(cast, work_order, filters) -> None:
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=3)
    services.work_order_transition(actor=cast.manager, work_order=work_order, status="cancelled")
    assert level(filters, cast.location) == (5, 0)
    assert PartLine.objects.get().reserved == 0
    assert not StockMove.objects.filter(kind=MoveKind.USE).exists()


def test_completing_uses_every_product_line_and_releases_its_reservation(cast, work_order, filters) -> None:
    heard: list[Any] = []
    oil = ProductFactory(sku="ACE-5W30", unit=Unit.LITRE, locations=[cast.location])
    stock.stock_receive(actor=cast.admin, product=oil, location=cast.location, quantity="10")
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=oil, quantity="3.5")
    services.part_line_add(actor=cast.mechanic, work_order=work_order, description="Trapos", quantity=1, unit_price=0)
    start(cast, work_order)

    def hear(payload: Any) -> None:  # what billing will see: the parts already out of stock
        heard.append((payload.to_status, sorted(StockMove.objects.filter(kind=MoveKind.USE).values_list("quantity"))))

    events.work_order_status_changed.subscribe(hear)
    try:
        services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    finally:
        events.work_order_status_changed.unsubscribe(hear)
    uses = StockMove.objects.filter(kind=MoveKind.USE).order_by("product_id")
    assert sorted((m.product_id, m.quantity, m.work_order_id, m.actor) for m in uses) == sorted(
        [(filters.pk, -2, work_order.pk, cast.mechanic), (oil.pk, Decimal("-3.5"), work_order.pk, cast.mechanic)]
    )
    assert level(filters, cast.location) == (3, 0)
    assert level(oil, cast.location) == (Decimal("6.5"), 0)
    assert heard == [("completed", [(Decimal("-3.5"),), (Decimal("-2"),)])]
    assert StatusChange.objects.filter(work_order=work_order, to_status="completed").count() == 1
    assert not PartLine.objects.filter(reserved__gt=0).exists()


def test_a_part_short_of_stock_refuses_completion_and_changes_nothing(cast, work_order, filters) -> None:
    """A line that holds no reservation (written outside the services) must find its stock available."""
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    PartLineFactory(work_order=work_order, product=filters, quantity=4, reserved=0, description="Filtro extra")
    start(cast, work_order)
    before = snapshot(work_order)
    with pytest.raises(ApplicationError) as refused:
        services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    assert (refused.value.code, refused.value.status) == ("insufficient_stock", 409)
    assert "FIL-001" in refused.value.message
    assert snapshot(work_order) == before


def test_an_unreserved_line_with_stock_available_is_used_on_completion(cast, work_order, filters) -> None:
    PartLineFactory(work_order=work_order, product=filters, quantity=2, reserved=0)
    start(cast, work_order)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    assert level(filters, cast.location) == (3, 0)


def test_completing_twice_uses_the_stock_once(cast, work_order, filters) -> None:
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    start(cast, work_order)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    history = StatusChange.objects.filter(work_order=work_order).count()
    again = services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    assert again.status == WorkOrderStatus.COMPLETED
    assert StockMove.objects.filter(kind=MoveKind.USE).count() == 1
    assert level(filters, cast.location) == (3, 0)
    assert StatusChange.objects.filter(work_order=work_order).count() == history


def test_stock_is_taken_at_the_work_orders_location_only(cast, work_order, filters) -> None:
    filters.locations.add(cast.other_location)
    stock.stock_receive(actor=cast.admin, product=filters, location=cast.other_location, quantity=7)
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=5)
    assert level(filters, cast.other_location) == (7, 0)
    with pytest.raises(ApplicationError):
        services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=1)


def test_a_part_the_client_declined_is_not_used_on_completion_and_gives_its_reservation_back(
    cast, work_order, filters
) -> None:
    kept = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=1)
    declined = services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    PartLine.objects.filter(pk=declined.pk).update(decision="declined")
    PartLine.objects.filter(pk=kept.pk).update(decision="approved")
    assert level(filters, cast.location) == (5, 3)
    start(cast, work_order)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="completed")
    uses = StockMove.objects.filter(kind=MoveKind.USE)
    assert [m.quantity for m in uses] == [-1]
    assert level(filters, cast.location) == (4, 0)
    assert not PartLine.objects.filter(reserved__gt=0).exists()
