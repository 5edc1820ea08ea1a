"""Calendars: each person's private, revocable feed (`/calendar/<token>.ics`), parseable by icalendar, with
stable UIDs and SEQUENCE; the invitation for emails (METHOD:REQUEST, then METHOD:CANCEL with the same UID and a
higher SEQUENCE)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import resolve, reverse
from icalendar import Calendar

from autoagenda.notifications import ics, services
from autoagenda.scheduling import services as booking
from tests.catalog.factories import ServiceFactory
from tests.scheduling.factories import AppointmentFactory

SCL = ZoneInfo("America/Santiago")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 11, 30, 8, 0, tzinfo=SCL), tick=False):
        yield


@pytest.fixture
def oil(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], mechanics=[cast.mechanic])


@pytest.fixture
def booked(cast, oil):
    return booking.appointment_book(
        actor=cast.client, location=cast.location, service=oil, start=datetime(2026, 12, 1, 10, 0, tzinfo=SCL)
    )


def _feed_url(api, user) -> str:
    return api(user).get("/api/v1/me/calendar-feed/").json()["url"]


def _events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_feed_lists_a_clients_own_appointments(cast, api, client, booked):
    AppointmentFactory(location=cast.location, client=cast.outsider, start=datetime(2026, 12, 2, 10, tzinfo=SCL))
    url = _feed_url(api, cast.client)
    assert url.startswith("http://testserver/calendar/")
    events = _events(client, url)
    [(uid, event)] = events.items()
    assert uid == f"appointment-{booked.pk}@127.0.0.1"
    assert str(event["SUMMARY"]) == "Cambio de aceite — Taller Providencia"
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CONFIRMED", 0)
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 10, 0, tzinfo=SCL)


def test_a_mechanics_feed_lists_the_appointments_assigned_to_them(cast, api, client, booked):
    assert booked.mechanic_id == cast.mechanic.pk
    assert set(_events(client, _feed_url(api, cast.mechanic))) == {f"appointment-{booked.pk}@127.0.0.1"}
    assert _events(client, _feed_url(api, cast.receptionist)) == {}


def test_after_a_cancellation_the_feed_marks_it_cancelled_with_a_higher_sequence(cast, api, client, booked):
    url = _feed_url(api, cast.client)
    booking.appointment_cancel(actor=cast.client, appointment=booked)
    [event] = _events(client, url).values()
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


def test_rotating_gives_a_new_address_and_the_old_one_answers_404(cast, api, client, booked):
    old = _feed_url(api, cast.client)
    new = api(cast.client).post("/api/v1/me/calendar-feed/rotate/").json()["url"]
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert _feed_url(api, cast.client) == new


def test_an_unknown_token_is_404_and_a_deactivated_person_has_no_feed(cast, api, client):
    assert client.get("/calendar/" + "x" * 32 + ".ics").status_code == 404
    url = _feed_url(api, cast.client)
    cast.client.is_active = False
    cast.client.save()
    assert client.get(url).status_code == 404


def test_the_feed_route_leaves_the_staff_calendar_alone(cast):
    assert resolve("/calendar/").url_name == "index"
    assert resolve("/calendar/mine/").url_name == "mine"
    assert resolve(f"/calendar/{cast.location.pk}/day/").url_name == "day"
    assert resolve("/calendar/" + "a" * 32 + ".ics").url_name == "calendar-feed"
    assert reverse("calendar:index") == "/calendar/"


def test_the_feed_reads_a_fixed_number_of_queries(cast, client, oil, django_assert_max_num_queries):
    feed = services.calendar_feed_for(user=cast.client)
    url = f"/calendar/{feed.token}.ics"
    AppointmentFactory(
        location=cast.location, service=oil, client=cast.client, start=datetime(2026, 12, 1, 9, tzinfo=SCL)
    )
    with django_assert_max_num_queries(2):
        client.get(url)
    for day in range(2, 12):
        AppointmentFactory(
            location=cast.location, service=oil, client=cast.client, start=datetime(2026, 12, day, 9, tzinfo=SCL)
        )
    with django_assert_max_num_queries(2):
        assert len(Calendar.from_ical(client.get(url).content).walk("VEVENT")) == 11


def test_the_feed_page_shows_the_address_and_rotates_it(cast, web):
    page = web(cast.client)
    first = services.calendar_feed_for(user=cast.client).token
    assert first in page.get("/notifications/calendar-feed/").content.decode()
    assert page.post("/notifications/calendar-feed/").status_code == 302
    second = services.calendar_feed_for(user=cast.client).token
    assert second != first
    html = page.get("/notifications/calendar-feed/").content.decode()
    assert second in html
    assert first not in html


def test_the_profile_links_to_the_feed_page(cast, web):
    assert 'href="/notifications/calendar-feed/"' in web(cast.client).get("/accounts/profile/").content.decode()


# --- Invitations attached to emails ------------------------------------------------------------------------


def test_the_confirmation_carries_a_request_in_the_locations_zone(cast, booked):
    attachment = ics.appointment_invitation(booked)
    calendar = Calendar.from_ical(attachment.content)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    assert attachment.filename == f"appointment-{booked.pk}.ics"
    assert event["DTSTART"].params["TZID"] == "America/Santiago"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Santiago"]
    assert str(event["ORGANIZER"]) == "mailto:no-reply@autoagenda.local"
    assert str(event["ATTENDEE"]) == f"mailto:{cast.client.email}"
    assert str(event["LOCATION"]) == cast.location.address
    assert int(event["SEQUENCE"]) == 0


def test_the_cancellation_carries_a_cancel_with_the_same_uid_and_a_higher_sequence(cast, booked):
    request = Calendar.from_ical(ics.appointment_invitation(booked).content).walk("VEVENT")[0]
    booking.appointment_cancel(actor=cast.client, appointment=booked)
    attachment = ics.appointment_invitation(booked)
    calendar = Calendar.from_ical(attachment.content)
    cancel = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL"
    assert attachment.mimetype == "text/calendar; method=CANCEL"
    assert str(cancel["UID"]) == str(request["UID"])
    assert int(cancel["SEQUENCE"]) > int(request["SEQUENCE"])
    assert str(cancel["STATUS"]) == "CANCELLED"


def test_a_rescheduled_appointment_keeps_its_uid_with_a_higher_sequence(cast, booked):
    before = Calendar.from_ical(ics.appointment_invitation(booked).content).walk("VEVENT")[0]
    booking.appointment_reschedule(actor=cast.client, appointment=booked, start=datetime(2026, 12, 1, 15, tzinfo=SCL))
    after = Calendar.from_ical(ics.appointment_invitation(booked).content).walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == datetime(2026, 12, 1, 15, tzinfo=SCL)
