"""A mechanic changes only the appointments assigned to them (issue 8, finding 5; PRODUCT.md).

They still see the whole calendar of their location: a colleague's appointment is visible, so acting on it is
403 (API.md), in the API and in the staff calendar; receptionists, managers and admins act on all of them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import Role
from autoagenda.scheduling.models import AppointmentStatus
from tests.accounts.factories import ClientLocationFactory, StaffFactory
from tests.catalog.factories import ServiceFactory
from tests.matrix import expect
from tests.scheduling.factories import AppointmentFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SANTIAGO)
TUESDAY_NINE = datetime(2026, 12, 1, 9, 0, tzinfo=SANTIAGO)
MOVE_TO = "2026-12-01T11:00:00-03:00"


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def colleague(cast):
    return StaffFactory(email="colleague@example.com", role=Role.MECHANIC, location=cast.location)


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location], duration_minutes=60)


def appointment_for(cast, service, mechanic, start=TUESDAY_NINE):
    ClientLocationFactory(client=cast.client, location=cast.location)
    return AppointmentFactory(
        location=cast.location, service=service, client=cast.client, mechanic=mechanic, start=start
    )


@pytest.fixture
def theirs(cast, service, colleague):
    """cast.client's appointment at cast.location, assigned to the colleague, not to cast.mechanic."""
    return appointment_for(cast, service, colleague)


@pytest.fixture
def mine(cast, service):
    return appointment_for(cast, service, cast.mechanic, start=datetime(2026, 12, 1, 14, 0, tzinfo=SANTIAGO))


# --- The reproduction: status and cancel on a colleague's appointment -------------------------------------------


def test_a_mechanic_cannot_move_a_colleagues_appointment_through_its_statuses(cast, api, theirs):
    response = api(cast.mechanic).post(
        f"/api/v1/appointments/{theirs.pk}/status/", {"status": "checked_in"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.CONFIRMED


def test_a_mechanic_cannot_cancel_a_colleagues_appointment(cast, api, theirs):
    response = api(cast.mechanic).post(f"/api/v1/appointments/{theirs.pk}/cancel/", {}, format="json")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.CONFIRMED


def test_a_mechanic_cannot_reschedule_a_colleagues_appointment(cast, api, theirs):
    response = api(cast.mechanic).post(
        f"/api/v1/appointments/{theirs.pk}/reschedule/", {"start": MOVE_TO}, format="json"
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.start == TUESDAY_NINE


def test_a_mechanic_still_reads_a_colleagues_appointment(cast, api, theirs):
    assert api(cast.mechanic).get(f"/api/v1/appointments/{theirs.pk}/").status_code == 200


def test_a_mechanic_changes_their_own_appointments(cast, api, mine):
    client = api(cast.mechanic)
    assert client.post(f"/api/v1/appointments/{mine.pk}/status/", {"status": "checked_in"}, format="json").json()[
        "status"
    ] == ("checked_in")
    assert (
        client.post(f"/api/v1/appointments/{mine.pk}/status/", {"status": "in_progress"}, format="json").status_code
        == 200
    )


def test_a_mechanic_reschedules_and_cancels_their_own_appointment(cast, api, mine):
    client = api(cast.mechanic)
    assert (
        client.post(f"/api/v1/appointments/{mine.pk}/reschedule/", {"start": MOVE_TO}, format="json").status_code == 200
    )
    assert client.post(f"/api/v1/appointments/{mine.pk}/cancel/", {}, format="json").json()["status"] == "cancelled"


# --- The matrix on a colleague's appointment ----------------------------------------------------------------

# admin, manager and receptionist act on every appointment of the location; the mechanic sees it but may not act;
# the client may cancel and move their own (within the window) but not set statuses; everyone else: 404.
COLLEAGUES = {
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


@pytest.mark.parametrize(("who", "status"), expect(COLLEAGUES | {"client": 403}))
def test_status_on_a_colleagues_appointment(cast, api, theirs, who, status):
    response = api(cast.by_name(who)).post(
        f"/api/v1/appointments/{theirs.pk}/status/", {"status": "checked_in"}, format="json"
    )
    assert response.status_code == status
    theirs.refresh_from_db()
    assert (theirs.status == AppointmentStatus.CHECKED_IN) == (status == 200)


@pytest.mark.parametrize(("who", "status"), expect(COLLEAGUES))
def test_cancel_a_colleagues_appointment(cast, api, theirs, who, status):
    response = api(cast.by_name(who)).post(f"/api/v1/appointments/{theirs.pk}/cancel/", {}, format="json")
    assert response.status_code == status
    theirs.refresh_from_db()
    assert (theirs.status == AppointmentStatus.CANCELLED) == (status == 200)


@pytest.mark.parametrize(("who", "status"), expect(COLLEAGUES))
def test_reschedule_a_colleagues_appointment(cast, api, theirs, who, status):
    response = api(cast.by_name(who)).post(
        f"/api/v1/appointments/{theirs.pk}/reschedule/", {"start": MOVE_TO}, format="json"
    )
    assert response.status_code == status
    theirs.refresh_from_db()
    assert (theirs.start != TUESDAY_NINE) == (status == 200)


# --- The staff calendar ------------------------------------------------------------------------------------------


def test_the_panel_of_a_colleagues_appointment_shows_no_actions_to_a_mechanic(cast, web, theirs):
    response = web(cast.mechanic).get(f"/calendar/appointments/{theirs.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.client.get_full_name() in html
    for action in ("status", "cancel", "reassign", "reschedule"):
        assert f"/calendar/appointments/{theirs.pk}/{action}/" not in html, action


def test_the_panel_of_their_own_appointment_offers_the_actions(cast, web, mine):
    html = web(cast.mechanic).get(f"/calendar/appointments/{mine.pk}/").content.decode()
    assert f"/calendar/appointments/{mine.pk}/status/" in html
    assert f"/calendar/appointments/{mine.pk}/cancel/" in html


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status": "checked_in"}),
        ("cancel", {}),
        ("reassign", {"mechanic": "0"}),
        ("reschedule", {"date": "2026-12-01", "start": MOVE_TO}),
    ],
)
def test_a_mechanic_posting_an_action_on_a_colleagues_appointment_gets_403(cast, web, theirs, colleague, action, data):
    if action == "reassign":
        data = {"mechanic": str(cast.mechanic.pk)}
    response = web(cast.mechanic).post(f"/calendar/appointments/{theirs.pk}/{action}/", data)
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert (theirs.status, theirs.start, theirs.mechanic_id) == (
        AppointmentStatus.CONFIRMED,
        TUESDAY_NINE,
        colleague.pk,
    )


def test_the_reschedule_form_of_a_colleagues_appointment_is_403_for_a_mechanic(cast, web, theirs):
    assert web(cast.mechanic).get(f"/calendar/appointments/{theirs.pk}/reschedule/").status_code == 403


@pytest.mark.parametrize("who", ["receptionist", "manager", "admin"])
def test_the_front_desk_acts_on_every_appointment_of_the_location(cast, web, theirs, who):
    client = web(getattr(cast, who))
    assert (
        f"/calendar/appointments/{theirs.pk}/status/"
        in client.get(f"/calendar/appointments/{theirs.pk}/").content.decode()
    )
    assert client.post(f"/calendar/appointments/{theirs.pk}/status/", {"status": "checked_in"}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.CHECKED_IN


def test_todays_list_offers_a_mechanic_the_buttons_of_their_own_appointments_only(cast, web, service, colleague):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=SANTIAGO), tick=False):
        theirs = appointment_for(cast, service, colleague)
        mine = appointment_for(cast, service, cast.mechanic, start=datetime(2026, 12, 1, 10, 0, tzinfo=SANTIAGO))
        response = web(cast.mechanic).get(f"/calendar/{cast.location.pk}/today/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/calendar/appointments/{mine.pk}/status/" in html
    assert f"/calendar/appointments/{theirs.pk}/status/" not in html
    assert f"/calendar/appointments/{theirs.pk}/" in html  # still listed, to read
