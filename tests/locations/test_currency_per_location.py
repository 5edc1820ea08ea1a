"""Each location charges in its own currency: from its country unless chosen, fixed once it has sold, and every
amount shown or answered with that currency's decimals (CLP 0, EUR 2)."""

from decimal import Decimal

import pytest

from autoagenda.catalog.models import ServicePrice
from autoagenda.catalog.selectors import service_price_at
from autoagenda.catalog.templatetags.catalog_extras import money_display
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import services as inventory_services
from autoagenda.locations import services
from tests.catalog.factories import ServiceFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory


@pytest.mark.parametrize(
    ("country", "currency"),
    [("CL", "CLP"), ("ES", "EUR"), ("US", "USD"), ("MX", "MXN"), ("AR", "ARS"), ("CO", "COP"), ("PE", "PEN")],
)
def test_a_location_takes_its_countrys_currency(db, country, currency):
    assert LocationFactory(country=country).currency == currency


def test_a_country_without_a_known_currency_takes_the_setting(db, settings):
    settings.CURRENCY = "USD"
    assert LocationFactory(country="JP", use_public_holidays=False).currency == "USD"


def test_the_api_creates_a_location_with_its_countrys_currency_or_a_chosen_one(cast, api):
    body = {"name": "Lima", "country": "PE", "timezone": "America/Lima"}
    assert api(cast.admin).post("/api/v1/locations/", body, format="json").json()["currency"] == "PEN"
    chosen = {**body, "name": "Lima USD", "currency": "usd"}
    assert api(cast.admin).post("/api/v1/locations/", chosen, format="json").json()["currency"] == "USD"


def test_an_unknown_currency_is_400(cast, api):
    response = api(cast.admin).post("/api/v1/locations/", {"name": "X", "country": "CL", "currency": "XXX"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["currency"]


def test_the_currency_may_change_until_the_location_has_stock_moves(cast):
    services.location_update(actor=cast.admin, location=cast.location, currency="USD")
    assert cast.location.currency == "USD"
    product = ProductFactory(locations=[cast.location], currency="USD", price=Decimal("10"))
    inventory_services.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=1)
    with pytest.raises(ApplicationError) as exc:
        services.location_update(actor=cast.admin, location=cast.location, currency="CLP")
    assert list(exc.value.errors) == ["currency"]
    cast.location.refresh_from_db()
    assert cast.location.currency == "USD"


def test_madrid_shows_euros_and_santiago_pesos(cast):
    assert money_display(Decimal("59.9"), cast.other_location).endswith("EUR")
    assert money_display(Decimal("59.9"), cast.other_location) == "59.90 EUR"
    assert money_display(Decimal("45000"), cast.location) == "45,000 CLP"


def test_a_service_in_two_currencies_has_a_price_per_location(cast):
    service = ServiceFactory(locations=[cast.location, cast.other_location], price=Decimal("45000"), currency="CLP")
    assert service_price_at(service, cast.location).amount == Decimal("45000")
    assert service_price_at(service, cast.other_location) is None  # never 45000 EUR
    ServicePrice.objects.create(service=service, location=cast.other_location, price=Decimal("59.90"))
    price = service_price_at(service, cast.other_location)
    assert (price.amount, price.currency) == (Decimal("59.90"), "EUR")


def test_the_services_api_answers_each_currencys_decimals(cast, api):
    ServiceFactory(name="Madrid", locations=[cast.other_location], price=Decimal("49.9"), currency="EUR")
    ServiceFactory(name="Santiago", locations=[cast.location], price=Decimal("25000"), currency="CLP")
    prices = {s["name"]: (s["price"], s["currency"]) for s in api(None).get("/api/v1/services/").json()["results"]}
    assert prices == {"Madrid": ("49.90", "EUR"), "Santiago": ("25000", "CLP")}


def test_a_service_created_at_madrid_refuses_more_than_cents(cast, api):
    body = {"name": "X", "duration_minutes": 30, "price": "49.905", "locations": [cast.other_location.pk]}
    assert api(cast.admin).post("/api/v1/services/", body, format="json").status_code == 400


def test_quantize_rounds_half_up_in_the_currency():
    assert money.quantize("10.5", "CLP") == Decimal("11")
    assert money.quantize("10.005", "EUR") == Decimal("10.01")
