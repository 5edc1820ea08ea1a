"""Tax rates per location: one catalogue sold in Chile (IVA 19 %) and Spain (IVA 21 %) charges each location's
rate — a product's or service's own rate at a location (its row in `prices`) wins over the item's, and a line
with neither takes the location's standard rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from autoagenda.catalog.models import ServicePrice
from autoagenda.catalog.selectors import service_price_at
from autoagenda.catalog.services import service_price_set
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import ProductPrice
from autoagenda.inventory.selectors import product_price_at
from autoagenda.workorders import services
from tests.accounts.factories import ClientLocationFactory
from tests.catalog.factories import ServiceFactory
from tests.inventory.factories import ProductFactory

URL = "/api/v1/products/"


@pytest.fixture
def filters(cast: Any) -> Any:
    """Sold in Santiago (CLP, 19 %) and in Madrid (EUR 8.50, 21 % there), 5 on each shelf."""
    product = ProductFactory(
        sku="FIL-001", name="Filtro de aceite", locations=[cast.location, cast.other_location], tax_rate=19
    )
    ProductPrice.objects.create(product=product, location=cast.other_location, price=Decimal("8.50"), tax_rate=21)
    for place in (cast.location, cast.other_location):
        stock.stock_receive(actor=cast.admin, product=product, location=place, quantity=5)
    return product


@pytest.fixture
def madrid_order(cast: Any, vehicle: Any, clock: Any) -> Any:
    ClientLocationFactory(client=cast.client, location=cast.other_location)
    return services.work_order_create(
        actor=cast.admin, location=cast.other_location, vehicle=vehicle, description="Cambio de aceite"
    )


def test_a_products_price_at_a_location_carries_the_rate_charged_there(cast, filters) -> None:
    assert product_price_at(filters, cast.other_location).tax_rate == Decimal(21)
    assert product_price_at(filters, cast.location).tax_rate == Decimal(19)
    ProductPrice.objects.filter(product=filters).update(tax_rate=None)
    assert product_price_at(filters, cast.other_location).tax_rate == Decimal(19)  # none of its own: the product's


def test_a_part_line_takes_the_rate_of_the_work_orders_location(cast, work_order, madrid_order, filters) -> None:
    there = services.part_line_add(actor=cast.admin, work_order=madrid_order, product=filters, quantity=1)
    here = services.part_line_add(actor=cast.admin, work_order=work_order, product=filters, quantity=1)
    assert (there.unit_price, there.tax_rate) == (Decimal("8.50"), Decimal(21))
    assert (here.unit_price, here.tax_rate) == (Decimal(9900), Decimal(19))


def test_a_labor_line_takes_the_services_rate_at_the_location(cast, vehicle, clock) -> None:
    service = ServiceFactory(locations=[cast.location, cast.other_location], tax_rate=19)
    ServicePrice.objects.create(service=service, location=cast.other_location, price=Decimal(60), tax_rate=21)
    ClientLocationFactory(client=cast.client, location=cast.other_location)
    orders = {
        place: services.work_order_create(
            actor=cast.admin, location=place, vehicle=vehicle, description="Frenos", service=service
        )
        for place in (cast.location, cast.other_location)
    }
    rates = {
        place: services.labor_line_add(
            actor=cast.admin, work_order=order, description="Mano de obra", hours="1", rate="30"
        ).tax_rate
        for place, order in orders.items()
    }
    assert rates == {cast.location: Decimal(19), cast.other_location: Decimal(21)}


def test_a_labor_line_with_no_service_takes_the_locations_standard_rate(cast, madrid_order) -> None:
    line = services.labor_line_add(
        actor=cast.admin, work_order=madrid_order, description="Diagnóstico", hours="0.5", rate="40"
    )
    assert line.tax_rate == cast.other_location.standard_tax_rate == Decimal(21)


def test_the_invoice_of_a_madrid_job_charges_spains_rate_on_every_line(cast, madrid_order, filters) -> None:
    from autoagenda.billing.models import Invoice

    services.part_line_add(actor=cast.admin, work_order=madrid_order, product=filters, quantity=2)
    services.labor_line_add(actor=cast.admin, work_order=madrid_order, description="Cambio", hours="1", rate="40")
    for status in ("in_progress", "completed"):
        madrid_order = services.work_order_transition(actor=cast.admin, work_order=madrid_order, status=status)
    invoice = Invoice.objects.get(work_order=madrid_order)
    assert invoice.currency == "EUR"
    assert {line.tax_rate for line in invoice.lines.all()} == {Decimal(21)}


def test_a_service_price_with_a_bad_rate_is_refused_and_nothing_changes(cast) -> None:
    service = ServiceFactory(locations=[cast.other_location])
    with pytest.raises(ApplicationError) as refused:
        service_price_set(actor=cast.admin, service=service, location=cast.other_location, price="60", tax_rate="121")
    assert list(refused.value.errors) == ["tax_rate"]
    assert not ServicePrice.objects.exists()
    service_price_set(actor=cast.admin, service=service, location=cast.other_location, price="60", tax_rate="21")
    assert service_price_at(service, cast.other_location).tax_rate == Decimal(21)


def test_the_api_sets_and_shows_the_rate_per_location(cast, api, filters) -> None:
    body = {"prices": [{"location": cast.other_location.pk, "price": "9.00", "tax_rate": "10"}]}
    response = api(cast.admin).patch(f"{URL}{filters.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["prices"] == [
        {"location": cast.other_location.pk, "currency": "EUR", "price": "9.00", "tax_rate": "10.00"}
    ]
    assert product_price_at(filters, cast.other_location).tax_rate == Decimal(10)


@pytest.mark.parametrize("rate", ["100.5", "-1", "abc", "10.123"])
def test_the_api_refuses_a_bad_rate_and_changes_nothing(cast, api, filters, rate) -> None:
    body = {"name": "Cambiado", "prices": [{"location": cast.other_location.pk, "price": "9.00", "tax_rate": rate}]}
    response = api(cast.admin).patch(f"{URL}{filters.pk}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["prices.0.tax_rate"]
    filters.refresh_from_db()
    assert filters.name == "Filtro de aceite"
    assert list(ProductPrice.objects.values_list("price", "tax_rate")) == [(Decimal("8.50"), Decimal(21))]
