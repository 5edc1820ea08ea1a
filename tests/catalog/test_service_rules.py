"""The catalog services enforce who may write and what a service must be, whoever calls them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.catalog.models import Service
from autoagenda.catalog.services import service_create, service_update
from autoagenda.core.errors import ApplicationError
from tests.catalog.factories import ServiceFactory


def create(cast, actor, **overrides):
    fields = {
        "name": "Revisión técnica",
        "duration_minutes": 45,
        "price": Decimal("15000"),
        "locations": [cast.location],
    }
    fields.update(overrides)
    return service_create(actor=actor, **fields)


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client", "other_receptionist"])
def test_only_admins_and_managers_create_services(cast, who):
    with pytest.raises(PermissionDenied):
        create(cast, getattr(cast, who))
    assert not Service.objects.exists()


def test_an_empty_mechanics_list_means_every_mechanic_of_the_location(cast):
    service = create(cast, cast.manager, mechanics=[])
    assert list(service.mechanics.all()) == []
    assert service.requires_mechanic is True


def test_the_price_is_stored_rounded_to_the_currency(cast):
    service = create(cast, cast.admin, price="15000.00")
    service.refresh_from_db()
    assert service.price == Decimal("15000")


def test_names_are_trimmed(cast):
    assert create(cast, cast.admin, name="  Lavado  ").name == "Lavado"


def test_a_service_without_locations_is_refused(cast):
    with pytest.raises(ApplicationError) as caught:
        create(cast, cast.admin, locations=[])
    assert caught.value.code == "invalid"
    assert list(caught.value.errors) == ["locations"]


def test_a_mechanic_at_any_of_the_locations_is_accepted(cast):
    service = create(cast, cast.admin, locations=[cast.location, cast.other_location], mechanics=[cast.other_mechanic])
    assert list(service.mechanics.all()) == [cast.other_mechanic]


def test_an_inactive_mechanic_is_refused(cast):
    cast.mechanic.is_active = False
    cast.mechanic.save()
    with pytest.raises(ApplicationError) as caught:
        create(cast, cast.admin, mechanics=[cast.mechanic])
    assert list(caught.value.errors) == ["mechanics"]


def test_another_locations_manager_cannot_update_or_deactivate(cast):
    service = ServiceFactory(locations=[cast.location])
    with pytest.raises(PermissionDenied):
        service_update(actor=cast.other_manager, service=service, name="Otro")
    with pytest.raises(PermissionDenied):
        service_update(actor=cast.other_manager, service=service, is_active=False)
    service.refresh_from_db()
    assert service.is_active


def test_a_manager_cannot_edit_a_service_shared_with_a_location_they_do_not_manage(cast):
    service = ServiceFactory(locations=[cast.location, cast.other_location])
    with pytest.raises(PermissionDenied):
        service_update(actor=cast.manager, service=service, price=1)


def test_deactivating_takes_the_service_off_sale(cast, api):
    service = ServiceFactory(locations=[cast.location])
    service_update(actor=cast.manager, service=service, is_active=False)
    service.refresh_from_db()
    assert service.is_active is False
    assert api(None).get(f"/api/v1/services/{service.pk}/").status_code == 404


def test_an_unknown_field_is_a_programming_error(cast):
    service = ServiceFactory(locations=[cast.location])
    with pytest.raises(TypeError):
        service_update(actor=cast.admin, service=service, colour="red")


def test_updating_keeps_a_history_of_changes(cast):
    service = create(cast, cast.admin)
    service_update(actor=cast.admin, service=service, price=Decimal("20000"))
    prices = [h.price for h in service.history.all()]
    assert Decimal("20000") in prices
    assert Decimal("15000") in prices
