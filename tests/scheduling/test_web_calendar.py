"""The staff calendar on the web: day grid, week board, the appointment panel and its actions, desk booking.

Time is fixed at Tuesday 2026-12-01 08:00 in Santiago (11:00 UTC); the cast's
location opens Monday–Friday 09:00–13:00 and 14:00–18:00 with 30-minute slots.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.accounts import services as account_services
from autoagenda.accounts.models import Role, User
from autoagenda.core.errors import ApplicationError
from autoagenda.scheduling.models import Appointment, AppointmentStatusChange
from tests.accounts.factories import ClientLocationFactory, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.locations.factories import ClosureFactory
from tests.scheduling.factories import AppointmentFactory, TimeOffFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=SANTIAGO)
STAFF = ("admin", "manager", "receptionist", "mechanic")
OTHER_STAFF = ("other_manager", "other_receptionist", "other_mechanic")
CLIENTS = ("client", "outsider")


@pytest.fixture(autouse=True)
def _fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _client_served_here(db, cast):
    """cast.client is a client of cast.location (test_client_scope.py: which desk finds whom)."""
    ClientLocationFactory(client=cast.client, location=cast.location)


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], duration_minutes=60)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SANTIAGO)


def book(cast, service, *, day=2, hour=10, minute=0, mechanic=None, client=None, **extra):
    return AppointmentFactory(
        location=cast.location,
        service=service,
        client=client or cast.client,
        mechanic=mechanic if mechanic is not None else cast.mechanic,
        start=local(day, hour, minute),
        **extra,
    )


def html_of(response) -> str:
    return response.content.decode()


# --- Who may open what -----------------------------------------------------------------


def _expected(role: str) -> int:
    if role == "anonymous":
        return 302
    if role in STAFF:
        return 200
    if role in OTHER_STAFF:
        return 404
    return 403


ROLES = ("anonymous", *STAFF, *OTHER_STAFF, *CLIENTS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["day", "week", "today", "new"])
def test_the_location_pages_open_for_its_staff_only(cast, web, service, role, page):
    response = web(cast.by_name(role)).get(f"/calendar/{cast.location.pk}/{page}/")
    assert response.status_code == _expected(role)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["new/clients/?q=ana", "new/slots/?date=2026-12-02"])
def test_the_desk_helpers_open_for_the_locations_staff_only(cast, web, service, role, page):
    response = web(cast.by_name(role)).get(f"/calendar/{cast.location.pk}/{page}")
    assert response.status_code == _expected(role)


@pytest.mark.parametrize("role", ROLES)
def test_the_appointment_panel_opens_for_the_locations_staff_only(cast, web, service, role):
    appointment = book(cast, service)
    response = web(cast.by_name(role)).get(f"/calendar/appointments/{appointment.pk}/")
    # The client who owns it sees it exists (it is theirs) but may not run it; the outsider may not see it.
    expected = {"client": 403, "outsider": 404}.get(role, _expected(role))
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "data"),
    [("status", {"status": "checked_in"}), ("cancel", {}), ("reschedule", {"date": "2026-12-03"})],
)
def test_the_appointment_actions_answer_the_locations_staff_only(cast, web, service, role, action, data):
    appointment = book(cast, service)
    response = web(cast.by_name(role)).post(f"/calendar/appointments/{appointment.pk}/{action}/", data)
    expected = {"client": 403, "outsider": 404}.get(role, _expected(role))
    if role in STAFF and action == "reschedule":
        expected = 400  # no time chosen: the page again, nothing moved
    elif role in STAFF:
        expected = 302
    assert response.status_code == expected
    appointment.refresh_from_db()
    assert (appointment.status != "confirmed") == (role in STAFF and action != "reschedule")


@pytest.mark.parametrize("role", ["anonymous", *STAFF, *OTHER_STAFF, *CLIENTS])
def test_my_appointments_open_for_staff_and_not_for_clients(cast, web, role):
    response = web(cast.by_name(role)).get("/calendar/mine/")
    assert response.status_code == {"anonymous": 302, "client": 403, "outsider": 403}.get(role, 200)


def test_the_calendar_link_opens_the_day_of_the_first_location(cast, web):
    response = web(cast.receptionist).get("/calendar/")
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/{cast.location.pk}/day/"
    assert web(cast.client).get("/calendar/").status_code == 403


def test_the_location_switcher_opens_the_same_view_elsewhere_and_refuses_a_strangers_location(cast, web):
    cast.other_location.memberships.create(user=cast.manager, role=Role.MANAGER)
    client = web(cast.manager)
    url = f"/calendar/?location={cast.other_location.pk}&view=week&date=2026-12-09"
    response = client.get(url)
    assert response["Location"] == f"/calendar/{cast.other_location.pk}/week/?date=2026-12-09"
    assert web(cast.receptionist).get(url).status_code == 404


def test_a_staff_member_without_locations_is_told_there_is_no_calendar(db, web):
    lonely = StaffFactory(role=Role.RECEPTIONIST)
    response = web(lonely).get("/calendar/")
    assert response.status_code == 200
    assert "no calendar to show" in html_of(response)


# --- The day grid ----------------------------------------------------------------------


def _cell(html: str, column: str, row: str) -> str:
    """The opening tag and content of the appointment cell in `column` starting at `row`."""
    match = re.search(rf'<td[^>]*data-column="{column}" data-row="{row}"[^>]*>(.*?)</td>', html, re.S)
    assert match, f"no appointment cell at {column} {row}"
    return match.group(0)


def test_the_day_grid_draws_an_appointment_in_its_mechanics_column_spanning_its_slots(cast, web, service):
    vehicle = VehicleFactory(owner=cast.client, plate="KJTR21")
    other = StaffFactory(role=Role.MECHANIC, location=cast.location)
    appointment = book(cast, service, vehicle=vehicle)
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/day/?date=2026-12-02")
    html = html_of(response)
    assert response.status_code == 200
    cell = _cell(html, f"m{cast.mechanic.pk}", "10:00")
    assert 'rowspan="2"' in cell  # 60 minutes on a 30-minute grid
    assert cast.client.get_full_name() in cell
    assert "Cambio de aceite" in cell
    assert "KJTR21" in cell
    assert "cal-status--confirmed" in cell
    assert f"/calendar/appointments/{appointment.pk}/" in cell
    grid = response.context["grid"]
    keys = [c.column.key for c in grid.columns]
    assert keys.index(f"m{cast.mechanic.pk}") >= 0
    assert f"m{other.pk}" in keys
    labels = [row.label for row in grid.rows]
    assert labels[0] == "09:00"
    assert labels[-1] == "17:30"
    # The row of 10:00 holds the block in the mechanic's column; 10:30 is covered by it.
    row_10 = grid.rows[labels.index("10:00")]
    block = next(c for c in row_10.cells if c.appointment is not None)
    assert block.column.mechanic == cast.mechanic
    assert block.span == 2
    row_1030 = grid.rows[labels.index("10:30")]
    assert len(row_1030.cells) == len(row_10.cells) - 1


def test_the_day_grid_shades_the_lunch_break_closures_and_a_mechanics_time_off(cast, web, service):
    ClosureFactory(location=cast.location, start=local(2, 9), end=local(2, 10), reason="Inventario")
    TimeOffFactory(user=cast.mechanic, start=local(2, 16), end=local(2, 18))
    response = web(cast.manager).get(f"/calendar/{cast.location.pk}/day/?date=2026-12-02")
    grid = response.context["grid"]
    states = {row.label: {c.column.key: c.state for c in row.cells} for row in grid.rows}
    mechanic = f"m{cast.mechanic.pk}"
    assert states["09:00"][mechanic] == "closed"  # the closure
    assert states["13:00"][mechanic] == "closed"  # lunch
    assert states["11:00"][mechanic] == "free"
    assert states["16:30"][mechanic] == "off"  # time off
    assert "Inventario" in html_of(response)


def test_a_public_holiday_is_closed_all_day_and_says_why(cast, web, service):
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/day/?date=2026-12-08")
    html = html_of(response)
    assert "Closed all day: Immaculate Conception" in html
    assert {c.state for row in response.context["grid"].rows for c in row.cells} == {"closed"}


def test_a_service_without_mechanic_gets_its_own_column(cast, web):
    wash = ServiceFactory(name="Lavado", locations=[cast.location], requires_mechanic=False, duration_minutes=30)
    AppointmentFactory(location=cast.location, service=wash, client=cast.client, start=local(2, 11))
    AppointmentFactory(location=cast.location, service=wash, client=cast.outsider, start=local(2, 11))
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/day/?date=2026-12-02")
    grid = response.context["grid"]
    none = next(c for c in grid.columns if c.column.key == "none")
    assert none.lanes == 2  # two at the same time side by side
    html = html_of(response)
    assert html.count('data-column="none" data-row="11:00"') == 2


def test_the_mechanic_filter_keeps_one_column_and_cancelled_ones_show_on_request(cast, web, service):
    other = StaffFactory(role=Role.MECHANIC, location=cast.location)
    book(cast, service, hour=11, status="cancelled")
    client = web(cast.receptionist)
    url = f"/calendar/{cast.location.pk}/day/?date=2026-12-02&mechanic=m{cast.mechanic.pk}"
    grid = client.get(url).context["grid"]
    assert [c.column.key for c in grid.columns] == [f"m{cast.mechanic.pk}"]
    assert grid.appointments == []
    assert grid.cancelled_count == 1
    assert f"m{other.pk}" in [c.key for c in grid.all_columns]
    shown = client.get(url + "&cancelled=1").context["grid"]
    assert [a.status for a in shown.appointments] == ["cancelled"]


def test_prev_next_and_htmx_navigation_swap_only_the_calendar(cast, web, service):
    client = web(cast.receptionist)
    response = client.get(f"/calendar/{cast.location.pk}/day/?date=2026-12-02", HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="cal-view"')
    assert "<html" not in html
    assert "?date=2026-12-01" in html
    assert "?date=2026-12-03" in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_date_falls_back_to_today(cast, web):
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/day/?date=tomorrow")
    assert response.context["day"].isoformat() == "2026-12-01"


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["day", "week", "today"])
def test_the_calendar_reads_the_same_number_of_queries_for_1_or_10_appointments(cast, web, service, page):
    ClosureFactory(location=cast.location, start=local(3, 9), end=local(3, 10))
    client = web(cast.receptionist)
    book(cast, service, day=1, hour=9, vehicle=VehicleFactory(owner=cast.client))
    url = f"/calendar/{cast.location.pk}/{page}/?date=2026-12-01"
    one = _count_queries(client, url)
    for i in range(9):
        mechanic = StaffFactory(role=Role.MECHANIC, location=cast.location)
        owner = UserFactory()
        book(
            cast, service, day=1, hour=10 + i % 3, mechanic=mechanic, client=owner, vehicle=VehicleFactory(owner=owner)
        )
    ten = _count_queries(client, url)
    assert one == ten
    assert ten <= 14


# --- The week board --------------------------------------------------------------------


def test_the_week_board_shows_bookings_by_mechanic_and_day_and_shades_closed_days(cast, web, service):
    book(cast, service, day=2, hour=10)
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/week/?date=2026-12-03")
    html = html_of(response)
    board = response.context["board"]
    assert board.first.isoformat() == "2026-11-30"
    assert board.last.isoformat() == "2026-12-06"
    row = next(r for r in board.rows if r.column.mechanic == cast.mechanic)
    wednesday = row.cells[2]
    assert [a.start for a in wednesday.appointments] == [local(2, 10)]
    assert row.cells[5].unavailable == "closed"  # Saturday: no opening hours
    assert re.search(rf'data-column="m{cast.mechanic.pk}" data-date="2026-12-02">.*?10:00–11:00', html, re.S)
    assert "?date=2026-11-23" in html
    assert "?date=2026-12-07" in html


def test_the_week_board_marks_a_mechanic_away_all_day(cast, web, service):
    TimeOffFactory(user=cast.mechanic, start=local(3, 0), end=local(4, 0))
    board = web(cast.manager).get(f"/calendar/{cast.location.pk}/week/?date=2026-12-03").context["board"]
    row = next(r for r in board.rows if r.column.mechanic == cast.mechanic)
    assert row.cells[3].unavailable == "time_off"
    assert row.cells[2].unavailable == ""


# --- The panel and its actions -----------------------------------------------------------


def test_the_panel_shows_the_appointment_in_the_locations_time_with_its_actions(cast, web, service):
    appointment = book(cast, service, notes="Ruido en el freno")
    response = web(cast.receptionist).get(
        f"/calendar/appointments/{appointment.pk}/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/calendar/{cast.location.pk}/day/",
    )
    html = html_of(response)
    assert html.lstrip().startswith('<div id="cal-panel-content"')
    assert "10:00–11:00" in html
    assert "Ruido en el freno" in html
    assert 'name="status" value="checked_in"' in html
    assert 'name="status" value="completed"' not in html  # not allowed from confirmed
    assert "/calendar/panel/close/" in html  # in the drawer: a close button


def test_checking_in_changes_the_status_and_writes_history(cast, web, service):
    appointment = book(cast, service)
    response = web(cast.receptionist).post(
        f"/calendar/appointments/{appointment.pk}/status/",
        {"status": "checked_in", "next": f"/calendar/{cast.location.pk}/today/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/{cast.location.pk}/today/"
    appointment.refresh_from_db()
    assert appointment.status == "checked_in"
    change = AppointmentStatusChange.objects.get(appointment=appointment)
    assert (change.from_status, change.to_status, change.changed_by) == ("confirmed", "checked_in", cast.receptionist)


def test_an_htmx_action_answers_with_the_fresh_panel_and_tells_the_page_to_refresh(cast, web, service):
    appointment = book(cast, service, status="checked_in")
    response = web(cast.mechanic).post(
        f"/calendar/appointments/{appointment.pk}/status/", {"status": "in_progress"}, HTTP_HX_REQUEST="true"
    )
    html = html_of(response)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "calendar-changed"
    assert "In progress" in html
    assert "alert--success" in html
    assert "Checked in → In progress" in html


def test_an_invalid_transition_shows_why_and_changes_nothing(cast, web, service):
    appointment = book(cast, service)
    client = web(cast.receptionist)
    response = client.post(f"/calendar/appointments/{appointment.pk}/status/", {"status": "completed"})
    assert response.status_code == 400
    assert "cannot become Completed" in html_of(response)
    htmx = client.post(
        f"/calendar/appointments/{appointment.pk}/status/", {"status": "completed"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 200
    assert "alert--error" in html_of(htmx)
    assert "HX-Trigger" not in htmx
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert not AppointmentStatusChange.objects.filter(appointment=appointment).exists()


def test_an_unknown_status_is_refused(cast, web, service):
    appointment = book(cast, service)
    response = web(cast.receptionist).post(f"/calendar/appointments/{appointment.pk}/status/", {"status": "lost"})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_staff_cancel_with_a_reason(cast, web, service):
    appointment = book(cast, service)
    response = web(cast.receptionist).post(
        f"/calendar/appointments/{appointment.pk}/cancel/", {"note": "Llamó para cancelar"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert AppointmentStatusChange.objects.get(appointment=appointment).note == "Llamó para cancelar"


def test_reassigning_keeps_the_time_and_changes_the_mechanic(cast, web, service):
    other = StaffFactory(role=Role.MECHANIC, location=cast.location, first_name="Rosa", last_name="Mella")
    appointment = book(cast, service)
    response = web(cast.receptionist).post(
        f"/calendar/appointments/{appointment.pk}/reassign/", {"mechanic": str(other.pk)}, HTTP_HX_REQUEST="true"
    )
    assert "Reassigned to Rosa Mella" in html_of(response)
    appointment.refresh_from_db()
    assert appointment.mechanic == other
    assert appointment.start == local(2, 10)


def test_the_panel_offers_only_the_mechanics_who_do_the_service_and_only_while_it_can_move(cast, web):
    rosa = StaffFactory(role=Role.MECHANIC, location=cast.location, first_name="Rosa", last_name="Mella")
    StaffFactory(role=Role.MECHANIC, location=cast.location, first_name="Otro", last_name="Mecánico")
    brakes = ServiceFactory(name="Frenos", locations=[cast.location], mechanics=[cast.mechanic, rosa])
    appointment = AppointmentFactory(
        location=cast.location, service=brakes, client=cast.client, mechanic=cast.mechanic, start=local(2, 10)
    )
    client = web(cast.receptionist)
    form = client.get(f"/calendar/appointments/{appointment.pk}/").context["reassign_form"]
    offered = {label for _value, label in form.fields["mechanic"].choices}
    assert offered == {cast.mechanic.get_full_name(), "Rosa Mella"}
    appointment.status = "checked_in"
    appointment.save()
    response = client.get(f"/calendar/appointments/{appointment.pk}/")
    assert response.context["reassign_form"] is None
    assert "/reschedule/" not in html_of(response)


def test_reassigning_to_a_busy_mechanic_is_refused_and_changes_nothing(cast, web, service):
    other = StaffFactory(role=Role.MECHANIC, location=cast.location)
    book(cast, service, mechanic=other, client=cast.outsider)
    appointment = book(cast, service)
    response = web(cast.receptionist).post(
        f"/calendar/appointments/{appointment.pk}/reassign/", {"mechanic": str(other.pk)}
    )
    assert response.status_code == 400
    assert "not available" in html_of(response)
    appointment.refresh_from_db()
    assert appointment.mechanic == cast.mechanic


def test_rescheduling_lists_free_times_and_moves_the_appointment(cast, web, service):
    appointment = book(cast, service)
    client = web(cast.receptionist)
    page = client.get(f"/calendar/appointments/{appointment.pk}/reschedule/?date=2026-12-03")
    slots = [s.start for s in page.context["slots"]]
    assert local(3, 9) in slots
    assert local(3, 17) in slots
    assert local(3, 17, 30) not in slots
    # Its own time is free to keep (it ignores itself).
    same_day = client.get(f"/calendar/appointments/{appointment.pk}/reschedule/").context["slots"]
    assert local(2, 10) in [s.start for s in same_day]
    response = client.post(
        f"/calendar/appointments/{appointment.pk}/reschedule/",
        {"date": "2026-12-03", "start": local(3, 15).isoformat(), "mechanic": ""},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == local(3, 15)
    assert appointment.local_date.isoformat() == "2026-12-03"


def test_rescheduling_to_a_time_that_is_not_offered_changes_nothing(cast, web, service):
    appointment = book(cast, service)
    response = web(cast.receptionist).post(
        f"/calendar/appointments/{appointment.pk}/reschedule/",
        {"date": "2026-12-05", "start": local(5, 10).isoformat()},  # Saturday: closed
    )
    assert response.status_code == 400
    assert "not available" in html_of(response)
    appointment.refresh_from_db()
    assert appointment.start == local(2, 10)


# --- Today at the desk, my appointments -------------------------------------------------


def test_the_today_list_shows_todays_appointments_in_order_with_one_click_actions(cast, web, service):
    late = book(cast, service, day=1, hour=15)
    early = book(cast, service, day=1, hour=9, client=cast.outsider, status="checked_in")
    book(cast, service, day=2, hour=9)  # tomorrow
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/today/")
    html = html_of(response)
    assert [a.pk for a, _actions in response.context["rows"]] == [early.pk, late.pk]
    assert html.index(cast.outsider.get_full_name()) < html.index(cast.client.get_full_name())
    assert 'name="status" value="checked_in"' in html  # for the confirmed one
    assert 'name="status" value="no_show"' in html


def test_a_mechanic_sees_their_own_work_today_upcoming_and_done(cast, web, service):
    today = book(cast, service, day=1, hour=10)
    upcoming = book(cast, service, day=3, hour=10)
    done = AppointmentFactory(
        location=cast.location,
        service=service,
        client=cast.client,
        mechanic=cast.mechanic,
        start=datetime(2026, 11, 27, 10, tzinfo=SANTIAGO),
        status="completed",
    )
    colleague = StaffFactory(role=Role.MECHANIC, location=cast.location)
    theirs = book(cast, service, day=1, hour=11, mechanic=colleague)
    response = web(cast.mechanic).get("/calendar/mine/")
    agenda = response.context["agenda"]
    assert [a.pk for a in agenda.today] == [today.pk]
    assert [a.pk for a in agenda.upcoming] == [upcoming.pk]
    assert [a.pk for a in agenda.history] == [done.pk]
    assert f'data-appointment="{theirs.pk}"' not in html_of(response)


# --- Booking at the desk ----------------------------------------------------------------


def test_the_desk_finds_clients_by_name_phone_email_or_plate(cast, web, service):
    ana = UserFactory(first_name="Ana", last_name="Huenchumilla", phone="+56 9 8765 4321", email="ana@example.com")
    VehicleFactory(owner=ana, plate="HXTZ55")
    ClientLocationFactory(client=ana, location=cast.location)
    client = web(cast.receptionist)
    for query in ("huenchu", "8765", "ana@example", "hx-tz55", "ana hxtz"):
        response = client.get(f"/calendar/{cast.location.pk}/new/clients/?q={query}")
        assert [m.client for m in response.context["matches"]] == [ana], query
    assert "HXTZ55" in html_of(response)
    assert client.get(f"/calendar/{cast.location.pk}/new/clients/?q=zzzz").context["matches"] == []


def test_staff_are_never_offered_as_clients(cast, web):
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/new/clients/?q=example.com")
    found = {m.client for m in response.context["matches"]}
    assert cast.mechanic not in found
    assert cast.manager not in found
    assert cast.client in found


def test_the_desk_books_an_existing_client_with_a_mechanic_and_a_vehicle(cast, web, service):
    vehicle = VehicleFactory(owner=cast.client)
    client = web(cast.receptionist)
    page = client.get(f"/calendar/{cast.location.pk}/new/?client={cast.client.pk}&service={service.pk}&date=2026-12-02")
    assert page.status_code == 200
    assert local(2, 9) in [s.start for s in page.context["slots"]]
    response = client.post(
        f"/calendar/{cast.location.pk}/new/",
        {
            "client": cast.client.pk,
            "service": service.pk,
            "date": "2026-12-02",
            "mechanic": cast.mechanic.pk,
            "start": local(2, 9).isoformat(),
            "vehicle": vehicle.pk,
            "notes": "Cliente llamó por teléfono",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/calendar/{cast.location.pk}/day/?date=2026-12-02"
    appointment = Appointment.objects.get()
    assert (appointment.client, appointment.mechanic, appointment.vehicle) == (cast.client, cast.mechanic, vehicle)
    assert appointment.created_by == cast.receptionist
    assert appointment.status == "confirmed"


def test_the_desk_cannot_book_a_time_that_is_taken_and_saves_nothing(cast, web, service):
    book(cast, service, hour=9, client=cast.outsider)
    response = web(cast.receptionist).post(
        f"/calendar/{cast.location.pk}/new/",
        {
            "client": cast.client.pk,
            "service": service.pk,
            "date": "2026-12-02",
            "mechanic": cast.mechanic.pk,
            "start": local(2, 9).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "not available" in html_of(response)
    assert Appointment.objects.count() == 1


def test_the_desk_must_choose_a_client_and_a_time(cast, web, service):
    client = web(cast.receptionist)
    no_client = client.post(f"/calendar/{cast.location.pk}/new/", {"service": service.pk, "date": "2026-12-02"})
    assert no_client.status_code == 400
    assert "Choose the client" in html_of(no_client)
    no_time = client.post(
        f"/calendar/{cast.location.pk}/new/", {"client": cast.client.pk, "service": service.pk, "date": "2026-12-02"}
    )
    assert no_time.status_code == 400
    assert "Choose one of the free times" in html_of(no_time)
    assert not Appointment.objects.exists()


def test_the_desk_creates_a_client_on_the_spot_and_books_for_them(cast, web, service):
    client = web(cast.receptionist)
    response = client.post(
        f"/calendar/{cast.location.pk}/new/",
        {
            "action": "create_client",
            "new-first_name": "Pedro",
            "new-last_name": "Soto",
            "new-phone": "+56 9 1111 2222",
            "new-email": "",
            "service": service.pk,
        },
    )
    created = User.objects.get(first_name="Pedro", last_name="Soto")
    assert response.status_code == 302
    assert f"client={created.pk}" in response["Location"]
    assert f"service={service.pk}" in response["Location"]
    assert created.role == Role.CLIENT
    assert not created.has_usable_password()
    assert created.email.endswith("@clients.invalid")
    page = client.get(response["Location"])
    assert "Pedro Soto" in html_of(page)
    assert "@clients.invalid" not in html_of(page)
    booked = client.post(
        f"/calendar/{cast.location.pk}/new/",
        {"client": created.pk, "service": service.pk, "date": "2026-12-02", "start": local(2, 14).isoformat()},
    )
    assert booked.status_code == 302
    assert Appointment.objects.get().client == created


def test_the_desk_client_form_needs_a_name_and_a_way_to_reach_them(cast, web):
    response = web(cast.receptionist).post(
        f"/calendar/{cast.location.pk}/new/", {"action": "create_client", "new-first_name": "Sin Contacto"}
    )
    assert response.status_code == 400
    assert "Give a phone number or an email" in html_of(response)
    assert not User.objects.filter(first_name="Sin Contacto").exists()


def test_a_desk_client_with_an_email_already_taken_is_refused(cast):
    with pytest.raises(ApplicationError) as refused:
        account_services.client_create_at_desk(actor=cast.receptionist, first_name="Otra", email="CLIENT@example.com")
    assert refused.value.errors == {"email": ["An account with this email already exists."]}


def test_clients_cannot_create_clients_at_the_desk(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        account_services.client_create_at_desk(actor=cast.client, first_name="Nadie", phone="123")


def test_the_desk_time_list_follows_the_service_date_and_mechanic(cast, web, service):
    book(cast, service, hour=9, client=cast.outsider)
    response = web(cast.receptionist).get(
        f"/calendar/{cast.location.pk}/new/slots/?client={cast.client.pk}&service={service.pk}"
        f"&date=2026-12-02&mechanic={cast.mechanic.pk}",
        HTTP_HX_REQUEST="true",
    )
    html = html_of(response)
    starts = [s.start for s in response.context["slots"]]
    assert local(2, 9) not in starts
    assert local(2, 10) in starts
    assert "<html" not in html
    assert 'name="start"' in html
    assert (local(2, 10).isoformat()) in html
    assert timedelta(0) == local(2, 10).utcoffset() + timedelta(hours=3)  # summer time: -03:00
    assert local(2, 10).astimezone(UTC).hour == 13
