"""/api/v1/appointments/: booking, listing, cancelling, rescheduling and the status pipeline, black-box.

The clock is fixed at Monday 2026-11-30 12:00 in Santiago; the cast's location has the factory's hours
(Monday–Friday 09:00–13:00 and 14:00–18:00, 30-minute steps, 60 minutes notice, 120 minutes cancellation window)
and `cast.mechanic` is its only mechanic unless a test adds one.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import Role
from autoagenda.scheduling.models import Appointment, AppointmentStatus, AppointmentStatusChange
from tests.accounts.factories import ClientLocationFactory, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.locations.factories import LocationFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SCL)
NINE = "2026-12-01T09:00:00-03:00"
TEN = "2026-12-01T10:00:00-03:00"


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _client_served_here(cast):
    """cast.client is a client of cast.location, so its desk may book for them (test_client_scope.py: who may)."""
    ClientLocationFactory(client=cast.client, location=cast.location)


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], duration_minutes=60)


def book(caller, location, service, start, **extra):
    body = {"location": location.pk, "service": service.pk, "start": start, **extra}
    return caller.post("/api/v1/appointments/", body, format="json")


def booked(caller, location, service, start, **extra):
    response = book(caller, location, service, start, **extra)
    assert response.status_code == 201, response.content
    return response.json()


def availability(api, location, service, day="2026-12-01"):
    response = api(None).get(
        f"/api/v1/locations/{location.pk}/availability/", {"service": service.pk, "from": day, "to": day}
    )
    assert response.status_code == 200
    return [slot["start"] for slot in response.json()["slots"]]


def assert_invalid(response, *fields):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert sorted(response.json()["errors"]) == sorted(fields)


# --- Booking ----------------------------------------------------------------------------------


def test_a_client_books_an_offered_slot_and_gets_it_back_confirmed(cast, api, service):
    vehicle = VehicleFactory(owner=cast.client)
    response = book(api(cast.client), cast.location, service, NINE, vehicle=vehicle.pk, notes="Ruido al frenar")
    assert response.status_code == 201
    appointment = Appointment.objects.get()
    assert response.json() == {
        "id": appointment.pk,
        "status": "confirmed",
        "start": NINE,
        "end": "2026-12-01T10:00:00-03:00",
        "location": cast.location.pk,
        "service": service.pk,
        "mechanic": cast.mechanic.pk,
        "client": cast.client.pk,
        "vehicle": vehicle.pk,
        "notes": "Ruido al frenar",
    }
    assert appointment.created_by == cast.client
    assert AppointmentStatusChange.objects.get(appointment=appointment).to_status == "confirmed"


def test_a_start_in_another_offset_is_the_same_instant_answered_in_the_locations_offset(cast, api, service):
    body = booked(api(cast.client), cast.location, service, "2026-12-01T12:00:00Z")
    assert body["start"] == NINE


def test_a_client_may_name_themselves_as_the_client(cast, api, service):
    assert booked(api(cast.client), cast.location, service, NINE, client=cast.client.pk)["client"] == cast.client.pk


def test_a_client_naming_another_client_is_refused_on_the_client_field(cast, api, service):
    assert_invalid(book(api(cast.client), cast.location, service, NINE, client=cast.outsider.pk), "client")
    assert not Appointment.objects.exists()


def test_staff_book_for_the_client_they_name(cast, api, service):
    body = booked(api(cast.receptionist), cast.location, service, NINE, client=cast.client.pk)
    assert body["client"] == cast.client.pk
    assert Appointment.objects.get().created_by == cast.receptionist


def test_staff_must_name_a_client(cast, api, service):
    assert_invalid(book(api(cast.receptionist), cast.location, service, NINE), "client")


def test_staff_cannot_book_for_a_staff_member(cast, api, service):
    assert_invalid(book(api(cast.manager), cast.location, service, NINE, client=cast.receptionist.pk), "client")


def test_a_chosen_mechanic_is_assigned(cast, api, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    assert booked(api(cast.client), cast.location, service, NINE, mechanic=second.pk)["mechanic"] == second.pk


def test_without_a_choice_the_mechanic_with_fewest_bookings_that_day_is_assigned(cast, api, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    first, later = sorted([cast.mechanic, second], key=lambda u: u.pk)
    # Tie (no bookings): the lowest id.
    assert booked(api(UserFactory()), cast.location, service, NINE)["mechanic"] == first.pk
    # Now `first` has one booking that day: `later` gets the next one, even at a time both are free.
    assert booked(api(UserFactory()), cast.location, service, "2026-12-01T15:00:00-03:00")["mechanic"] == later.pk
    # One each again: the tie goes back to the lowest id.
    assert booked(api(UserFactory()), cast.location, service, "2026-12-01T16:00:00-03:00")["mechanic"] == first.pk


def test_bookings_on_another_day_do_not_count_for_the_assignment(cast, api, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    first = min(cast.mechanic, second, key=lambda u: u.pk)
    booked(api(UserFactory()), cast.location, service, "2026-12-02T09:00:00-03:00", mechanic=first.pk)
    assert booked(api(UserFactory()), cast.location, service, NINE)["mechanic"] == first.pk


def test_a_service_that_needs_no_mechanic_is_booked_without_one(cast, api):
    wash = ServiceFactory(locations=[cast.location], requires_mechanic=False, duration_minutes=30)
    body = booked(api(cast.client), cast.location, wash, NINE)
    assert body["mechanic"] is None
    assert body["end"] == "2026-12-01T09:30:00-03:00"


def test_naming_a_mechanic_for_a_service_that_needs_none_is_refused(cast, api):
    wash = ServiceFactory(locations=[cast.location], requires_mechanic=False)
    assert_invalid(book(api(cast.client), cast.location, wash, NINE, mechanic=cast.mechanic.pk), "mechanic")


def test_naming_a_mechanic_of_another_location_is_refused(cast, api, service):
    assert_invalid(book(api(cast.client), cast.location, service, NINE, mechanic=cast.other_mechanic.pk), "mechanic")


def test_a_vehicle_that_is_not_the_clients_is_refused(cast, api, service):
    theirs = VehicleFactory(owner=cast.outsider)
    assert_invalid(book(api(cast.client), cast.location, service, NINE, vehicle=theirs.pk), "vehicle")
    assert_invalid(
        book(api(cast.receptionist), cast.location, service, NINE, client=cast.client.pk, vehicle=theirs.pk), "vehicle"
    )


def test_every_unknown_reference_is_reported_at_once(cast, api, service):
    response = book(api(cast.client), cast.location, service, NINE, vehicle=987654, mechanic=987655)
    assert_invalid(response, "vehicle", "mechanic")


@pytest.mark.parametrize("which", ["unknown", "elsewhere", "inactive"])
def test_a_service_not_offered_at_the_location_is_refused(cast, api, service, which):
    service_id = {
        "unknown": lambda: 987654,
        "elsewhere": lambda: ServiceFactory(locations=[LocationFactory()]).pk,
        "inactive": lambda: ServiceFactory(locations=[cast.location], is_active=False).pk,
    }[which]()
    body = {"location": cast.location.pk, "service": service_id, "start": NINE}
    assert_invalid(api(cast.client).post("/api/v1/appointments/", body, format="json"), "service")
    assert_invalid(api(cast.manager).post("/api/v1/appointments/", {**body, "client": cast.client.pk}), "service")


def test_an_unknown_or_invisible_location_is_not_found(cast, api, service):
    response = api(cast.client).post(
        "/api/v1/appointments/", {"location": 987654, "service": service.pk, "start": NINE}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert book(api(cast.other_receptionist), cast.location, service, NINE, client=cast.client.pk).status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"start": "2026-12-01T09:00:00"}, ["start"]),  # naive: which zone would it be?
        ({"start": "2026-12-01"}, ["start"]),
        ({"start": "tomorrow at nine"}, ["start"]),
        ({"start": "2026-02-30T09:00:00-03:00"}, ["start"]),
        ({"start": None}, ["start"]),
        ({"start": 1764590400}, ["start"]),
        ({"start": "0001-01-01T00:00:00+00:00"}, ["start"]),  # out of range, not a server error
        ({"start": "9999-12-31T23:00:00+00:00"}, ["start"]),
        ({"start": "2199-12-31T23:30:00+14:00"}, ["start"]),  # after 2100 (core.bounds)
        ({"start": "1999-12-31T09:00:00-03:00"}, ["start"]),  # before 2000
        ({"start": "2026-12-01T12:99:00-03:00"}, ["start"]),
        ({"start": NINE, "location": "here"}, ["location"]),
        ({"start": NINE, "service": None}, ["service"]),
        ({"start": NINE, "mechanic": "any"}, ["mechanic"]),
        ({"start": NINE, "vehicle": 99999999999}, ["vehicle"]),
        ({"start": NINE, "notes": "x" * 2001}, ["notes"]),
    ],
)
def test_malformed_input_is_refused_with_an_error_on_the_field(cast, api, service, body, fields):
    full = {"location": cast.location.pk, "service": service.pk, **body}
    assert_invalid(api(cast.client).post("/api/v1/appointments/", full, format="json"), *fields)
    assert not Appointment.objects.exists()


def test_missing_fields_are_all_reported(cast, api):
    assert_invalid(api(cast.client).post("/api/v1/appointments/", {}, format="json"), "location", "service", "start")


def test_malformed_json_is_a_parse_error(cast, api):
    response = api(cast.client).post("/api/v1/appointments/", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "start",
    [
        "2026-12-01T09:10:00-03:00",  # off the grid
        "2026-12-01T09:00:30-03:00",  # seconds off the grid
        "2026-12-01T12:30:00-03:00",  # would run into the lunch break
        "2026-12-01T19:00:00-03:00",  # after closing
        "2026-12-05T10:00:00-03:00",  # Saturday: closed
        "2026-11-30T12:00:00-03:00",  # now: inside the notice
        "2026-11-27T10:00:00-03:00",  # in the past
        "2027-03-01T10:00:00-03:00",  # past the 60-day horizon
        "2026-12-08T10:00:00-03:00",  # Immaculate Conception, a Chilean public holiday
        "2100-12-31T23:30:00+14:00",  # far away, still no error
    ],
)
def test_a_well_formed_start_that_is_not_offered_is_a_conflict(cast, api, service, start):
    response = book(api(cast.client), cast.location, service, start)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "slot_unavailable"
    assert not Appointment.objects.exists()


def test_booking_a_taken_slot_is_a_conflict(cast, api, service):
    booked(api(cast.client), cast.location, service, NINE)
    response = book(api(cast.outsider), cast.location, service, "2026-12-01T09:30:00-03:00")
    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
    assert Appointment.objects.count() == 1


def test_a_full_hour_is_capacity_reached_and_a_busy_mechanic_slot_unavailable(cast, api, service):
    StaffFactory(role=Role.MECHANIC, location=cast.location)
    cast.location.max_appointments_per_hour = 1
    cast.location.save()
    booked(api(cast.client), cast.location, service, TEN, mechanic=cast.mechanic.pk)
    # Another mechanic is free at 10:30: only the hour's capacity is missing.
    response = book(api(cast.outsider), cast.location, service, "2026-12-01T10:30:00-03:00")
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_reached"
    # Asking for the busy mechanic at 10:30 is about the mechanic, not only the capacity.
    response = book(api(cast.outsider), cast.location, service, "2026-12-01T10:30:00-03:00", mechanic=cast.mechanic.pk)
    assert response.json()["code"] == "slot_unavailable"
    assert booked(api(cast.outsider), cast.location, service, "2026-12-01T11:00:00-03:00")


def test_a_full_day_is_capacity_reached(cast, api, service):
    StaffFactory(role=Role.MECHANIC, location=cast.location)
    cast.location.max_appointments_per_day = 2
    cast.location.save()
    booked(api(UserFactory()), cast.location, service, NINE)
    booked(api(UserFactory()), cast.location, service, TEN)
    response = book(api(cast.client), cast.location, service, "2026-12-01T15:00:00-03:00")
    assert response.status_code == 409
    assert response.json()["code"] == "capacity_reached"
    assert booked(api(cast.client), cast.location, service, "2026-12-02T15:00:00-03:00")


def test_a_booking_exactly_at_the_notice_succeeds(cast, api, service):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=SCL), tick=False):
        assert book(api(cast.client), cast.location, service, NINE).status_code == 201


def test_a_booking_a_second_inside_the_notice_is_a_conflict(cast, api, service):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, 1, tzinfo=SCL), tick=False):
        assert book(api(cast.client), cast.location, service, NINE).json()["code"] == "slot_unavailable"


def test_booking_on_santiagos_spring_forward_day_keeps_the_real_duration(api):
    place = LocationFactory(hours=[(7, 0, 240)])
    StaffFactory(role=Role.MECHANIC, location=place)
    service = ServiceFactory(locations=[place], duration_minutes=60)
    with time_machine.travel(datetime(2026, 9, 1, 12, tzinfo=SCL), tick=False):
        # 00:30 at the old offset is the instant the clocks already show as 01:30 at the new one.
        body = booked(api(UserFactory()), place, service, "2026-09-06T00:30:00-04:00")
    assert (body["start"], body["end"]) == ("2026-09-06T01:30:00-03:00", "2026-09-06T02:30:00-03:00")


# --- Listing and reading ----------------------------------------------------------------------


def test_the_list_shows_the_callers_appointments_paginated_and_ascending(cast, api, service):
    later = booked(api(cast.client), cast.location, service, "2026-12-02T09:00:00-03:00")
    sooner = booked(api(cast.client), cast.location, service, NINE)
    booked(api(cast.outsider), cast.location, service, "2026-12-03T09:00:00-03:00")
    response = api(cast.client).get("/api/v1/appointments/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert [row["id"] for row in body["results"]] == [sooner["id"], later["id"]]
    assert body["results"][0] == sooner
    assert api(cast.receptionist).get("/api/v1/appointments/").json()["count"] == 3
    assert api(cast.other_receptionist).get("/api/v1/appointments/").json()["count"] == 0


def test_the_list_filters_by_local_dates_inclusive_location_and_status(cast, api, service):
    ids = {}
    for day in ("01", "02", "03"):
        ids[day] = booked(api(cast.client), cast.location, service, f"2026-12-{day}T17:00:00-03:00")["id"]
    staff = api(cast.manager)
    # 17:00 in Santiago is 20:00 UTC, still the same local date.
    found = staff.get("/api/v1/appointments/", {"from": "2026-12-02", "to": "2026-12-03"}).json()["results"]
    assert [row["id"] for row in found] == [ids["02"], ids["03"]]
    found = staff.get("/api/v1/appointments/", {"from": "2026-12-02", "to": "2026-12-02"}).json()["results"]
    assert [row["id"] for row in found] == [ids["02"]]
    assert staff.post(f"/api/v1/appointments/{ids['01']}/cancel/", {}).status_code == 200
    found = staff.get("/api/v1/appointments/", {"status": "cancelled"}).json()["results"]
    assert [row["id"] for row in found] == [ids["01"]]
    assert staff.get("/api/v1/appointments/", {"location": cast.location.pk}).json()["count"] == 3
    assert api(cast.admin).get("/api/v1/appointments/", {"location": cast.other_location.pk}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to"),
        ({"status": "lost"}, "status"),
        ({"location": "main"}, "location"),
        ({"location": "9223372036854775808"}, "location"),  # not a 64-bit id
        ({"location": "0"}, "location"),
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
    ],
)
def test_bad_list_filters_are_refused(cast, api, params, field):
    response = api(cast.manager).get("/api/v1/appointments/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


def test_the_list_costs_the_same_queries_for_many_appointments(cast, api, service, django_assert_max_num_queries):
    for _ in range(3):
        StaffFactory(role=Role.MECHANIC, location=cast.location)
    for hour in (9, 10, 11, 14, 15, 16):
        for _ in range(4):
            booked(api(UserFactory()), cast.location, service, f"2026-12-01T{hour:02d}:00:00-03:00")
    manager = api(cast.manager)
    with django_assert_max_num_queries(3):
        response = manager.get("/api/v1/appointments/")
    assert response.json()["count"] == 24


def test_one_appointment_reads_back_the_same_as_when_booked(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    response = api(cast.client).get(f"/api/v1/appointments/{body['id']}/")
    assert response.status_code == 200
    assert response.json() == body


def test_a_madrid_appointment_answers_in_madrids_offset(cast, api):
    service = ServiceFactory(locations=[cast.other_location])
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=ZoneInfo("Europe/Madrid")), tick=False):
        body = booked(api(cast.client), cast.other_location, service, "2026-12-01T08:00:00Z")
    assert (body["start"], body["end"]) == ("2026-12-01T09:00:00+01:00", "2026-12-01T10:00:00+01:00")
    assert body["mechanic"] == cast.other_mechanic.pk


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_answers_the_appointment_and_frees_the_slot(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    assert NINE not in availability(api, cast.location, service)
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {"note": "Viaje"}, format="json")
    assert response.status_code == 200
    assert response.json() == {**body, "status": "cancelled"}
    assert NINE in availability(api, cast.location, service)
    assert AppointmentStatusChange.objects.filter(
        appointment_id=body["id"], to_status="cancelled", note="Viaje"
    ).exists()


def test_a_client_cannot_cancel_inside_the_window_but_staff_can(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    # The window is 120 minutes: at 07:00:01 there is less than that left.
    with time_machine.travel(datetime(2026, 12, 1, 7, 0, 1, tzinfo=SCL), tick=False):
        response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {})
        assert response.status_code == 409
        assert response.json()["code"] == "cancellation_window_passed"
        assert Appointment.objects.get().status == "confirmed"
        assert api(cast.receptionist).post(f"/api/v1/appointments/{body['id']}/cancel/", {}).status_code == 200


def test_a_client_may_cancel_exactly_at_the_window(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    with time_machine.travel(datetime(2026, 12, 1, 7, 0, tzinfo=SCL), tick=False):
        assert api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {}).status_code == 200


def test_cancelling_twice_is_an_invalid_transition(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    assert api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {}).status_code == 200
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_a_cancel_note_longer_than_500_characters_is_refused(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/cancel/", {"note": "x" * 501}, format="json")
    assert_invalid(response, "note")


# --- Rescheduling ----------------------------------------------------------------------------------


def test_rescheduling_moves_the_appointment_and_the_free_slots(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/reschedule/", {"start": TEN}, format="json")
    assert response.status_code == 200
    assert response.json() == {**body, "start": TEN, "end": "2026-12-01T11:00:00-03:00"}
    free = availability(api, cast.location, service)
    assert NINE in free
    assert TEN not in free


def test_rescheduling_may_overlap_the_appointment_itself(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    later = "2026-12-01T09:30:00-03:00"
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/reschedule/", {"start": later}, format="json")
    assert response.status_code == 200
    assert response.json()["start"] == later


def test_rescheduling_to_a_taken_slot_is_a_conflict_and_changes_nothing(cast, api, service):
    mine = booked(api(cast.client), cast.location, service, NINE)
    booked(api(cast.outsider), cast.location, service, TEN)
    response = api(cast.client).post(f"/api/v1/appointments/{mine['id']}/reschedule/", {"start": TEN}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
    assert api(cast.client).get(f"/api/v1/appointments/{mine['id']}/").json()["start"] == NINE


def test_rescheduling_to_a_chosen_mechanic(cast, api, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    body = booked(api(cast.client), cast.location, service, NINE, mechanic=cast.mechanic.pk)
    response = api(cast.manager).post(
        f"/api/v1/appointments/{body['id']}/reschedule/", {"start": NINE, "mechanic": second.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["mechanic"] == second.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "start"),
        ({"start": "2026-12-01T10:00:00"}, "start"),
        ({"start": "soon"}, "start"),
        ({"start": TEN, "mechanic": "x"}, "mechanic"),
        ({"start": TEN, "mechanic": 987654}, "mechanic"),
        ({"start": "9999-12-31T23:00:00+00:00"}, "start"),
    ],
)
def test_bad_reschedule_input_is_refused(cast, api, service, payload, field):
    body = booked(api(cast.client), cast.location, service, NINE)
    response = api(cast.client).post(f"/api/v1/appointments/{body['id']}/reschedule/", payload, format="json")
    assert_invalid(response, field)


def test_a_client_cannot_reschedule_inside_the_window(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    with time_machine.travel(datetime(2026, 12, 1, 7, 30, tzinfo=SCL), tick=False):
        response = api(cast.client).post(
            f"/api/v1/appointments/{body['id']}/reschedule/", {"start": "2026-12-01T15:00:00-03:00"}, format="json"
        )
    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_window_passed"


# --- Status -------------------------------------------------------------------------------------


def test_staff_move_an_appointment_through_the_whole_pipeline(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    staff = api(cast.mechanic)
    for status in ("checked_in", "in_progress", "completed"):
        response = staff.post(f"/api/v1/appointments/{body['id']}/status/", {"status": status}, format="json")
        assert response.status_code == 200, response.content
        assert response.json() == {**body, "status": status}
    changes = AppointmentStatusChange.objects.filter(appointment_id=body["id"]).order_by("id")
    assert [c.to_status for c in changes] == ["confirmed", "checked_in", "in_progress", "completed"]
    assert changes.last().changed_by == cast.mechanic


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ([], "completed"),
        ([], "in_progress"),
        ([], "confirmed"),
        (["checked_in"], "checked_in"),
        (["checked_in", "in_progress"], "no_show"),
        (["checked_in", "in_progress", "completed"], "in_progress"),
        (["no_show"], "checked_in"),
    ],
)
def test_a_change_the_pipeline_does_not_allow_is_an_invalid_transition(cast, api, service, path, wanted):
    body = booked(api(cast.client), cast.location, service, NINE)
    staff = api(cast.receptionist)
    for status in path:
        assert staff.post(f"/api/v1/appointments/{body['id']}/status/", {"status": status}).status_code == 200
    response = staff.post(f"/api/v1/appointments/{body['id']}/status/", {"status": wanted}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Appointment.objects.get().status == (path[-1] if path else "confirmed")


def test_a_no_show_frees_the_slot(cast, api, service):
    body = booked(api(cast.client), cast.location, service, NINE)
    assert (
        api(cast.manager).post(f"/api/v1/appointments/{body['id']}/status/", {"status": "no_show"}).status_code == 200
    )
    assert NINE in availability(api, cast.location, service)


@pytest.mark.parametrize("status", ["cancelled", "pending", "done", ""])
def test_statuses_outside_the_staff_list_are_refused(cast, api, service, status):
    body = booked(api(cast.client), cast.location, service, NINE)
    response = api(cast.manager).post(f"/api/v1/appointments/{body['id']}/status/", {"status": status}, format="json")
    assert_invalid(response, "status")
    assert Appointment.objects.get().status == AppointmentStatus.CONFIRMED
