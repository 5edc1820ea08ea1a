"""The part lines of the API with products: `product, quantity` → 201 with the product's name, price and tax rate,
`available` on the line, the quantity reserved; 400 on `product` / `quantity`, 409 `insufficient_stock` naming the
product, nothing written; completing through the status endpoint twice uses the stock once."""

from __future__ import annotations

from typing import Any

import pytest

from autoagenda.inventory import services as stock
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
from autoagenda.workorders.models import PartLine
from tests.inventory.factories import ProductFactory


@pytest.fixture
def filters(cast: Any) -> Any:
    product = ProductFactory(sku="FIL-001", name="Filtro de aceite", locations=[cast.location], tax_rate=19)
    stock.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=5)
    return product


def parts_path(work_order: Any) -> str:
    return f"/api/v1/work-orders/{work_order.pk}/parts/"


def reserved(product: Any, location: Any) -> Any:
    return StockLevel.objects.get(product=product, location=location).reserved


def test_a_product_and_a_quantity_make_the_line_and_reserve_it(cast, api, work_order, filters) -> None:
    response = api(cast.mechanic).post(parts_path(work_order), {"product": filters.pk, "quantity": 2}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0, "key": ""} == {
        "id": 0, "key": "", "product": filters.pk, "description": "Filtro de aceite", "quantity": "2.000",
        "available": "3", "unit_price": "9900", "tax_rate": "19.00", "net": "19800", "tax": "3762", "total": "23562",
        "decision": "pending",
    }  # fmt: skip
    assert reserved(filters, cast.location) == 2


def test_lists_and_the_work_order_show_what_is_available(cast, api, work_order, filters) -> None:
    client = api(cast.receptionist)
    client.post(parts_path(work_order), {"product": filters.pk, "quantity": 1}, format="json")
    client.post(parts_path(work_order), {"description": "Tornillo", "quantity": 2, "unit_price": 100}, format="json")
    lines = client.get(parts_path(work_order)).json()["results"]
    assert [(line["product"], line["available"]) for line in lines] == [(filters.pk, "4"), (None, None)]
    detail = client.get(f"/api/v1/work-orders/{work_order.pk}/").json()
    assert [line["available"] for line in detail["parts"]] == ["4", None]
    listed = client.get("/api/v1/work-orders/").json()["results"][0]
    assert [line["available"] for line in listed["parts"]] == ["4", None]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product": 999999, "quantity": 1}, "product"),
        ({"product": "abc", "quantity": 1}, "product"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -2}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),
        ({"quantity": "1.00001"}, "quantity"),
    ],
)
def test_bad_input_is_400_on_its_field_and_writes_nothing(cast, api, work_order, filters, body, field) -> None:
    body = {"product": filters.pk, **body}
    response = api(cast.mechanic).post(parts_path(work_order), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not PartLine.objects.exists()
    assert reserved(filters, cast.location) == 0


def test_another_locations_product_is_400_on_product(cast, api, work_order, filters) -> None:
    theirs = ProductFactory(locations=[cast.other_location])
    for product in (theirs, ProductFactory(locations=[cast.location], is_active=False)):
        response = api(cast.manager).post(parts_path(work_order), {"product": product.pk, "quantity": 1}, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()["errors"]) == ["product"]
    assert not PartLine.objects.exists()


def test_more_than_available_is_409_naming_the_product(cast, api, work_order, filters) -> None:
    response = api(cast.mechanic).post(parts_path(work_order), {"product": filters.pk, "quantity": 6}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert "FIL-001" in response.json()["detail"]
    assert not PartLine.objects.exists()
    assert reserved(filters, cast.location) == 0


def test_changing_and_deleting_a_product_line_moves_its_reservation(cast, api, work_order, filters) -> None:
    client = api(cast.mechanic)
    line = client.post(parts_path(work_order), {"product": filters.pk, "quantity": 1}, format="json").json()
    path = f"{parts_path(work_order)}{line['id']}/"
    changed = client.patch(path, {"quantity": 4}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["quantity"], changed.json()["available"]) == ("4.000", "1")
    refused = client.patch(path, {"quantity": 6}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_stock")
    assert reserved(filters, cast.location) == 4
    assert client.delete(path).status_code == 204
    assert reserved(filters, cast.location) == 0


def test_completing_twice_through_the_api_uses_the_stock_once(cast, api, work_order, filters) -> None:
    client = api(cast.mechanic)
    client.post(parts_path(work_order), {"product": filters.pk, "quantity": 2}, format="json")
    status_path = f"/api/v1/work-orders/{work_order.pk}/status/"
    assert client.post(status_path, {"status": "in_progress"}, format="json").status_code == 200
    first = client.post(status_path, {"status": "completed"}, format="json")
    second = client.post(status_path, {"status": "completed"}, format="json")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["status"] == second.json()["status"] == "completed"
    assert first.json()["history"] == second.json()["history"]
    assert first.json()["parts"][0]["available"] == "3"
    uses = StockMove.objects.filter(kind=MoveKind.USE)
    assert [(m.quantity, m.work_order_id) for m in uses] == [(-2, work_order.pk)]
    assert StockLevel.objects.get(product=filters, location=cast.location).quantity == 3


def test_a_client_may_not_add_parts_and_another_locations_staff_see_nothing(cast, api, work_order, filters) -> None:
    body = {"product": filters.pk, "quantity": 1}
    assert api(cast.client).post(parts_path(work_order), body, format="json").status_code == 403
    assert api(cast.other_manager).post(parts_path(work_order), body, format="json").status_code == 404
    assert api(None).post(parts_path(work_order), body, format="json").status_code == 401
    assert not PartLine.objects.exists()
