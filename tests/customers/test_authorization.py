"""Who may do what with vehicles: every role of the cast × own / another client's / anonymous.

The client is served at `cast.location` only: staff of the other location see neither the client nor their
vehicles (404, or the owner field's error for an id they may not see), exactly as if they did not exist.
"""

import pytest
from django.utils import timezone

from autoagenda.customers.models import Vehicle
from tests.accounts.factories import ClientLocationFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.matrix import ROLES, expect
from tests.scheduling.factories import AppointmentFactory


@pytest.fixture
def vehicle(cast):
    """The client's vehicle; the client is served at cast.location (the outsider is another client)."""
    ClientLocationFactory(client=cast.client, location=cast.location)
    return VehicleFactory(owner=cast.client, plate="CAST01")


@pytest.fixture
def booked_vehicle(cast, vehicle):
    """The same vehicle with history: one appointment at cast.location."""
    service = ServiceFactory(locations=[cast.location])
    AppointmentFactory(
        location=cast.location, service=service, client=cast.client, vehicle=vehicle, start=timezone.now()
    )
    return vehicle


def assert_web(response, status):
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/accounts/login/")


# --- API ---------------------------------------------------------------------

API_LIST = {**dict.fromkeys(ROLES, 200), "anonymous": 401}
SEES_THE_VEHICLE = {"admin", "manager", "receptionist", "mechanic", "client"}


@pytest.mark.parametrize(("who", "status"), expect(API_LIST))
def test_api_list_vehicles(cast, api, vehicle, who, status):
    response = api(cast.by_name(who)).get("/api/v1/vehicles/")
    assert response.status_code == status
    if status == 200:
        visible = [v["id"] for v in response.json()["results"]]
        assert (vehicle.pk in visible) == (who in SEES_THE_VEHICLE)


API_CREATE = {
    "admin": 201,
    "manager": 201,
    "receptionist": 201,
    "mechanic": 403,
    "client": 201,
    "outsider": 201,
    "other_manager": 400,  # the owner is a client they may not see: the same answer as an id that does not exist
    "other_receptionist": 400,
    "other_mechanic": 403,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), expect(API_CREATE))
def test_api_create_a_vehicle(cast, api, who, status):
    ClientLocationFactory(client=cast.client, location=cast.location)
    user = cast.by_name(who)
    body = {"make": "Kia", "model": "Rio", "plate": "NEW001"}
    if who not in ("client", "outsider"):
        body["owner"] = cast.client.pk
    response = api(user).post("/api/v1/vehicles/", body, format="json")
    assert response.status_code == status
    assert Vehicle.objects.filter(plate="NEW001").exists() == (status == 201)


API_READ = {**dict.fromkeys(ROLES, 200), "outsider": 404, "anonymous": 401}
API_READ.update(dict.fromkeys(("other_manager", "other_receptionist", "other_mechanic"), 404))


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
    "other_manager": 404,
    "other_receptionist": 404,
    "other_mechanic": 404,
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


@pytest.mark.parametrize(("who", "status"), expect({k: 409 if v == 200 else v for k, v in API_EDIT.items()}))
def test_api_delete_a_vehicle_with_history_is_refused(cast, api, booked_vehicle, who, status):
    response = api(cast.by_name(who)).delete(f"/api/v1/vehicles/{booked_vehicle.pk}/")
    assert response.status_code == status
    if status == 409:
        assert response.json()["code"] == "vehicle_has_history"
    assert Vehicle.objects.filter(pk=booked_vehicle.pk).exists()


@pytest.mark.parametrize("action", ["archive", "restore"])
@pytest.mark.parametrize(("who", "status"), expect(API_EDIT))
def test_api_archive_and_restore_a_vehicle(cast, api, booked_vehicle, who, status, action):
    if action == "restore":
        Vehicle.objects.filter(pk=booked_vehicle.pk).update(archived_at=timezone.now())
    response = api(cast.by_name(who)).post(f"/api/v1/vehicles/{booked_vehicle.pk}/{action}/")
    assert response.status_code == status
    booked_vehicle.refresh_from_db()
    changed = booked_vehicle.is_archived == (action == "archive")
    assert changed == (status == 200)


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
WEB_CREATE.update({"other_manager": 200, "other_receptionist": 200, "anonymous": 302})  # the empty form


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


@pytest.mark.parametrize("action", ["archive", "restore"])
@pytest.mark.parametrize(("who", "status"), expect({k: 302 if v == 200 else v for k, v in WEB_EDIT.items()}))
def test_web_vehicle_archive_and_restore(cast, web, booked_vehicle, who, status, action):
    if action == "restore":
        Vehicle.objects.filter(pk=booked_vehicle.pk).update(archived_at=timezone.now())
    response = web(cast.by_name(who)).post(f"/vehicles/{booked_vehicle.pk}/{action}/")
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/accounts/login/" if who == "anonymous" else "/vehicles/")
    booked_vehicle.refresh_from_db()
    changed = booked_vehicle.is_archived == (action == "archive")
    assert changed == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), expect({k: 409 if v == 200 else v for k, v in WEB_EDIT.items()}))
def test_web_vehicle_delete_post_with_history_is_refused(cast, web, booked_vehicle, who, status):
    response = web(cast.by_name(who)).post(f"/vehicles/{booked_vehicle.pk}/delete/")
    assert_web(response, status)
    assert Vehicle.objects.filter(pk=booked_vehicle.pk).exists()
