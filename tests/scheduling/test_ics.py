"""The confirmation page's "Add to calendar": one VEVENT, times in UTC, a stable UID."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from autoagenda.scheduling.ics import appointment_calendar
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory

SCL = ZoneInfo("America/Santiago")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 30, 8, 0, tzinfo=SCL), tick=False):
        yield


@pytest.fixture
def appointment(cast):
    cast.location.address = "Av. Providencia 1234, Santiago"
    cast.location.phone = "+56 2 2345 6789"
    cast.location.save()
    service = ServiceFactory(name="Cambio de aceite", locations=[cast.location], duration_minutes=90)
    return AppointmentFactory(
        location=cast.location,
        service=service,
        client=cast.client,
        mechanic=cast.mechanic,
        vehicle=VehicleFactory(owner=cast.client, plate="KJTR21"),
        start=datetime(2026, 12, 1, 9, 30, tzinfo=SCL),
        notes="Ruido al frenar",
    )


def the_event(body: bytes):
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_download_is_a_calendar_attachment(cast, web, appointment):
    response = web(cast.client).get(reverse("booking:ics", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="appointment-{appointment.pk}.ics"'
    _calendar, event = the_event(response.content)
    assert str(event["SUMMARY"]) == "Cambio de aceite — Taller Providencia"


def test_the_event_has_the_right_times_in_utc(appointment):
    calendar, event = the_event(appointment_calendar(appointment))
    assert str(calendar["VERSION"]) == "2.0"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2026, 12, 1, 12, 30, tzinfo=UTC)  # 09:30 in Santiago (UTC-3)
    assert end == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert start.utcoffset().total_seconds() == 0
    assert b"DTSTART:20261201T123000Z" in appointment_calendar(appointment)


def test_the_event_says_what_where_and_with_whom(cast, appointment):
    _calendar, event = the_event(appointment_calendar(appointment))
    description = str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Cambio de aceite — Taller Providencia"
    assert str(event["LOCATION"]) == "Av. Providencia 1234, Santiago"
    assert cast.mechanic.get_full_name() in description
    assert "KJTR21" in description
    assert "+56 2 2345 6789" in description
    assert "Ruido al frenar" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_uid_stays_the_same_when_the_appointment_moves(appointment, settings):
    settings.SITE_URL = "https://taller.example:8443"
    _calendar, before = the_event(appointment_calendar(appointment))
    appointment.start = datetime(2026, 12, 2, 11, 0, tzinfo=SCL)
    appointment.end = datetime(2026, 12, 2, 12, 30, tzinfo=SCL)
    _calendar, after = the_event(appointment_calendar(appointment))
    assert str(before["UID"]) == str(after["UID"]) == f"appointment-{appointment.pk}@taller.example"
    assert after.decoded("DTSTART") == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def test_a_cancelled_appointment_is_a_cancelled_event(appointment):
    appointment.status = "cancelled"
    _calendar, event = the_event(appointment_calendar(appointment))
    assert str(event["STATUS"]) == "CANCELLED"
