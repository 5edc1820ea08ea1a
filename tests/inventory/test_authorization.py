"""Who may do what with products and stock: every role of the cast × own location / other location / anonymous.

The product is carried only at the cast's location: the other location's staff do not see it (404); clients are
refused before any lookup (403); mechanics read; managers and receptionists move stock; admins and managers edit
products.
"""

import pytest

from autoagenda.inventory.models import StockMove
from tests.inventory.factories import ProductFactory
from tests.matrix import expect

STAFF_HERE = ("admin", "manager", "receptionist", "mechanic")
OTHERS = ("other_manager", "other_receptionist", "other_mechanic")
CLIENTS = ("client", "outsider")


def table(here, *, others=404, clients=403, anonymous=401, **exact):
    out = dict.fromkeys(STAFF_HERE, here)
    out.update(dict.fromkeys(OTHERS, others))
    out.update(dict.fromkeys(CLIENTS, clients))
    out["anonymous"] = anonymous
    out.update(exact)
    return out


READ = table(200)
READ_WEB = table(200, anonymous=302)
WRITE_STOCK = table(201, mechanic=403)
WRITE_STOCK_WEB = table(200, mechanic=403, anonymous=302)
EDIT_PRODUCT = table(200, receptionist=403, mechanic=403)


@pytest.fixture
def part(cast):
    return ProductFactory(sku="BUJ-1", name="Bujía", locations=[cast.location], reorder_level=1)


# --- API ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), expect(table(200, others=200)))
def test_api_list_products(cast, api, part, who, status):
    assert api(cast.by_name(who)).get("/api/v1/products/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    expect(table(201, receptionist=403, mechanic=403, others=403, other_manager=201)),
)
def test_api_create_a_product(cast, api, who, status):
    body = {"sku": f"N-{who}", "name": "Nuevo", "price": "1000", "reorder_level": "1"}
    if who == "other_manager":
        body["price"] = "10.00"
    assert api(cast.by_name(who)).post("/api/v1/products/", body, format="json").status_code == status


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_read_a_product(cast, api, part, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/products/{part.pk}/").status_code == status


@pytest.mark.parametrize(("who", "status"), expect(EDIT_PRODUCT))
def test_api_change_a_product(cast, api, part, who, status):
    response = api(cast.by_name(who)).patch(f"/api/v1/products/{part.pk}/", {"name": "Bujía NGK"}, format="json")
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), expect(WRITE_STOCK))
def test_api_record_a_stock_move(cast, api, part, who, status):
    body = {"location": cast.location.pk, "quantity": "3", "reason": "receipt"}
    response = api(cast.by_name(who)).post(f"/api/v1/products/{part.pk}/stock-moves/", body, format="json")
    assert response.status_code == status
    assert StockMove.objects.exists() == (status == 201)


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_read_the_ledger(cast, api, part, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/products/{part.pk}/stock-moves/").status_code == status


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_read_the_stock(cast, api, part, who, status):
    url = f"/api/v1/products/{part.pk}/stock/?location={cast.location.pk}"
    assert api(cast.by_name(who)).get(url).status_code == status


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_low_stock_of_a_location(cast, api, part, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/locations/{cast.location.pk}/low-stock/").status_code == status


# --- Pages ----------------------------------------------------------------------------------------------------------


def assert_web(response, status):
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("who", "status"), expect(table(200, others=200, anonymous=302)))
def test_web_product_list(cast, web, part, who, status):
    assert_web(web(cast.by_name(who)).get("/stock/"), status)


@pytest.mark.parametrize(("who", "status"), expect(table(200, others=200, anonymous=302)))
def test_web_low_stock(cast, web, part, who, status):
    assert_web(web(cast.by_name(who)).get("/stock/low-stock/"), status)


@pytest.mark.parametrize(("who", "status"), expect(READ_WEB))
def test_web_low_stock_of_the_casts_location(cast, web, part, who, status):
    assert_web(web(cast.by_name(who)).get(f"/stock/low-stock/?location={cast.location.pk}"), status)


@pytest.mark.parametrize(
    ("who", "status"),
    expect(table(200, receptionist=403, mechanic=403, others=403, other_manager=200, anonymous=302)),
)
def test_web_new_product_form(cast, web, who, status):
    assert_web(web(cast.by_name(who)).get("/stock/new/"), status)


@pytest.mark.parametrize(("who", "status"), expect(table(200, receptionist=403, mechanic=403, anonymous=302)))
def test_web_edit_product_form(cast, web, part, who, status):
    assert_web(web(cast.by_name(who)).get(f"/stock/{part.pk}/edit/"), status)


@pytest.mark.parametrize(("who", "status"), expect(READ_WEB))
def test_web_ledger(cast, web, part, who, status):
    assert_web(web(cast.by_name(who)).get(f"/stock/{part.pk}/"), status)


@pytest.mark.parametrize("kind", ["receive", "adjust", "transfer"])
@pytest.mark.parametrize(("who", "status"), expect(WRITE_STOCK_WEB))
def test_web_stock_forms(cast, web, part, who, status, kind):
    assert_web(web(cast.by_name(who)).get(f"/stock/{part.pk}/{kind}/"), status)


@pytest.mark.parametrize(("who", "status"), expect(table(302, mechanic=403, anonymous=302)))
def test_web_receive_stock(cast, web, part, who, status):
    body = {"location": cast.location.pk, "quantity": "2", "supplier": "Bosch"}
    response = web(cast.by_name(who)).post(f"/stock/{part.pk}/receive/", body)
    assert response.status_code == status
    assert StockMove.objects.exists() == (status == 302 and who != "anonymous")
