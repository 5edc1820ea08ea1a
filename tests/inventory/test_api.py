"""The products and stock API of API.md: the fixed fields and codes, bad input answered 400/409 with nothing written."""

from decimal import Decimal

import pytest

from autoagenda.inventory import services
from autoagenda.inventory.models import Product, ProductPrice, StockLevel, StockMove

URL = "/api/v1/products/"


def test_a_manager_creates_a_product_with_the_contract_fields(cast, api):
    body = {"sku": " fil-100 ", "name": "Filtro de aire", "price": "12500", "reorder_level": "3"}
    response = api(cast.manager).post(URL, body, format="json")
    assert response.status_code == 201
    data = response.json()
    product = Product.objects.get()
    assert data["id"] == product.pk
    assert (data["sku"], data["price"], data["currency"], data["reorder_level"]) == ("FIL-100", "12500", "CLP", "3")
    assert data["locations"] == [cast.location.pk]
    assert data["tax_rate"] == "19.00"


def test_a_madrid_product_answers_euros_with_cents(cast, api):
    body = {"sku": "PAS-1", "name": "Pastillas", "price": 49.9, "reorder_level": 1}
    response = api(cast.other_manager).post(URL, body, format="json")
    assert response.status_code == 201
    assert (response.json()["price"], response.json()["currency"]) == ("49.90", "EUR")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": "12500.50"}, "price"),  # CLP has no cents
        ({"price": "-1"}, "price"),
        ({"reorder_level": "1.5"}, "reorder_level"),  # units are whole
        ({"reorder_level": "-1"}, "reorder_level"),
        ({"sku": ""}, "sku"),
        ({"locations": [999999]}, "locations"),
        ({"unit": "gallon"}, "unit"),
    ],
)
def test_bad_product_input_is_400_and_writes_nothing(cast, api, changes, field):
    body = {"sku": "FIL-1", "name": "Filtro", "price": "12500", "reorder_level": "3", **changes}
    response = api(cast.manager).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Product.objects.exists()


def test_another_locations_id_in_locations_looks_like_a_missing_one(cast, api):
    body = {"sku": "FIL-1", "name": "F", "price": "1", "reorder_level": "1", "locations": [cast.other_location.pk]}
    response = api(cast.manager).post(URL, body, format="json")
    assert response.status_code == 400
    assert "locations" in response.json()["errors"]


def test_a_duplicate_sku_is_400(cast, api, product):
    response = api(cast.manager).post(URL, {"sku": "fil-001", "name": "x", "price": 1, "reorder_level": 0})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["sku"]


def test_the_list_shows_the_products_of_the_callers_locations(cast, api, product, oil):
    mine = api(cast.mechanic).get(URL).json()
    theirs = api(cast.other_mechanic).get(URL).json()
    assert {p["sku"] for p in mine["results"]} == {"FIL-001", "ACE-5W30"}
    assert {p["sku"] for p in theirs["results"]} == {"FIL-001"}


def test_the_list_has_a_fixed_number_of_queries(cast, api, product, oil, django_assert_max_num_queries):
    client = api(cast.manager)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_patch_changes_fields_and_sets_a_price_per_location(cast, api, product):
    body = {"name": "Filtro nuevo", "prices": [{"location": cast.other_location.pk, "price": "8.50"}]}
    response = api(cast.admin).patch(f"{URL}{product.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["name"] == "Filtro nuevo"
    assert data["prices"] == [
        {"location": cast.other_location.pk, "currency": "EUR", "price": "8.50", "tax_rate": None}
    ]


def test_a_price_in_pesos_with_cents_at_the_peso_location_is_refused_and_nothing_changes(cast, api, product):
    body = {"name": "Cambiado", "prices": [{"location": cast.location.pk, "price": "8.50"}]}
    response = api(cast.admin).patch(f"{URL}{product.pk}/", body, format="json")
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.name == "Filtro de aceite"
    assert not ProductPrice.objects.exists()


# --- stock moves ----------------------------------------------------------------------------------------------------


def moves_url(product):
    return f"{URL}{product.pk}/stock-moves/"


def test_a_receipt_answers_201_and_the_stock_follows(cast, api, product):
    body = {"location": cast.location.pk, "quantity": "5", "reason": "receipt", "supplier": "Bosch", "unit_cost": 4000}
    response = api(cast.receptionist).post(moves_url(product), body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["reason"], data["quantity"], data["balance_after"], data["unit_cost"]) == ("receipt", "5", "5", "4000")
    stock = api(cast.mechanic).get(f"{URL}{product.pk}/stock/?location={cast.location.pk}")
    assert stock.status_code == 200
    assert stock.json() == {"location": cast.location.pk, "quantity": "5", "reserved": "0", "available": "5"}


def test_a_negative_adjustment_below_zero_is_409_insufficient_stock_and_writes_nothing(cast, api, stocked):
    body = {"location": cast.location.pk, "quantity": "-11", "reason": "adjustment"}
    response = api(cast.manager).post(moves_url(stocked), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert "FIL-001" in response.json()["detail"]
    assert StockMove.objects.count() == 1
    assert StockLevel.objects.get(location=cast.location).quantity == 10


def test_a_negative_adjustment_within_stock_is_201(cast, api, stocked):
    body = {"location": cast.location.pk, "quantity": -3, "reason": "adjustment", "note": "Roto"}
    response = api(cast.manager).post(moves_url(stocked), body, format="json")
    assert response.status_code == 201
    assert response.json()["note"] == "Roto"
    assert StockLevel.objects.get(location=cast.location).quantity == 7


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "0"},
        {"quantity": "-2"},  # a receipt is positive
        {"quantity": "1.5"},  # filters are whole
        {"quantity": "1.0001"},  # more than 3 places in any unit
        {"quantity": "abc"},
        {"reason": "use"},  # uses are the work orders'
        {"reason": "gift"},
        {"location": 999999},
        {"location": "x"},
        {"unit_cost": "10.5"},  # CLP has no cents
    ],
)
def test_bad_move_input_is_400_and_writes_nothing(cast, api, product, changes):
    body = {"location": cast.location.pk, "quantity": "2", "reason": "receipt", **changes}
    response = api(cast.manager).post(moves_url(product), body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert not StockMove.objects.exists()
    assert not StockLevel.objects.exists()


def test_a_move_at_a_location_that_does_not_carry_the_product_is_400(cast, api, oil):
    body = {"location": cast.other_location.pk, "quantity": "2", "reason": "receipt"}
    response = api(cast.admin).post(moves_url(oil), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location"]


def test_a_move_on_another_locations_product_is_404(cast, api, oil):
    body = {"location": cast.other_location.pk, "quantity": "2", "reason": "receipt"}
    assert api(cast.other_manager).post(moves_url(oil), body, format="json").status_code == 404
    assert not StockMove.objects.exists()


def test_litres_answer_with_three_decimals(cast, api, oil):
    body = {"location": cast.location.pk, "quantity": "4.5", "reason": "receipt"}
    assert api(cast.manager).post(moves_url(oil), body, format="json").json()["quantity"] == "4.500"


def test_a_return_is_positive_and_may_name_its_work_order(cast, api, stocked):
    body = {"location": cast.location.pk, "quantity": "1", "reason": "return", "work_order": 42}
    response = api(cast.receptionist).post(moves_url(stocked), body, format="json")
    assert response.status_code == 201
    assert response.json()["work_order"] == 42


def test_the_ledger_lists_the_moves_newest_first_filtered_by_location(cast, api, stocked):
    services.stock_transfer(
        actor=cast.admin, product=stocked, source=cast.location, destination=cast.other_location, quantity=2
    )
    everything = api(cast.admin).get(moves_url(stocked)).json()
    assert [m["reason"] for m in everything["results"]][-1] == "receipt"
    assert everything["count"] == 3
    mine = api(cast.manager).get(moves_url(stocked)).json()  # only the cast's location
    assert [m["quantity"] for m in mine["results"]] == ["-2", "10"]
    madrid = api(cast.admin).get(f"{moves_url(stocked)}?location={cast.other_location.pk}").json()
    assert [m["quantity"] for m in madrid["results"]] == ["2"]


def test_the_ledger_of_another_locations_stock_is_404(cast, api, stocked):
    response = api(cast.manager).get(f"{moves_url(stocked)}?location={cast.other_location.pk}")
    assert response.status_code == 404


def test_stock_needs_a_location(cast, api, product):
    response = api(cast.manager).get(f"{URL}{product.pk}/stock/")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location"]


def test_low_stock_lists_products_at_or_below_their_level(cast, api, product, oil):
    services.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=2)  # = level
    services.stock_receive(actor=cast.admin, product=oil, location=cast.location, quantity=3)  # above 2
    response = api(cast.mechanic).get(f"/api/v1/locations/{cast.location.pk}/low-stock/")
    assert response.status_code == 200
    assert [(p["sku"], p["quantity"], p["reorder_level"]) for p in response.json()["results"]] == [
        ("FIL-001", "2", "2")
    ]
    madrid = api(cast.other_mechanic).get(f"/api/v1/locations/{cast.other_location.pk}/low-stock/").json()
    assert [(p["sku"], p["quantity"]) for p in madrid["results"]] == [("FIL-001", "0")]
    assert Decimal(madrid["results"][0]["reorder_level"]) == 2
