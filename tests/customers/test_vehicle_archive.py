"""A vehicle with history is archived, never deleted: out of the booking choices, still on its appointments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.customers import services
from autoagenda.customers.models import Vehicle
from autoagenda.scheduling.models import Appointment
from tests.accounts.factories import ClientLocationFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SANTIAGO)


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location])


@pytest.fixture
def booked(cast, service):
    ClientLocationFactory(client=cast.client, location=cast.location)
    vehicle = VehicleFactory(owner=cast.client, plate="HIST01")
    appointment = AppointmentFactory(
        location=cast.location,
        service=service,
        client=cast.client,
        vehicle=vehicle,
        start=datetime(2026, 11, 20, 9, 0, tzinfo=SANTIAGO),
        status="completed",
    )
    vehicle.appointment = appointment
    return vehicle


def test_deleting_a_vehicle_with_history_is_a_409_that_changes_nothing(cast, api, booked):
    response = api(cast.client).delete(f"/api/v1/vehicles/{booked.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "vehicle_has_history"
    assert "Archive it instead" in response.json()["detail"]
    assert Appointment.objects.get(pk=booked.appointment.pk).vehicle_id == booked.pk


def test_the_database_refuses_to_delete_a_vehicle_with_history(booked):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Vehicle.objects.filter(pk=booked.pk).delete()


def test_a_vehicle_never_booked_is_deleted(cast, api):
    vehicle = VehicleFactory(owner=cast.client)
    assert api(cast.client).delete(f"/api/v1/vehicles/{vehicle.pk}/").status_code == 204
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_archiving_keeps_the_vehicle_on_its_appointments_and_twice_keeps_the_first_date(cast, api, booked):
    first = api(cast.client).post(f"/api/v1/vehicles/{booked.pk}/archive/")
    assert first.status_code == 200
    assert first.json()["archived_at"] is not None
    with time_machine.travel(datetime(2026, 12, 5, tzinfo=SANTIAGO), tick=False):
        again = api(cast.client).post(f"/api/v1/vehicles/{booked.pk}/archive/")
    assert again.json()["archived_at"] == first.json()["archived_at"]
    assert Appointment.objects.get(pk=booked.appointment.pk).vehicle_id == booked.pk
    restored = api(cast.client).post(f"/api/v1/vehicles/{booked.pk}/restore/")
    assert restored.json()["archived_at"] is None


def test_the_list_filters_archived_vehicles(cast, api, booked):
    services.vehicle_archive(actor=cast.client, vehicle=booked)
    other = VehicleFactory(owner=cast.client, plate="LIVE01")
    client = api(cast.client)
    assert [v["id"] for v in client.get("/api/v1/vehicles/?archived=false").json()["results"]] == [other.pk]
    assert [v["id"] for v in client.get("/api/v1/vehicles/?archived=true").json()["results"]] == [booked.pk]
    assert len(client.get("/api/v1/vehicles/").json()["results"]) == 2
    bad = client.get("/api/v1/vehicles/?archived=maybe")
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["archived"]


def test_an_archived_vehicle_cannot_be_booked(cast, api, service, booked):
    services.vehicle_archive(actor=cast.client, vehicle=booked)
    body = {"location": cast.location.pk, "service": service.pk, "start": "2026-12-01T09:00:00-03:00"}
    response = api(cast.client).post("/api/v1/appointments/", {**body, "vehicle": booked.pk}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["vehicle"]
    assert not Appointment.objects.filter(start__gt=NOW).exists()


def test_archived_vehicles_drop_out_of_the_booking_choices(cast, web, service, booked):
    services.vehicle_archive(actor=cast.client, vehicle=booked)
    live = VehicleFactory(owner=cast.client, plate="LIVE01")
    location = cast.location
    location.sector = "automotive"
    location.save()
    own = web(cast.client).get(f"/book/{location.pk}/vehicle/")
    assert [c["vehicle"] for c in own.context["choices"]] == [live]
    desk = web(cast.receptionist).get(f"/calendar/{location.pk}/new/?client={cast.client.pk}")
    assert desk.context["vehicles"] == [live]


def test_the_delete_page_of_a_vehicle_with_history_offers_the_archive(cast, web, booked):
    html = web(cast.client).get(f"/vehicles/{booked.pk}/delete/").content.decode()
    assert f'action="/vehicles/{booked.pk}/archive/"' in html
    assert "btn--danger" not in html
