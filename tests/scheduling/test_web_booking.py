"""The client's booking pages: location → vehicle → service → month → day → confirm, then the appointment pages.

The clock stands still on Monday 2026-11-30 08:00 in Santiago (UTC-3). The cast's location opens Monday–Friday
09:00–13:00 and 14:00–18:00 with 30-minute slots, 60 minutes' notice, a 60-day horizon and a 120-minute
cancellation window; Chile's public holidays close it (8 and 25 December 2026). The service takes 60 minutes
and cast.mechanic is the location's only mechanic, so one booking takes a time away.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from autoagenda.locations.models import Sector
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.locations.factories import ClosureFactory, LocationFactory
from tests.scheduling.factories import AppointmentFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
TUESDAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)
JUST_TAKEN = "That time was just taken — choose another."
TOO_LATE = "Too late to change online — call the workshop."
STAFF = ["admin", "manager", "receptionist", "mechanic", "other_manager", "other_receptionist", "other_mechanic"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SCL)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], duration_minutes=60)


@pytest.fixture
def vehicle(cast):
    return VehicleFactory(owner=cast.client, plate="KJTR21", make="Toyota", model="Yaris")


@pytest.fixture
def url(cast, service, vehicle):
    """`url("day", date="2026-12-01")`: a step of the flow at the cast's location with the usual choices."""

    def build(step, *, location=None, **params):
        location = location or cast.location
        if step in ("service", "month", "day", "confirm"):
            params.setdefault("vehicle", vehicle.pk)
        if step in ("month", "day", "confirm"):
            params.setdefault("service", service.pk)
        order = ["vehicle", "service", "mechanic", "reschedule", "month", "date", "start"]  # as the pages write them
        ordered = sorted(params.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        query = urlencode([(k, v) for k, v in ordered if v is not None])
        base = reverse(f"booking:{step}", args=[location.pk])
        return f"{base}?{query}" if query else base

    return build


def page(response) -> str:
    return response.content.decode()


def day_classes(html: str, day: str) -> str:
    """The classes of the month calendar's cell for `day` (YYYY-MM-DD)."""
    match = re.search(rf'<(?:a|span) class="([^"]*)"[^>]*data-date="{day}"', html)
    assert match, f"no calendar cell for {day}"
    return match.group(1)


# --- Each step ------------------------------------------------------------------


def test_the_first_step_lists_the_active_locations_to_book_at(cast, web):
    closed = LocationFactory(name="Taller Cerrado", is_active=False)
    response = web(cast.client).get(reverse("booking:start"))
    html = page(response)
    assert response.status_code == 200
    assert cast.location.name in html
    assert cast.location.address in html
    assert reverse("booking:vehicle", args=[cast.location.pk]) in html
    assert closed.name not in html


def test_the_vehicle_step_lists_only_the_clients_own_vehicles(cast, web, url, vehicle):
    someone_elses = VehicleFactory(owner=cast.outsider, plate="ZZZZ99")
    response = web(cast.client).get(url("vehicle"))
    html = page(response)
    assert response.status_code == 200
    assert "KJTR21" in html
    assert "ZZZZ99" not in html
    assert url("service", vehicle=vehicle.pk).replace("&", "&amp;") in html
    assert someone_elses.plate not in html


def test_a_client_adds_a_vehicle_inline_and_goes_on_to_the_service_step(cast, web, url):
    response = web(cast.client).post(url("vehicle"), {"plate": "ab-cd 12", "make": "Kia", "model": "Rio"})
    added = cast.client.vehicles.get(make="Kia")
    assert response.status_code == 302
    assert response["Location"] == url("service", vehicle=added.pk)
    assert added.plate == "ABCD12"


def test_an_invalid_inline_vehicle_shows_the_form_again_and_adds_nothing(cast, web, url):
    response = web(cast.client).post(url("vehicle"), {"plate": "", "make": "Kia", "model": "Rio"})
    assert response.status_code == 400
    assert "field--error" in page(response)
    assert not cast.client.vehicles.filter(make="Kia").exists()


def test_the_service_step_shows_the_locations_services_with_price_and_duration(cast, web, url, service):
    elsewhere = ServiceFactory(name="Alineación", locations=[cast.other_location])
    retired = ServiceFactory(name="Lavado", locations=[cast.location], is_active=False)
    response = web(cast.client).get(url("service"))
    html = page(response)
    assert response.status_code == 200
    assert "Cambio de aceite" in html
    assert "25,000 CLP" in html
    assert "1 h" in html
    assert elsewhere.name not in html
    assert retired.name not in html


def test_the_day_step_offers_the_free_times_as_local_times(cast, web, url):
    response = web(cast.client).get(url("day", date=TUESDAY.isoformat()))
    html = page(response)
    assert response.status_code == 200
    for label in ("09:00", "09:30", "12:00", "14:00", "17:00"):
        assert f">{label}</a>" in html
    assert ">12:30</a>" not in html  # would run past the lunch break
    assert ">17:30</a>" not in html  # would run past closing


def test_the_confirm_step_sums_up_the_choices(cast, web, url):
    start = at(TUESDAY, 9, 30)
    response = web(cast.client).get(url("confirm", start=start.isoformat()))
    html = page(response)
    assert response.status_code == 200
    assert "09:30–10:30" in html
    assert "Cambio de aceite" in html
    assert "KJTR21" in html
    assert "Any available mechanic" in html
    assert 'name="notes"' in html


def test_a_step_without_an_earlier_choice_sends_the_client_back_to_it(cast, web, url, service, vehicle):
    client = web(cast.client)
    assert client.get(url("service", vehicle=None))["Location"] == url("vehicle")
    assert client.get(url("month", service=None))["Location"] == url("service")
    assert client.get(url("day"))["Location"] == url("month")
    assert client.get(url("confirm", date=TUESDAY.isoformat()))["Location"] == url("day", date=TUESDAY.isoformat())


def test_a_location_that_is_not_a_workshop_skips_the_vehicle_step(cast, web):
    office = LocationFactory(name="Consulta", sector=Sector.GENERAL)
    ServiceFactory(name="Consulta general", locations=[office], requires_mechanic=False)
    client = web(cast.client)
    assert reverse("booking:service", args=[office.pk]) in page(client.get(reverse("booking:start")))
    response = client.get(reverse("booking:vehicle", args=[office.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:service", args=[office.pk])
    services = client.get(reverse("booking:service", args=[office.pk]))
    assert services.status_code == 200
    assert "Consulta general" in page(services)


def test_someone_elses_vehicle_or_a_service_not_offered_there_is_not_found(cast, web, url):
    theirs = VehicleFactory(owner=cast.outsider)
    elsewhere = ServiceFactory(locations=[cast.other_location])
    client = web(cast.client)
    assert client.get(url("service", vehicle=theirs.pk)).status_code == 404
    assert client.get(url("month", service=elsewhere.pk)).status_code == 404
    assert client.get(url("month", location=LocationFactory(is_active=False))).status_code == 404


def test_malformed_choices_count_as_not_made(cast, web, url):
    client = web(cast.client)
    assert client.get(url("day", date="2026-13-45"))["Location"] == url("month")
    response = client.get(url("month", month="nonsense"))
    assert response.status_code == 200
    assert "November 2026" in page(response)


# --- The month ----------------------------------------------------------------


def test_the_month_marks_the_days_with_free_times_and_not_holidays_closures_or_weekends(
    cast, web, url, django_assert_max_num_queries
):
    ClosureFactory(location=cast.location, start=at(date(2026, 12, 3), 0), end=at(date(2026, 12, 4), 0))
    client = web(cast.client)
    with django_assert_max_num_queries(19):  # one availability read for the whole month (+ cache counters)
        response = client.get(url("month", month="2026-12"))
    html = page(response)
    assert response.status_code == 200
    assert "December 2026" in html
    assert "bk-cal__day--free" in day_classes(html, "2026-12-01")
    assert "bk-cal__day--free" in day_classes(html, "2026-12-02")
    assert "bk-cal__day--none" in day_classes(html, "2026-12-03")  # closure
    assert "bk-cal__day--none" in day_classes(html, "2026-12-05")  # Saturday
    assert "bk-cal__day--none" in day_classes(html, "2026-12-08")  # Inmaculada Concepción
    assert "bk-cal__day--none" in day_classes(html, "2026-12-25")  # Christmas
    assert url("day", date="2026-12-01").replace("&", "&amp;") in html


def test_the_month_stops_at_today_and_at_the_horizon(cast, web, url):
    cast.location.booking_horizon_days = 58  # the last bookable date is Wednesday 27 January
    cast.location.save()
    client = web(cast.client)
    november = page(client.get(url("month")))
    assert "November 2026" in november
    assert "bk-cal__day--free" in day_classes(november, "2026-11-30")  # 09:00 is exactly the notice away
    assert 'rel="prev"' not in november
    assert 'rel="next"' in november
    january = page(client.get(url("month", month="2027-01")))
    assert "bk-cal__day--free" in day_classes(january, "2027-01-27")
    assert "bk-cal__day--none" in day_classes(january, "2027-01-28")
    assert 'rel="next"' not in january
    later = page(client.get(url("month", month="2027-06")))
    assert "January 2027" in later  # clipped to the last month the horizon reaches


def test_the_month_offers_the_services_mechanics_and_narrows_to_the_chosen_one(cast, web, url, service):
    colleague = StaffFactory(role="mechanic", location=cast.location, first_name="Rita", last_name="Soto")
    AppointmentFactory(
        location=cast.location, service=service, mechanic=colleague, start=at(TUESDAY, 9), client=cast.outsider
    )
    client = web(cast.client)
    month = page(client.get(url("month", month="2026-12")))
    assert "Any mechanic" in month
    assert "Rita Soto" in month
    assert cast.mechanic.get_full_name() in month
    assert cast.other_mechanic.get_full_name() not in month
    anyone = page(client.get(url("day", date=TUESDAY.isoformat())))
    with_rita = page(client.get(url("day", date=TUESDAY.isoformat(), mechanic=colleague.pk)))
    assert ">09:00</a>" in anyone
    assert ">09:00</a>" not in with_rita
    assert ">10:00</a>" in with_rita
    assert "With Rita Soto." in with_rita


def test_htmx_gets_only_the_month_fragment(cast, web, url):
    response = web(cast.client).get(url("month", month="2026-12"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bk-month")
    html = page(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="bk-month"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_only_the_days_times(cast, web, url):
    response = web(cast.client).get(
        url("day", date=TUESDAY.isoformat()), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bk-day"
    )
    html = page(response)
    assert "<html" not in html
    assert ">09:30</a>" in html


# --- Booking ----------------------------------------------------------------------


def test_the_full_flow_books_a_confirmed_appointment(cast, web, url, service, vehicle):
    client = web(cast.client)
    start = at(TUESDAY, 10)
    for step in (
        reverse("booking:start"),
        url("vehicle"),
        url("service"),
        url("month"),
        url("day", date=TUESDAY.isoformat()),
        url("confirm", start=start.isoformat()),
    ):
        assert client.get(step).status_code == 200, step
    response = client.post(url("confirm", start=start.isoformat()), {"notes": "Ruido al frenar"})
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:done", args=[appointment.pk])
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.client == cast.client
    assert appointment.created_by == cast.client
    assert appointment.vehicle == vehicle
    assert appointment.service == service
    assert appointment.mechanic == cast.mechanic
    assert appointment.start == start
    assert appointment.notes == "Ruido al frenar"
    done = client.get(response["Location"])
    assert "Your appointment is booked." in page(done)


def test_booking_with_a_chosen_mechanic_books_that_mechanic(cast, web, url):
    colleague = StaffFactory(role="mechanic", location=cast.location)
    start = at(TUESDAY, 11)
    response = web(cast.client).post(url("confirm", start=start.isoformat(), mechanic=colleague.pk), {"notes": ""})
    assert response.status_code == 302
    assert Appointment.objects.get().mechanic == colleague


def test_a_time_taken_between_viewing_and_confirming_shows_the_message_and_books_nothing(cast, web, url, service):
    client = web(cast.client)
    start = at(TUESDAY, 10)
    assert client.get(url("confirm", start=start.isoformat())).status_code == 200
    taken = AppointmentFactory(
        location=cast.location, service=service, mechanic=cast.mechanic, client=cast.outsider, start=start
    )
    response = client.post(url("confirm", start=start.isoformat()), {"notes": "Hola"})
    html = page(response)
    assert response.status_code == 409
    assert JUST_TAKEN in html
    assert ">11:00</a>" in html  # the day's other times, to choose another
    assert ">10:00</a>" not in html
    assert list(Appointment.objects.all()) == [taken]


def test_a_full_hour_between_viewing_and_confirming_is_also_just_taken(cast, web, url, service):
    cast.location.max_appointments_per_hour = 1
    cast.location.save()
    client = web(cast.client)
    start = at(TUESDAY, 10)
    assert client.get(url("confirm", start=start.isoformat())).status_code == 200
    AppointmentFactory(location=cast.location, service=service, client=cast.outsider, start=at(TUESDAY, 10, 30))
    response = client.post(url("confirm", start=start.isoformat()), {"notes": ""})
    assert response.status_code == 409
    assert JUST_TAKEN in page(response)
    assert not Appointment.objects.filter(client=cast.client).exists()


def test_a_stale_confirm_link_goes_back_to_the_day(cast, web, url, service):
    start = at(TUESDAY, 10)
    AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=start)
    response = web(cast.client).get(url("confirm", start=start.isoformat()), follow=True)
    assert response.redirect_chain[-1][0] == url("day", date=TUESDAY.isoformat())
    assert JUST_TAKEN in page(response)


def test_notes_that_are_too_long_are_refused_and_nothing_is_booked(cast, web, url):
    response = web(cast.client).post(url("confirm", start=at(TUESDAY, 10).isoformat()), {"notes": "x" * 2001})
    assert response.status_code == 400
    assert "field--error" in page(response)
    assert not Appointment.objects.exists()


# --- The appointment's pages ----------------------------------------------------


@pytest.fixture
def booked(cast, service, vehicle):
    return AppointmentFactory(
        location=cast.location,
        service=service,
        client=cast.client,
        vehicle=vehicle,
        mechanic=cast.mechanic,
        start=at(TUESDAY, 10),
    )


def test_the_confirmation_page_shows_the_appointment_in_the_locations_time(cast, web, booked):
    response = web(cast.client).get(reverse("booking:done", args=[booked.pk]))
    html = page(response)
    assert response.status_code == 200
    assert "10:00–11:00" in html
    assert "America/Santiago" in html
    assert "Cambio de aceite" in html
    assert cast.location.name in html
    assert cast.mechanic.get_full_name() in html
    assert "KJTR21" in html
    assert "25,000 CLP" in html
    assert "Confirmed" in html
    assert reverse("booking:ics", args=[booked.pk]) in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("client", 200),
        ("admin", 200),
        ("manager", 200),
        ("receptionist", 200),
        ("mechanic", 200),
        ("other_manager", 404),
        ("other_receptionist", 404),
        ("other_mechanic", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["done", "ics", "cancel"])
def test_the_appointments_pages_open_only_for_who_may_see_it(cast, web, booked, who, status, name):
    response = web(cast.by_name(who)).get(reverse(f"booking:{name}", args=[booked.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    "name", ["start", "mine", "vehicle", "service", "month", "day", "confirm", "done", "ics", "cancel"]
)
def test_anonymous_visitors_are_sent_to_log_in(cast, web, name, booked):
    args = [booked.pk] if name in ("done", "ics", "cancel") else [] if name in ("start", "mine") else [cast.location.pk]
    path = reverse(f"booking:{name}", args=args)
    response = web(None).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", STAFF)
@pytest.mark.parametrize("name", ["start", "mine", "vehicle", "service", "month", "day", "confirm"])
def test_staff_book_from_the_staff_calendar_not_from_the_clients_pages(cast, web, who, name):
    args = [] if name in ("start", "mine") else [cast.location.pk]
    assert web(cast.by_name(who)).get(reverse(f"booking:{name}", args=args)).status_code == 403


def test_staff_may_not_post_a_booking_through_the_clients_pages(cast, web, url):
    response = web(cast.receptionist).post(url("confirm", start=at(TUESDAY, 10).isoformat()), {"notes": ""})
    assert response.status_code == 403
    assert not Appointment.objects.exists()


# --- My appointments, cancel, reschedule ----------------------------------------


def test_my_appointments_lists_upcoming_and_past_with_translated_statuses(
    cast, web, service, booked, django_assert_max_num_queries
):
    AppointmentFactory(
        location=cast.location, service=service, client=cast.client, start=at(date(2026, 11, 20), 9), status="completed"
    )
    AppointmentFactory(
        location=cast.location, service=service, client=cast.client, start=at(WEDNESDAY, 9), status="cancelled"
    )
    AppointmentFactory(location=cast.location, service=service, client=cast.outsider, start=at(WEDNESDAY, 11))
    for _ in range(5):
        AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(date(2026, 11, 2), 9))
    client = web(cast.client)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("booking:mine"))
    html = page(response)
    upcoming, past = html.split('id="bk-past"')
    assert response.status_code == 200
    assert reverse("booking:done", args=[booked.pk]) in upcoming
    assert "Confirmed" in upcoming
    assert "Completed" in past
    assert "Cancelled" in past
    assert upcoming.count('class="card bk-appt"') == 1
    assert reverse("booking:cancel", args=[booked.pk]) in upcoming
    assert f"reschedule={booked.pk}" in upcoming


def test_a_client_cancels_within_the_window(cast, web, booked):
    client = web(cast.client)
    assert client.get(reverse("booking:cancel", args=[booked.pk])).status_code == 200
    response = client.post(reverse("booking:cancel", args=[booked.pk]))
    booked.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:mine")
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.status_changes.filter(to_status="cancelled", changed_by=cast.client).exists()


def test_too_late_to_change_online_replaces_the_buttons_with_a_note(cast, web, service):
    soon = AppointmentFactory(
        location=cast.location, service=service, client=cast.client, mechanic=cast.mechanic, start=at(NOW.date(), 9, 30)
    )
    client = web(cast.client)
    html = page(client.get(reverse("booking:mine")))
    assert TOO_LATE in html
    assert reverse("booking:cancel", args=[soon.pk]) not in html
    assert f"reschedule={soon.pk}" not in html
    done = page(client.get(reverse("booking:done", args=[soon.pk])))
    assert TOO_LATE in done


def test_a_cancel_past_the_window_shows_the_services_refusal_and_changes_nothing(cast, web, service):
    soon = AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(NOW.date(), 9, 30))
    response = web(cast.client).post(reverse("booking:cancel", args=[soon.pk]))
    soon.refresh_from_db()
    assert response.status_code == 409
    assert TOO_LATE in page(response)
    assert soon.status == AppointmentStatus.CONFIRMED


def test_staff_of_the_location_may_cancel_late(cast, web, service):
    soon = AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(NOW.date(), 9, 30))
    response = web(cast.receptionist).post(reverse("booking:cancel", args=[soon.pk]))
    soon.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:done", args=[soon.pk])
    assert soon.status == AppointmentStatus.CANCELLED


def test_reschedule_moves_the_appointment_through_the_month_and_day_pages(cast, web, booked, url):
    client = web(cast.client)
    params = {"service": booked.service_id}
    month = client.get(url("month", vehicle=None, reschedule=booked.pk, **params))
    assert month.status_code == 200
    assert "Now booked for" in page(month)
    own_time = page(client.get(url("day", vehicle=None, reschedule=booked.pk, date=TUESDAY.isoformat(), **params)))
    assert ">10:00</a>" in own_time  # a move ignores the appointment itself
    new_start = at(WEDNESDAY, 11)
    confirm = url("confirm", vehicle=None, reschedule=booked.pk, start=new_start.isoformat(), **params)
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)
    booked.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:done", args=[booked.pk])
    assert booked.start == new_start
    assert booked.local_date == WEDNESDAY
    assert booked.status == AppointmentStatus.CONFIRMED
    assert Appointment.objects.count() == 1


def test_rescheduling_someone_elses_appointment_is_not_found(cast, web, url, service):
    theirs = AppointmentFactory(location=cast.location, service=service, client=cast.outsider, start=at(TUESDAY, 9))
    response = web(cast.client).get(url("month", vehicle=None, reschedule=theirs.pk))
    assert response.status_code == 404


def test_rescheduling_too_late_sends_the_client_to_the_appointment_with_the_note(cast, web, url, service):
    soon = AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(NOW.date(), 9, 30))
    response = web(cast.client).get(url("month", vehicle=None, reschedule=soon.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("booking:done", args=[soon.pk])
    assert TOO_LATE in page(response)


def test_a_cancelled_appointment_cannot_be_rescheduled(cast, web, url, booked):
    booked.status = AppointmentStatus.CANCELLED
    booked.save()
    response = web(cast.client).get(url("month", vehicle=None, reschedule=booked.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("booking:done", args=[booked.pk])
    assert "This appointment can no longer be moved." in page(response)
    assert reverse("booking:cancel", args=[booked.pk]) not in page(response)
