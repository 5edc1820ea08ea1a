"""The stock ledger's rules: every move through `_move`, the level equals the ledger, never below zero."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove


def level(product, location):
    return StockLevel.objects.get(product=product, location=location)


def ledger_sum(product, location):
    return sum(StockMove.objects.filter(product=product, location=location).values_list("quantity", flat=True))


def test_a_receipt_adds_to_the_level_and_writes_the_ledger(cast, stocked):
    move = StockMove.objects.get()
    assert (move.kind, move.quantity, move.balance_after, move.supplier) == ("receipt", 10, 10, "Bosch")
    assert level(stocked, cast.location).quantity == Decimal(10) == ledger_sum(stocked, cast.location)


def test_an_adjustment_below_zero_is_insufficient_stock_naming_the_product_and_writes_nothing(cast, stocked):
    with pytest.raises(ApplicationError) as exc:
        services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-11, note="x")
    assert exc.value.code == "insufficient_stock"
    assert exc.value.status == 409
    assert "FIL-001" in exc.value.message
    assert StockMove.objects.count() == 1
    assert level(stocked, cast.location).quantity == 10


def test_a_first_move_that_fails_leaves_no_level_row(cast, product):
    with pytest.raises(ApplicationError):
        services.stock_adjust(actor=cast.manager, product=product, location=cast.location, quantity=-1)
    assert not StockLevel.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [(0, "zero"), (-3, "positive"), ("1.5", "whole units"), ("abc", "number"), ("1e12", "too large")],
)
def test_a_receipt_refuses_bad_quantities(cast, product, quantity, message):
    with pytest.raises(ApplicationError) as exc:
        services.stock_receive(actor=cast.manager, product=product, location=cast.location, quantity=quantity)
    assert exc.value.code == "invalid"
    assert message in exc.value.errors["quantity"][0]
    assert not StockMove.objects.exists()


def test_litres_take_three_decimals_and_no_more(cast, oil):
    services.stock_receive(actor=cast.manager, product=oil, location=cast.location, quantity="4.125")
    with pytest.raises(ApplicationError) as exc:
        services.stock_receive(actor=cast.manager, product=oil, location=cast.location, quantity="0.0005")
    assert exc.value.errors["quantity"] == ["Use at most 3 decimal places."]
    assert level(oil, cast.location).quantity == Decimal("4.125")


def test_a_product_not_carried_at_the_location_is_refused(cast, oil):
    with pytest.raises(ApplicationError) as exc:
        services.stock_receive(actor=cast.admin, product=oil, location=cast.other_location, quantity=1)
    assert list(exc.value.errors) == ["location"]


def test_a_unit_cost_with_more_decimals_than_the_currency_is_refused(cast, product):
    with pytest.raises(ApplicationError) as exc:
        services.stock_receive(
            actor=cast.manager, product=product, location=cast.location, quantity=1, unit_cost="10.50"
        )
    assert "CLP" in exc.value.errors["unit_cost"][0]
    services.stock_receive(
        actor=cast.other_manager, product=product, location=cast.other_location, quantity=1, unit_cost="10.50"
    )


def test_a_transfer_is_two_moves_sharing_one_id(cast, stocked):
    out, into = services.stock_transfer(
        actor=cast.admin, product=stocked, source=cast.location, destination=cast.other_location, quantity=4
    )
    assert out.transfer_id == into.transfer_id is not None
    assert (out.quantity, into.quantity) == (-4, 4)
    assert (level(stocked, cast.location).quantity, level(stocked, cast.other_location).quantity) == (6, 4)


def test_a_transfer_of_more_than_there_is_moves_nothing(cast, stocked):
    with pytest.raises(ApplicationError) as exc:
        services.stock_transfer(
            actor=cast.admin, product=stocked, source=cast.location, destination=cast.other_location, quantity=11
        )
    assert exc.value.code == "insufficient_stock"
    assert StockMove.objects.count() == 1
    assert not StockLevel.objects.filter(location=cast.other_location).exists()


def test_a_receptionist_of_one_location_cannot_transfer_into_another(cast, stocked):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.stock_transfer(
            actor=cast.receptionist, product=stocked, source=cast.location, destination=cast.other_location, quantity=1
        )


def test_a_reservation_lowers_available_but_not_on_hand(cast, stocked):
    services.stock_reserve(product=stocked, location=cast.location, quantity=7, work_order_id=1)
    row = level(stocked, cast.location)
    assert (row.quantity, row.reserved, row.available) == (10, 7, 3)
    with pytest.raises(ApplicationError) as exc:
        services.stock_reserve(product=stocked, location=cast.location, quantity=4, work_order_id=2)
    assert exc.value.code == "insufficient_stock"


def test_an_adjustment_cannot_eat_into_reserved_stock(cast, stocked):
    services.stock_reserve(product=stocked, location=cast.location, quantity=7, work_order_id=1)
    with pytest.raises(ApplicationError) as exc:
        services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-4)
    assert exc.value.code == "insufficient_stock"


def test_using_reserved_parts_consumes_the_reservation(cast, stocked):
    services.stock_reserve(product=stocked, location=cast.location, quantity=3, work_order_id=9)
    move = services.stock_use(product=stocked, location=cast.location, quantity=3, work_order_id=9)
    row = level(stocked, cast.location)
    assert (move.kind, move.quantity, move.work_order_id) == (MoveKind.USE, -3, 9)
    assert (row.quantity, row.reserved) == (7, 0)


def test_a_return_puts_parts_back_and_names_the_work_order(cast, stocked):
    services.stock_use(product=stocked, location=cast.location, quantity=2, work_order_id=9, reserved=False)
    move = services.stock_return(product=stocked, location=cast.location, quantity=1, work_order_id=9)
    assert (move.kind, move.quantity, move.work_order_id) == ("return", 1, 9)
    assert level(stocked, cast.location).quantity == 9


def test_releasing_more_than_is_reserved_is_refused(cast, stocked):
    services.stock_reserve(product=stocked, location=cast.location, quantity=2, work_order_id=1)
    with pytest.raises(ApplicationError):
        services.stock_release(product=stocked, location=cast.location, quantity=3, work_order_id=1)
    services.stock_release(product=stocked, location=cast.location, quantity=2, work_order_id=1)
    assert level(stocked, cast.location).reserved == 0


def test_the_database_refuses_a_negative_level_whatever_the_code_does(cast, stocked):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(product=stocked).update(quantity=-1)


def test_the_database_refuses_reserving_more_than_on_hand(cast, stocked):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(product=stocked).update(reserved=11)


def test_the_sku_is_normalised_and_unique(cast):
    product = services.product_create(actor=cast.manager, sku="  fil-9 ", name="Filtro", price=1000, reorder_level=1)
    assert product.sku == "FIL-9"
    assert [loc.pk for loc in product.locations.all()] == [cast.location.pk]
    with pytest.raises(ApplicationError) as exc:
        services.product_create(actor=cast.manager, sku="Fil-9", name="Otro", price=1000, reorder_level=1)
    assert list(exc.value.errors) == ["sku"]


def test_a_product_takes_its_locations_currency_and_tax_rate(cast):
    product = services.product_create(
        actor=cast.other_manager, sku="PAST-1", name="Pastillas", price="49.90", reorder_level=1
    )
    assert (product.currency, product.tax_rate, product.price) == ("EUR", Decimal("21"), Decimal("49.90"))
    with pytest.raises(ApplicationError) as exc:
        services.product_create(actor=cast.manager, sku="PAST-2", name="Pastillas", price="49.90", reorder_level=1)
    assert "CLP" in exc.value.errors["price"][0]


def test_a_reorder_level_with_decimals_is_refused_for_units(cast):
    with pytest.raises(ApplicationError) as exc:
        services.product_create(actor=cast.manager, sku="X1", name="X", price=1, reorder_level="1.5")
    assert list(exc.value.errors) == ["reorder_level"]
