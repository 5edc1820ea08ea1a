"""A work order's parts taken out at once (`stock_use_many`): the same ledger lines, levels and refusals as one
`stock_use` (or `stock_release`) per part in the given order, in three statements however many parts."""

from decimal import Decimal

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import events, services
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
from autoagenda.inventory.services import PartUse


def level(product, location):
    row = StockLevel.objects.get(product=product, location=location)
    return row.quantity, row.reserved


def ledger_sum(product, location):
    return sum(StockMove.objects.filter(product=product, location=location).values_list("quantity", flat=True))


@pytest.fixture
def shelf(cast, stocked, oil):
    """10 filters (2 of them reserved) and 5 litres of oil at the cast's location."""
    services.stock_receive(actor=cast.admin, product=oil, location=cast.location, quantity=5)
    services.stock_reserve(product=stocked, location=cast.location, quantity=2, work_order_id=7)
    return stocked, oil


def test_several_parts_are_used_in_order_each_with_its_ledger_line(cast, shelf):
    filters, oil = shelf
    uses = [
        PartUse(product=filters, quantity=Decimal(2), release=Decimal(2)),
        PartUse(product=oil, quantity=Decimal("1.5")),
        PartUse(product=filters, quantity=Decimal(1)),
    ]
    moves = services.stock_use_many(location=cast.location, uses=uses, work_order_id=7, actor=cast.mechanic)
    assert [(m.product_id, m.kind, m.quantity, m.balance_after) for m in moves] == [
        (filters.pk, MoveKind.USE, -2, 8),
        (oil.pk, MoveKind.USE, Decimal("-1.5"), Decimal("3.5")),
        (filters.pk, MoveKind.USE, -1, 7),
    ]
    stored = StockMove.objects.filter(kind=MoveKind.USE).order_by("id")
    assert [(m.pk, m.work_order_id, m.actor) for m in stored] == [(m.pk, 7, cast.mechanic) for m in moves]
    assert level(filters, cast.location) == (7, 0)
    assert level(oil, cast.location) == (Decimal("3.5"), 0)
    assert ledger_sum(filters, cast.location) == 7
    assert ledger_sum(oil, cast.location) == Decimal("3.5")


def test_it_takes_three_statements_however_many_parts(cast, shelf, django_assert_num_queries):
    filters, oil = shelf
    uses = [PartUse(product=filters, quantity=Decimal(1)), PartUse(product=oil, quantity=Decimal(1))]
    with django_assert_num_queries(3):  # the levels locked, written back, the ledger lines
        services.stock_use_many(location=cast.location, uses=uses, work_order_id=7)


def test_one_part_short_refuses_them_all_naming_it_and_writes_nothing(cast, shelf):
    filters, oil = shelf
    uses = [PartUse(product=filters, quantity=Decimal(1)), PartUse(product=oil, quantity=Decimal(6))]
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(location=cast.location, uses=uses, work_order_id=7)
    assert (refused.value.code, refused.value.status) == ("insufficient_stock", 409)
    assert "ACE-5W30" in refused.value.message
    assert "5 available" in refused.value.message
    assert not StockMove.objects.filter(kind=MoveKind.USE).exists()
    assert level(filters, cast.location) == (10, 2)
    assert level(oil, cast.location) == (5, 0)


def test_parts_cannot_eat_into_what_other_work_orders_hold(cast, shelf):
    filters, _ = shelf
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(
            location=cast.location, uses=[PartUse(product=filters, quantity=Decimal(9))], work_order_id=8
        )
    assert refused.value.code == "insufficient_stock"
    assert "8 available" in refused.value.message
    assert level(filters, cast.location) == (10, 2)


def test_a_part_with_nothing_taken_out_gives_its_reservation_back_without_a_ledger_line(cast, shelf):
    filters, _ = shelf
    moves = services.stock_use_many(
        location=cast.location,
        uses=[PartUse(product=filters, quantity=Decimal(0), release=Decimal(2))],
        work_order_id=7,
    )
    assert moves == []
    assert not StockMove.objects.filter(kind=MoveKind.USE).exists()
    assert level(filters, cast.location) == (10, 0)


def test_giving_back_more_than_is_reserved_is_refused(cast, shelf):
    filters, _ = shelf
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(
            location=cast.location,
            uses=[PartUse(product=filters, quantity=Decimal(0), release=Decimal(3))],
            work_order_id=7,
        )
    assert refused.value.code == "invalid"
    assert level(filters, cast.location) == (10, 2)


def test_a_product_not_carried_at_the_location_is_refused(cast, shelf):
    _, oil = shelf
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(
            location=cast.other_location, uses=[PartUse(product=oil, quantity=Decimal(1))], work_order_id=7
        )
    assert refused.value.code == "invalid"
    assert "location" in refused.value.errors


def test_a_product_never_stocked_at_the_location_has_nothing_available(cast, shelf):
    filters, _ = shelf  # carried at the other location too, never received there
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(
            location=cast.other_location, uses=[PartUse(product=filters, quantity=Decimal(1))], work_order_id=7
        )
    assert refused.value.code == "insufficient_stock"
    assert "0 available" in refused.value.message
    assert not StockLevel.objects.filter(location=cast.other_location).exists()


def test_a_quantity_the_unit_does_not_allow_is_refused(cast, shelf):
    filters, _ = shelf
    with pytest.raises(ApplicationError) as refused:
        services.stock_use_many(
            location=cast.location, uses=[PartUse(product=filters, quantity=Decimal("1.5"))], work_order_id=7
        )
    assert refused.value.code == "invalid"
    assert "whole units" in refused.value.errors["quantity"][0]


def test_the_move_that_crosses_the_reorder_level_is_told_to_the_apps_above(cast, shelf):
    filters, oil = shelf  # filters reorder at 2
    heard = []

    def hear(event):
        heard.append((event.move.pk, event.product.pk, event.before, event.after, event.reorder_level))

    events.stock_level_crossed.subscribe(hear)
    try:
        moves = services.stock_use_many(
            location=cast.location,
            uses=[
                PartUse(product=filters, quantity=Decimal(5), release=Decimal(2)),
                PartUse(product=filters, quantity=Decimal(3)),
                PartUse(product=oil, quantity=Decimal(1)),
            ],
            work_order_id=7,
        )
    finally:
        events.stock_level_crossed.unsubscribe(hear)
    assert heard == [(moves[1].pk, filters.pk, 5, 2, 2)]
    assert StockMove.objects.filter(pk=moves[1].pk).exists()
