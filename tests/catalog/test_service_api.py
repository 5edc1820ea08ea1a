"""POST/GET/PATCH /api/v1/services/: exact shapes, money strings, validation codes."""

from decimal import Decimal

import pytest

from autoagenda.accounts.models import Role
from autoagenda.catalog.models import Service
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import LocationFactory

SERVICE_KEYS = {
    "id",
    "name",
    "description",
    "duration_minutes",
    "buffer_minutes",
    "price",
    "currency",
    "prices",
    "tax_rate",
    "requires_mechanic",
    "locations",
    "mechanics",
    "repeat_months",
    "repeat_km",
    "is_active",
}


def body(cast, **overrides):
    data = {
        "name": "Cambio de aceite",
        "duration_minutes": 60,
        "price": "25000",
        "locations": [cast.location.pk],
        "mechanics": [],
        "requires_mechanic": True,
        "buffer_minutes": 15,
    }
    data.update(overrides)
    return data


def test_it_creates_a_service_and_answers_every_field(cast, api):
    response = api(cast.admin).post(
        "/api/v1/services/",
        body(
            cast,
            mechanics=[cast.mechanic.pk],
            description="Aceite 5W30 y filtro",
            tax_rate="19",
            repeat_months=6,
            repeat_km=10000,
        ),
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert set(data) == SERVICE_KEYS
    service = Service.objects.get()
    assert data == {
        "id": service.pk,
        "name": "Cambio de aceite",
        "description": "Aceite 5W30 y filtro",
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": "25000",
        "currency": "CLP",
        "prices": [],
        "tax_rate": "19.00",
        "requires_mechanic": True,
        "locations": [cast.location.pk],
        "mechanics": [cast.mechanic.pk],
        "repeat_months": 6,
        "repeat_km": 10000,
        "is_active": True,
    }
    assert service.price == Decimal("25000")


def test_it_accepts_the_price_as_a_number_and_answers_a_string(cast, api):
    response = api(cast.manager).post("/api/v1/services/", body(cast, price=18500), format="json")
    assert response.status_code == 201
    assert response.json()["price"] == "18500"
    assert Service.objects.get().price == Decimal("18500")


def test_it_renders_cents_for_a_currency_that_has_them(cast, api):
    madrid = {**body(cast, price=49.9), "locations": [cast.other_location.pk], "mechanics": []}
    response = api(cast.admin).post("/api/v1/services/", madrid, format="json")
    assert response.status_code == 201
    assert (response.json()["price"], response.json()["currency"]) == ("49.90", "EUR")


def test_it_refuses_decimals_the_currency_does_not_have(cast, api):
    response = api(cast.admin).post("/api/v1/services/", body(cast, price="25000.50"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["price"]
    assert not Service.objects.exists()


def test_the_optional_fields_take_their_defaults(cast, api):
    data = body(cast)
    del data["mechanics"], data["buffer_minutes"], data["requires_mechanic"]
    response = api(cast.admin).post("/api/v1/services/", data, format="json")
    assert response.status_code == 201
    answer = response.json()
    assert (answer["mechanics"], answer["buffer_minutes"], answer["requires_mechanic"]) == ([], 0, True)
    assert (answer["tax_rate"], answer["description"], answer["is_active"]) == ("0.00", "", True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("duration_minutes", 4),
        ("duration_minutes", 1441),
        ("duration_minutes", "an hour"),
        ("price", "-1"),
        ("price", "free"),
        ("tax_rate", "100.5"),
        ("tax_rate", -1),
        ("buffer_minutes", 241),
        ("buffer_minutes", -5),
        ("locations", []),
        ("locations", [999999]),
        ("requires_mechanic", "perhaps"),
        ("repeat_months", 0),
        ("repeat_km", 50),
    ],
)
def test_it_refuses_each_bad_field_with_an_error_on_that_field(cast, api, field, value):
    response = api(cast.admin).post("/api/v1/services/", body(cast, **{field: value}), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert not Service.objects.exists()


def test_it_reports_every_bad_field_at_once(cast, api):
    response = api(cast.admin).post(
        "/api/v1/services/", body(cast, name="", duration_minutes=2, price=-3, buffer_minutes=900), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "duration_minutes", "price", "buffer_minutes"}


def test_a_missing_required_field_is_invalid(cast, api):
    response = api(cast.admin).post("/api/v1/services/", {"name": "X"}, format="json")
    assert response.status_code == 400
    assert {"duration_minutes", "price", "locations"} <= set(response.json()["errors"])


def test_it_refuses_a_mechanic_who_does_not_work_at_the_services_locations(cast, api):
    response = api(cast.admin).post("/api/v1/services/", body(cast, mechanics=[cast.other_mechanic.pk]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["mechanics"]


@pytest.mark.parametrize("who", ["receptionist", "client", "admin"])
def test_it_refuses_someone_who_is_not_a_mechanic_as_mechanic(cast, api, who):
    response = api(cast.admin).post("/api/v1/services/", body(cast, mechanics=[getattr(cast, who).pk]), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["mechanics"]


def test_a_manager_cannot_offer_a_service_at_a_location_they_do_not_manage(cast, api):
    response = api(cast.manager).post(
        "/api/v1/services/", body(cast, locations=[cast.location.pk, cast.other_location.pk]), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Service.objects.exists()


def test_a_manager_of_two_locations_offers_a_service_at_both(cast, api):
    StaffFactory(role=Role.MANAGER, location=[cast.location, cast.other_location], email="two@example.com")
    from autoagenda.accounts.models import User

    both = User.objects.get(email="two@example.com")
    response = api(both).post(
        "/api/v1/services/", body(cast, locations=[cast.location.pk, cast.other_location.pk]), format="json"
    )
    assert response.status_code == 201
    assert sorted(response.json()["locations"]) == sorted([cast.location.pk, cast.other_location.pk])


def test_the_list_filters_by_location(cast, api):
    here = ServiceFactory(name="Alineación", locations=[cast.location])
    ServiceFactory(name="Frenos", locations=[cast.other_location])
    response = api(cast.admin).get(f"/api/v1/services/?location={cast.location.pk}")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["results"]] == [here.pk]


def test_a_malformed_location_filter_is_invalid(cast, api):
    response = api(cast.admin).get("/api/v1/services/?location=abc")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location"]


def test_anonymous_callers_see_only_the_active_catalog_of_active_locations(cast, api):
    on_sale = ServiceFactory(name="Diagnóstico", locations=[cast.location])
    ServiceFactory(name="Retirado", locations=[cast.location], is_active=False)
    closed = LocationFactory(is_active=False)
    ServiceFactory(name="En local cerrado", locations=[closed])
    response = api(None).get("/api/v1/services/")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["results"]] == [on_sale.pk]
    assert response.json()["results"][0]["price"] == "25000"


def test_staff_see_the_inactive_services_of_their_locations(cast, api):
    retired = ServiceFactory(name="Retirado", locations=[cast.location], is_active=False)
    ServiceFactory(name="Madrid", locations=[cast.other_location])
    response = api(cast.receptionist).get("/api/v1/services/")
    assert [s["id"] for s in response.json()["results"]] == [retired.pk]


def test_the_list_answers_in_a_bounded_number_of_queries(cast, api, django_assert_max_num_queries):
    mechanics = [StaffFactory(role=Role.MECHANIC, location=cast.location) for _ in range(3)]
    for n in range(15):
        ServiceFactory(name=f"S{n:02d}", locations=[cast.location, cast.other_location], mechanics=mechanics)
    client = api(cast.admin)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/services/")
    assert response.json()["count"] == 15
    assert all(len(s["mechanics"]) == 3 for s in response.json()["results"])


def test_the_detail_answers_the_same_shape_as_the_list(cast, api):
    service = ServiceFactory(locations=[cast.location], mechanics=[cast.mechanic])
    response = api(None).get(f"/api/v1/services/{service.pk}/")
    assert response.status_code == 200
    assert set(response.json()) == SERVICE_KEYS
    assert response.json()["mechanics"] == [cast.mechanic.pk]


def test_patch_changes_only_the_fields_given(cast, api):
    service = ServiceFactory(locations=[cast.location], duration_minutes=60, buffer_minutes=5)
    response = api(cast.manager).patch(
        f"/api/v1/services/{service.pk}/", {"price": 30000, "is_active": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["price"] == "30000"
    assert response.json()["is_active"] is False
    assert response.json()["duration_minutes"] == 60
    service.refresh_from_db()
    assert (service.price, service.is_active, service.buffer_minutes) == (Decimal("30000"), False, 5)


def test_patch_refuses_invalid_values_and_changes_nothing(cast, api):
    service = ServiceFactory(locations=[cast.location], duration_minutes=60)
    response = api(cast.admin).patch(
        f"/api/v1/services/{service.pk}/", {"duration_minutes": 3, "name": "Nuevo"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["duration_minutes"]
    service.refresh_from_db()
    assert service.duration_minutes == 60
    assert service.name != "Nuevo"


def test_moving_a_service_away_from_its_mechanics_location_is_refused(cast, api):
    service = ServiceFactory(locations=[cast.location], mechanics=[cast.mechanic])
    response = api(cast.admin).patch(
        f"/api/v1/services/{service.pk}/", {"locations": [cast.other_location.pk]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["mechanics"]
    assert list(service.locations.all()) == [cast.location]


def test_a_manager_cannot_move_a_service_to_a_location_they_do_not_manage(cast, api):
    service = ServiceFactory(locations=[cast.location])
    response = api(cast.manager).patch(
        f"/api/v1/services/{service.pk}/", {"locations": [cast.other_location.pk]}, format="json"
    )
    assert response.status_code == 403
    assert list(service.locations.all()) == [cast.location]


def test_put_is_not_allowed(cast, api):
    service = ServiceFactory(locations=[cast.location])
    response = api(cast.admin).put(f"/api/v1/services/{service.pk}/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_an_unknown_service_is_not_found(cast, api):
    response = api(cast.admin).get("/api/v1/services/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
