"""Who may do what with vehicles: every role of the cast × own / another client's / anonymous."""

import pytest

from autoagenda.customers.models import Vehicle
from tests.factories import VehicleFactory
from tests.matrix import ROLES, expect


@pytest.fixture
def vehicle(cast):
    """The client's vehicle (the outsider is another client)."""
    return VehicleFactory(owner=cast.client, plate="CAST01")


def assert_web(response, status):
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/accounts/login/")


# --- API ---------------------------------------------------------------------

API_LIST = {**dict.fromkeys(ROLES, 200), "anonymous": 401}


@pytest.mark.parametrize(("who", "status"), expect(API_LIST))
def test_api_list_vehicles(cast, api, vehicle, who, status):
    response = api(cast.by_name(who)).get("/api/v1/vehicles/")
    assert response.status_code == status
    if status == 200:
        visible = [v["id"] for v in response.json()["results"]]
        assert (vehicle.pk in visible) == (who != "outsider")


API_CREATE = {
    "admin": 201,
    "manager": 201,
    "receptionist": 201,
    "mechanic": 403,
    "client": 201,
    "outsider": 201,
    "other_manager": 201,
    "other_receptionist": 201,
    "other_mechanic": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), expect(API_CREATE))
def test_api_create_a_vehicle(cast, api, who, status):
    user = cast.by_name(who)
    body = {"make": "Kia", "model": "Rio", "plate": "NEW001"}
    if who not in ("client", "outsider"):
        body["owner"] = cast.client.pk
    response = api(user).post("/api/v1/vehicles/", body, format="json")
    assert response.status_code == status
    assert Vehicle.objects.filter(plate="NEW001").exists() == (status == 201)


API_READ = {**dict.fromkeys(ROLES, 200), "outsider": 404, "anonymous": 401}


@pytest.mark.parametrize(("who", "status"), expect(API_READ))
def test_api_read_a_vehicle(cast, api, vehicle, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/vehicles/{vehicle.pk}/").status_code == status


API_EDIT = {
    "admin": 200,
    "manager": 200,
    "receptionist": 200,
    "mechanic": 403,
    "client": 200,
    "outsider": 404,
    "other_manager": 200,
    "other_receptionist": 200,
    "other_mechanic": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), expect(API_EDIT))
def test_api_update_a_vehicle(cast, api, vehicle, who, status):
    response = api(cast.by_name(who)).patch(f"/api/v1/vehicles/{vehicle.pk}/", {"mileage": 7}, format="json")
    assert response.status_code == status
    vehicle.refresh_from_db()
    assert (vehicle.mileage == 7) == (status == 200)


@pytest.mark.parametrize(("who", "status"), expect({k: 204 if v == 200 else v for k, v in API_EDIT.items()}))
def test_api_delete_a_vehicle(cast, api, vehicle, who, status):
    assert api(cast.by_name(who)).delete(f"/api/v1/vehicles/{vehicle.pk}/").status_code == status
    assert Vehicle.objects.filter(pk=vehicle.pk).exists() == (status != 204)


@pytest.mark.parametrize(("who", "status"), expect(API_LIST))
def test_api_decode_a_vin(cast, api, who, status):
    assert api(cast.by_name(who)).get("/api/v1/vehicles/decode-vin/?vin=WVWZZZ1JZXW000001").status_code == status


# --- Web ---------------------------------------------------------------------

WEB_LIST = {**dict.fromkeys(ROLES, 200), "anonymous": 302}


@pytest.mark.parametrize(("who", "status"), expect(WEB_LIST))
def test_web_vehicle_list(cast, web, vehicle, who, status):
    assert_web(web(cast.by_name(who)).get("/vehicles/"), status)


@pytest.mark.parametrize(("who", "status"), expect(WEB_LIST))
def test_web_decode_vin(cast, web, who, status):
    assert_web(web(cast.by_name(who)).get("/vehicles/decode-vin/?vin=WVWZZZ1JZXW000001"), status)


WEB_CREATE = {**API_CREATE, "admin": 200, "manager": 200, "receptionist": 200, "client": 200, "outsider": 200}
WEB_CREATE.update({"other_manager": 200, "other_receptionist": 200, "anonymous": 302})


@pytest.mark.parametrize(("who", "status"), expect(WEB_CREATE))
def test_web_vehicle_create(cast, web, who, status):
    assert_web(web(cast.by_name(who)).get("/vehicles/new/"), status)


WEB_EDIT = {**API_EDIT, "anonymous": 302}


@pytest.mark.parametrize(("who", "status"), expect(WEB_EDIT))
def test_web_vehicle_edit(cast, web, vehicle, who, status):
    assert_web(web(cast.by_name(who)).get(f"/vehicles/{vehicle.pk}/"), status)


@pytest.mark.parametrize(("who", "status"), expect(WEB_EDIT))
def test_web_vehicle_delete_page(cast, web, vehicle, who, status):
    assert_web(web(cast.by_name(who)).get(f"/vehicles/{vehicle.pk}/delete/"), status)


@pytest.mark.parametrize(("who", "status"), expect({k: 302 if v == 200 else v for k, v in WEB_EDIT.items()}))
def test_web_vehicle_delete_post(cast, web, vehicle, who, status):
    response = web(cast.by_name(who)).post(f"/vehicles/{vehicle.pk}/delete/")
    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")
    assert Vehicle.objects.filter(pk=vehicle.pk).exists() == (status != 302 or who == "anonymous")
