"""The part form of the work-order page and the mechanic board: a product picked by SKU or name (htmx), its stock
reserved, what is available shown next to the line; refusals shown in place, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from autoagenda.inventory import services as stock
from autoagenda.inventory.models import StockLevel
from autoagenda.workorders import services
from autoagenda.workorders.models import PartLine
from tests.inventory.factories import ProductFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def filters(cast: Any) -> Any:
    product = ProductFactory(sku="FIL-001", name="Filtro de aceite", locations=[cast.location])
    stock.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=5)
    return product


def choices_url(work_order: Any, q: str = "") -> str:
    return f"{reverse('workorders:products', args=[work_order.pk])}?q={q}"


def test_the_picker_finds_products_of_the_location_by_sku_or_name(cast, web, work_order, filters) -> None:
    ProductFactory(sku="PAS-100", name="Pastillas de freno", locations=[cast.location])
    ProductFactory(sku="FIL-999", name="Filtro de otra sede", locations=[cast.other_location])
    ProductFactory(sku="FIL-OLD", name="Filtro descontinuado", locations=[cast.location], is_active=False)
    client = web(cast.mechanic)
    by_sku = client.get(choices_url(work_order, "fil-0"), **HTMX)
    assert by_sku.status_code == 200
    text = by_sku.content.decode()
    assert f'value="{filters.pk}"' in text
    assert "FIL-001" in text
    assert "5 available" in text
    assert "FIL-999" not in text
    assert "FIL-OLD" not in text
    assert "Pastillas" not in text
    by_name = client.get(choices_url(work_order, "pastillas"), **HTMX).content.decode()
    assert "PAS-100" in by_name
    assert "FIL-001" not in by_name
    assert "No product matches." in client.get(choices_url(work_order, "zzz"), **HTMX).content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("mechanic", 200), ("receptionist", 200), ("client", 403), ("other_manager", 404), ("anonymous", 302)],
)
def test_who_may_use_the_picker(cast, web, work_order, filters, who, expected) -> None:
    assert web(cast.by_name(who)).get(choices_url(work_order)).status_code == expected


def test_adding_a_picked_product_reserves_it_and_the_line_shows_what_is_available(
    cast, web, work_order, filters
) -> None:
    url = reverse("workorders:part", args=[work_order.pk])
    response = web(cast.mechanic).post(url, {"product": filters.pk, "quantity": "2", "description": ""}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Part line added." in text
    assert 'data-available="3"' in text
    assert "FIL-001 · 3 available" in text
    line = PartLine.objects.get()
    assert (line.product, line.description, line.reserved) == (filters, "Filtro de aceite", 2)
    assert StockLevel.objects.get(product=filters, location=cast.location).reserved == 2


def test_a_free_text_part_still_works_from_the_page(cast, web, work_order, filters) -> None:
    url = reverse("workorders:part", args=[work_order.pk])
    body = {"product": "", "description": "Tornillo", "quantity": "3", "unit_price": "500"}
    assert web(cast.receptionist).post(url, body, **HTMX).status_code == 200
    assert PartLine.objects.get().product is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"quantity": "9"}, "Not enough stock of FIL-001 Filtro de aceite"),
        ({"quantity": "1.5"}, "Counted in whole units: no decimals."),
        ({"quantity": "1", "product": "987654"}, "Choose a product from the list."),
    ],
)
def test_refusals_are_shown_in_place_and_write_nothing(cast, web, work_order, filters, body, message) -> None:
    url = reverse("workorders:part", args=[work_order.pk])
    response = web(cast.mechanic).post(url, {"product": filters.pk, **body}, **HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PartLine.objects.exists()
    assert StockLevel.objects.get(product=filters, location=cast.location).reserved == 0


def test_without_htmx_a_shortage_answers_409(cast, web, work_order, filters) -> None:
    url = reverse("workorders:part", args=[work_order.pk])
    assert web(cast.mechanic).post(url, {"product": filters.pk, "quantity": "9"}).status_code == 409


def test_the_mechanic_board_lists_the_parts_with_what_is_available_and_takes_a_product(
    cast, web, work_order, filters
) -> None:
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=1)
    client = web(cast.mechanic)
    board = client.get(reverse("workorders:mechanic")).content.decode()
    assert "Filtro de aceite × 1" in board
    assert 'data-available="4"' in board
    assert reverse("workorders:products", args=[work_order.pk]) in board
    url = reverse("workorders:mechanic_action", kwargs={"pk": work_order.pk, "action": "part"})
    response = client.post(url, {"product": filters.pk, "quantity": "3"}, **HTMX)
    assert 'data-available="1"' in response.content.decode()
    assert StockLevel.objects.get(product=filters, location=cast.location).reserved == 4


def test_completing_from_the_mechanic_board_uses_the_parts(cast, web, work_order, filters) -> None:
    services.part_line_add(actor=cast.mechanic, work_order=work_order, product=filters, quantity=2)
    client = web(cast.mechanic)
    for action in ("start", "complete", "complete"):  # a double tap completes once
        url = reverse("workorders:mechanic_action", kwargs={"pk": work_order.pk, "action": action})
        assert client.post(url, **HTMX).status_code == 200
    level = StockLevel.objects.get(product=filters, location=cast.location)
    assert (level.quantity, level.reserved) == (3, 0)
