"""/api/v1/vehicles/: clients add their own, the front desk adds clients'; plates normalised, VINs decoded."""

import pytest
import time_machine

from autoagenda.customers.models import Vehicle
from autoagenda.locations.models import Location, Sector
from tests.accounts.factories import ClientLocationFactory, UserFactory
from tests.customers.factories import VehicleFactory


@pytest.fixture(autouse=True)
def _both_clients_served_here(cast):
    """The client and the outsider are both clients of cast.location, so its front desk sees them;
    which staff see which clients is tests/customers/test_authorization.py's and test_client_scope.py's."""
    ClientLocationFactory(client=cast.client, location=cast.location)
    ClientLocationFactory(client=cast.outsider, location=cast.location)


VEHICLE_KEYS = {
    "id",
    "archived_at",
    "owner",
    "make",
    "model",
    "year",
    "plate",
    "vin",
    "mileage",
    "color",
    "notes",
    "vin_manufacturer",
    "vin_country",
}


def body(**overrides):
    data = {"make": "Honda", "model": "Accord", "year": 2003, "plate": "bb-cl 45", "vin": "", "mileage": 120000}
    data.update(overrides)
    return data


def test_a_client_adds_their_own_vehicle(cast, api):
    response = api(cast.client).post("/api/v1/vehicles/", body(vin="1HGCM82633A004352"), format="json")
    assert response.status_code == 201
    vehicle = Vehicle.objects.get()
    assert response.json() == {
        "id": vehicle.pk,
        "owner": cast.client.pk,
        "make": "Honda",
        "model": "Accord",
        "year": 2003,
        "plate": "BBCL45",
        "vin": "1HGCM82633A004352",
        "mileage": 120000,
        "color": "",
        "notes": "",
        "vin_manufacturer": "Honda",
        "vin_country": "United States",
        "archived_at": None,
    }


@pytest.mark.parametrize("raw", ["bb-cl 45", "BB.CL.45", " bbcl45 ", "BB - CL - 45"])
def test_plates_are_stored_upper_case_without_spaces_dots_or_dashes(cast, api, raw):
    response = api(cast.client).post("/api/v1/vehicles/", body(plate=raw), format="json")
    assert response.status_code == 201
    assert response.json()["plate"] == "BBCL45"


def test_a_client_cannot_register_the_same_plate_twice(cast, api):
    VehicleFactory(owner=cast.client, plate="BBCL45")
    response = api(cast.client).post("/api/v1/vehicles/", body(plate="bb-cl-45"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["plate"]
    assert Vehicle.objects.count() == 1


def test_two_clients_may_share_a_plate(cast, api):
    VehicleFactory(owner=cast.outsider, plate="BBCL45")
    assert api(cast.client).post("/api/v1/vehicles/", body(), format="json").status_code == 201


def test_a_european_vin_is_accepted_and_decoded(cast, api):
    response = api(cast.client).post("/api/v1/vehicles/", body(vin="WVWZZZ1JZXW000001"), format="json")
    assert response.status_code == 201
    assert (response.json()["vin_manufacturer"], response.json()["vin_country"]) == ("Volkswagen", "Germany")


@pytest.mark.parametrize("vin", ["1HGCM82643A004352", "1HGCM82633A00435", "WVWZZZ1JZXW00000O"])
def test_an_invalid_vin_is_refused_with_a_message(cast, api, vin):
    response = api(cast.client).post("/api/v1/vehicles/", body(vin=vin), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["vin"]
    assert response.json()["errors"]["vin"][0]
    assert not Vehicle.objects.exists()


@time_machine.travel("2026-06-01T12:00:00Z", tick=False)
@pytest.mark.parametrize(("year", "ok"), [(1900, True), (2027, True), (1899, False), (2028, False), ("old", False)])
def test_the_year_runs_from_1900_to_next_year(cast, api, year, ok):
    response = api(cast.client).post("/api/v1/vehicles/", body(year=year), format="json")
    assert response.status_code == (201 if ok else 400)
    if not ok:
        assert list(response.json()["errors"]) == ["year"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("mileage", -1), ("make", ""), ("model", ""), ("plate", ""), ("plate", "#!"), ("plate", "A")],
)
def test_it_refuses_each_bad_field_with_an_error_on_that_field(cast, api, field, value):
    response = api(cast.client).post("/api/v1/vehicles/", body(**{field: value}), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


def test_year_vin_and_mileage_are_optional(cast, api):
    response = api(cast.client).post(
        "/api/v1/vehicles/", {"make": "Fiat", "model": "Uno", "plate": "XY1234"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["year"], response.json()["vin"], response.json()["mileage"]) == (None, "", None)


def test_the_front_desk_adds_a_vehicle_for_a_client(cast, api):
    response = api(cast.receptionist).post("/api/v1/vehicles/", body(owner=cast.client.pk), format="json")
    assert response.status_code == 201
    assert response.json()["owner"] == cast.client.pk


def test_staff_must_say_whose_vehicle_it_is(cast, api):
    response = api(cast.manager).post("/api/v1/vehicles/", body(), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]


@pytest.mark.parametrize("who", ["mechanic", "receptionist"])
def test_the_owner_must_be_a_client(cast, api, who):
    response = api(cast.admin).post("/api/v1/vehicles/", body(owner=getattr(cast, who).pk), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]


def test_an_unknown_owner_is_invalid(cast, api):
    response = api(cast.admin).post("/api/v1/vehicles/", body(owner=999999), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]


def test_a_client_cannot_add_a_vehicle_for_someone_else(cast, api):
    response = api(cast.client).post("/api/v1/vehicles/", body(owner=cast.outsider.pk), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]
    assert not Vehicle.objects.exists()


def test_a_client_lists_only_their_own_vehicles(cast, api):
    mine = VehicleFactory(owner=cast.client)
    VehicleFactory(owner=cast.outsider)
    response = api(cast.client).get("/api/v1/vehicles/")
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["results"]] == [mine.pk]
    assert set(response.json()["results"][0]) == VEHICLE_KEYS


def test_staff_search_by_owner_and_by_plate(cast, api):
    a = VehicleFactory(owner=cast.client, plate="AAAA11")
    b = VehicleFactory(owner=cast.outsider, plate="BBBB22")
    client = api(cast.receptionist)
    by_owner = client.get(f"/api/v1/vehicles/?owner={cast.outsider.pk}").json()["results"]
    assert [v["id"] for v in by_owner] == [b.pk]
    by_plate = client.get("/api/v1/vehicles/?plate=aa-aa").json()["results"]
    assert [v["id"] for v in by_plate] == [a.pk]


def test_a_malformed_owner_filter_is_invalid(cast, api):
    response = api(cast.admin).get("/api/v1/vehicles/?owner=me")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]


def test_the_list_answers_in_a_bounded_number_of_queries(cast, api, django_assert_max_num_queries):
    for n in range(25):
        VehicleFactory(owner=UserFactory(), plate=f"QQ{n:04d}")
    client = api(cast.admin)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/vehicles/")
    assert response.json()["count"] == 25


def test_patch_changes_the_vehicle_and_normalises_again(cast, api):
    vehicle = VehicleFactory(owner=cast.client, plate="AAAA11", mileage=1000)
    response = api(cast.client).patch(
        f"/api/v1/vehicles/{vehicle.pk}/", {"mileage": 2500, "plate": "zz-zz 99"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["mileage"], response.json()["plate"]) == (2500, "ZZZZ99")
    vehicle.refresh_from_db()
    assert (vehicle.mileage, vehicle.plate) == (2500, "ZZZZ99")


def test_patch_with_a_vin_decodes_it_and_clearing_it_clears_the_hints(cast, api):
    vehicle = VehicleFactory(owner=cast.client)
    client = api(cast.client)
    assert (
        client.patch(f"/api/v1/vehicles/{vehicle.pk}/", {"vin": "1HGCM82633A004352"}, format="json").json()[
            "vin_manufacturer"
        ]
        == "Honda"
    )
    cleared = client.patch(f"/api/v1/vehicles/{vehicle.pk}/", {"vin": ""}, format="json").json()
    assert (cleared["vin"], cleared["vin_manufacturer"], cleared["vin_country"]) == ("", "", "")


def test_patch_refuses_a_bad_value_and_changes_nothing(cast, api):
    vehicle = VehicleFactory(owner=cast.client, plate="AAAA11", mileage=1000)
    VehicleFactory(owner=cast.client, plate="BBBB22")
    response = api(cast.client).patch(
        f"/api/v1/vehicles/{vehicle.pk}/", {"mileage": 5, "plate": "BBBB22"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["plate"]
    vehicle.refresh_from_db()
    assert (vehicle.mileage, vehicle.plate) == (1000, "AAAA11")


def test_the_owner_of_a_vehicle_does_not_change_on_patch(cast, api):
    vehicle = VehicleFactory(owner=cast.client)
    response = api(cast.admin).patch(f"/api/v1/vehicles/{vehicle.pk}/", {"owner": cast.outsider.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["owner"] == cast.client.pk


def test_delete_removes_the_vehicle(cast, api):
    vehicle = VehicleFactory(owner=cast.client)
    response = api(cast.client).delete(f"/api/v1/vehicles/{vehicle.pk}/")
    assert response.status_code == 204
    assert not Vehicle.objects.exists()


def test_another_clients_vehicle_is_not_found(cast, api):
    vehicle = VehicleFactory(owner=cast.outsider)
    client = api(cast.client)
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(f"/api/v1/vehicles/{vehicle.pk}/", {}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_the_api_keeps_working_when_no_location_is_automotive(cast, api):
    Location.objects.update(sector=Sector.GENERAL)
    response = api(cast.client).post("/api/v1/vehicles/", body(), format="json")
    assert response.status_code == 201
    assert api(cast.client).get("/api/v1/vehicles/").json()["count"] == 1


def test_vehicles_keep_a_history(cast, api):
    vehicle = VehicleFactory(owner=cast.client, mileage=10)
    api(cast.client).patch(f"/api/v1/vehicles/{vehicle.pk}/", {"mileage": 20}, format="json")
    assert sorted(h.mileage for h in vehicle.history.all()) == [10, 20]
