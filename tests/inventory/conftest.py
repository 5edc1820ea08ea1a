import pytest

from autoagenda.inventory import services
from autoagenda.inventory.models import Unit
from tests.inventory.factories import ProductFactory


@pytest.fixture
def product(cast):
    """A filter counted in units, carried at both of the cast's locations."""
    return ProductFactory(
        sku="FIL-001", name="Filtro de aceite", locations=[cast.location, cast.other_location], reorder_level=2
    )


@pytest.fixture
def oil(cast):
    """Oil sold by the litre, at the cast's location only."""
    return ProductFactory(sku="ACE-5W30", name="Aceite 5W-30", unit=Unit.LITRE, locations=[cast.location])


@pytest.fixture
def stocked(cast, product):
    """10 filters at the cast's location."""
    services.stock_receive(actor=cast.admin, product=product, location=cast.location, quantity=10, supplier="Bosch")
    return product
