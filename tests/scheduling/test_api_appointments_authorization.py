"""Who may use the availability and appointment endpoints: every role of the cast × own location / other location /
anonymous, with the exact status.

"Here" is `cast.location` (Santiago) and "there" is `cast.other_location` (Madrid); one service is offered at both.
The appointment here is `cast.client`'s, the one there `cast.outsider`'s; both are booked through the API.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.scheduling.models import Appointment
from tests.accounts.factories import ClientLocationFactory
from tests.catalog.factories import ServiceFactory
from tests.matrix import ROLES, expect

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("America/Santiago"))
START = {"here": "2026-12-01T09:00:00-03:00", "there": "2026-12-01T09:00:00+01:00"}
MOVE_TO = {"here": "2026-12-01T10:00:00-03:00", "there": "2026-12-01T10:00:00+01:00"}

STAFF_HERE = ("admin", "manager", "receptionist", "mechanic")
STAFF_THERE = ("other_manager", "other_receptionist", "other_mechanic")


def cases(here, there):
    return [pytest.param(who, "here", here[who], id=f"{who}-here") for who in ROLES] + [
        pytest.param(who, "there", there[who], id=f"{who}-there") for who in ROLES
    ]


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location, cast.other_location], duration_minutes=60)


def where(cast, side):
    return cast.location if side == "here" else cast.other_location


@pytest.fixture
def appointments(cast, api, service):
    """The client's appointment here and the outsider's there, booked by themselves."""
    made = {}
    for side, owner in (("here", cast.client), ("there", cast.outsider)):
        body = {"location": where(cast, side).pk, "service": service.pk, "start": START[side]}
        response = api(owner).post("/api/v1/appointments/", body, format="json")
        assert response.status_code == 201, response.content
        made[side] = Appointment.objects.get(pk=response.json()["id"])
    return made


def assert_status(response, status):
    assert response.status_code == status, response.content
    code = {400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(status)
    if code:
        assert response.json()["code"] == code


# --- Availability: public, but a staff member only sees their own locations -------------------------


AVAILABILITY_HERE = dict.fromkeys(ROLES, 200) | dict.fromkeys(STAFF_THERE, 404)
AVAILABILITY_THERE = dict.fromkeys(ROLES, 200) | dict.fromkeys(("manager", "receptionist", "mechanic"), 404)


@pytest.mark.parametrize(("who", "side", "status"), cases(AVAILABILITY_HERE, AVAILABILITY_THERE))
def test_availability(cast, api, service, who, side, status):
    response = api(cast.by_name(who)).get(
        f"/api/v1/locations/{where(cast, side).pk}/availability/",
        {"service": service.pk, "from": "2026-12-01", "to": "2026-12-01"},
    )
    assert_status(response, status)
    if status == 200:
        assert response.json()["slots"][0]["start"] == START[side]


# --- Booking: clients for themselves, staff where they work for a client ------------------------------


BOOK_HERE = dict.fromkeys(ROLES, 201) | dict.fromkeys(STAFF_THERE, 404) | {"anonymous": 401}
# cast.client is served here only: the other location's staff naming them get the `client` field's error, the
# same answer as for an id that does not exist (the desk finds them by an exact identifier first).
BOOK_THERE = (
    dict.fromkeys(ROLES, 201)
    | dict.fromkeys(("manager", "receptionist", "mechanic"), 404)
    | dict.fromkeys(STAFF_THERE, 400)
    | {"anonymous": 401}
)


@pytest.mark.parametrize(("who", "side", "status"), cases(BOOK_HERE, BOOK_THERE))
def test_book(cast, api, service, who, side, status):
    ClientLocationFactory(client=cast.client, location=cast.location)
    user = cast.by_name(who)
    body = {"location": where(cast, side).pk, "service": service.pk, "start": START[side]}
    if who in STAFF_HERE + STAFF_THERE:
        body["client"] = cast.client.pk
    response = api(user).post("/api/v1/appointments/", body, format="json")
    assert_status(response, status)
    if status == 201:
        appointment = Appointment.objects.get()
        assert appointment.location == where(cast, side)
        assert appointment.client == (user if who in ("client", "outsider") else cast.client)
    else:
        assert not Appointment.objects.exists()


# --- Reading -------------------------------------------------------------------------------------------


VISIBLE_HERE = (
    dict.fromkeys((*STAFF_HERE, "client"), 200) | dict.fromkeys(("outsider", *STAFF_THERE), 404) | {"anonymous": 401}
)
VISIBLE_THERE = (
    dict.fromkeys(("admin", "outsider", *STAFF_THERE), 200)
    | dict.fromkeys(("manager", "receptionist", "mechanic", "client"), 404)
    | {"anonymous": 401}
)


@pytest.mark.parametrize(("who", "status"), expect(dict.fromkeys(ROLES, 200) | {"anonymous": 401}))
def test_list_shows_only_what_each_role_may_see(cast, api, appointments, who, status):
    response = api(cast.by_name(who)).get("/api/v1/appointments/")
    assert_status(response, status)
    if status == 200:
        seen = {row["id"] for row in response.json()["results"]}
        expected = {
            appointments[side].pk
            for side, table in (("here", VISIBLE_HERE), ("there", VISIBLE_THERE))
            if table[who] == 200
        }
        assert seen == expected


@pytest.mark.parametrize(("who", "side", "status"), cases(VISIBLE_HERE, VISIBLE_THERE))
def test_read_one(cast, api, appointments, who, side, status):
    response = api(cast.by_name(who)).get(f"/api/v1/appointments/{appointments[side].pk}/")
    assert_status(response, status)
    if status == 200:
        assert response.json()["id"] == appointments[side].pk


# --- Cancelling and rescheduling: the client and staff of the location ------------------------------------


@pytest.mark.parametrize(("who", "side", "status"), cases(VISIBLE_HERE, VISIBLE_THERE))
def test_cancel(cast, api, appointments, who, side, status):
    appointment = appointments[side]
    response = api(cast.by_name(who)).post(f"/api/v1/appointments/{appointment.pk}/cancel/", {}, format="json")
    assert_status(response, status)
    appointment.refresh_from_db()
    assert appointment.status == ("cancelled" if status == 200 else "confirmed")


@pytest.mark.parametrize(("who", "side", "status"), cases(VISIBLE_HERE, VISIBLE_THERE))
def test_reschedule(cast, api, appointments, who, side, status):
    appointment = appointments[side]
    response = api(cast.by_name(who)).post(
        f"/api/v1/appointments/{appointment.pk}/reschedule/", {"start": MOVE_TO[side]}, format="json"
    )
    assert_status(response, status)
    before = appointment.start
    appointment.refresh_from_db()
    assert (appointment.start != before) == (status == 200)


# --- Status: staff of the location only -------------------------------------------------------------------


STATUS_HERE = VISIBLE_HERE | {"client": 403}
STATUS_THERE = VISIBLE_THERE | {"outsider": 403}


@pytest.mark.parametrize(("who", "side", "status"), cases(STATUS_HERE, STATUS_THERE))
def test_set_status(cast, api, appointments, who, side, status):
    appointment = appointments[side]
    response = api(cast.by_name(who)).post(
        f"/api/v1/appointments/{appointment.pk}/status/", {"status": "checked_in"}, format="json"
    )
    assert_status(response, status)
    appointment.refresh_from_db()
    assert appointment.status == ("checked_in" if status == 200 else "confirmed")


def test_a_client_is_refused_the_status_change_even_with_a_bad_body(cast, api, appointments):
    response = api(cast.client).post(f"/api/v1/appointments/{appointments['here'].pk}/status/", {}, format="json")
    assert_status(response, 403)


@pytest.mark.parametrize("action", ["", "cancel/", "reschedule/", "status/"])
def test_an_appointment_that_does_not_exist_is_not_found_for_anyone(cast, api, action):
    method = "get" if action == "" else "post"
    response = getattr(api(cast.admin), method)(f"/api/v1/appointments/987654/{action}", {}, format="json")
    assert_status(response, 404)
