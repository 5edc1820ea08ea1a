"""End to end, with real processes: a client books through the API while `manage.py worker` runs with EMAIL_URL
pointed at a local SMTP server. The confirmation arrives in the client's language with the .ics; the cancel link
in it cancels the booking; the calendar feed parses with `icalendar` and lists the appointment, and after the
cancellation no longer shows it as confirmed (and the CANCEL invitation arrives too).

Bounded in time: every wait is on a condition with a deadline.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from email.message import EmailMessage

import pytest
from django.utils import timezone
from icalendar import Calendar

from autoagenda.scheduling.models import Appointment
from tests.catalog.factories import ServiceFactory
from tests.notifications.peers import SmtpSink, wait_until
from tests.notifications.test_fault_tolerance import DELIVER_S, WorkerProcess

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _next_weekday_at_ten(zone) -> datetime:
    day = timezone.now().astimezone(zone).date() + timedelta(days=7)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=zone)


def _to(sink: SmtpSink, address: str) -> list[EmailMessage]:
    with sink.lock:
        return [m for m in sink.messages if address in str(m["To"])]


def _calendar(message: EmailMessage) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def _path(url: str) -> str:
    """The path of an absolute address (the messages carry SITE_URL; the test client speaks to the app)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


def _feed_events(client, url: str) -> dict[str, str]:
    response = client.get(_path(url))
    assert response.status_code == 200
    return {str(e["UID"]): str(e["STATUS"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_booking_through_the_api_is_confirmed_by_email_and_cancelled_from_its_link(cast, api, client):
    cast.client.language = "en"
    cast.client.save()
    oil = ServiceFactory(name="Oil change", locations=[cast.location], mechanics=[cast.mechanic])
    start = _next_weekday_at_ten(cast.location.zone)
    feed_url = api(cast.client).get("/api/v1/me/calendar-feed/").json()["url"]

    with SmtpSink() as sink:
        worker = WorkerProcess(sink)
        worker.start()
        try:
            response = api(cast.client).post(
                "/api/v1/appointments/",
                {"location": cast.location.pk, "service": oil.pk, "start": start.isoformat()},
                format="json",
            )
            assert response.status_code == 201, response.content
            appointment = Appointment.objects.get(pk=response.json()["id"])
            wait_until(lambda: _to(sink, cast.client.email), timeout=DELIVER_S, what="the confirmation")
            [confirmation] = _to(sink, cast.client.email)
            assert confirmation["Subject"].startswith("Your appointment is booked: Oil change")
            text = confirmation.get_body(preferencelist=("plain",)).get_content()
            assert text.startswith("Hello ")
            invitation = _calendar(confirmation)
            assert invitation["METHOD"] == "REQUEST"
            [event] = invitation.walk("VEVENT")
            assert event["DTSTART"].params["TZID"] == cast.location.timezone
            assert str(event["LOCATION"]) == cast.location.address

            assert _feed_events(client, feed_url) == {str(event["UID"]): "CONFIRMED"}

            path = _path(re.search(r"^Cancel: (\S+)\s*$", text, re.M).group(1))
            assert client.get(path).status_code == 200
            assert 'data-selfservice="cancelled"' in client.post(path).content.decode()
            appointment.refresh_from_db()
            assert appointment.status == "cancelled"

            assert _feed_events(client, feed_url) == {str(event["UID"]): "CANCELLED"}
            wait_until(lambda: len(_to(sink, cast.client.email)) >= 2, timeout=DELIVER_S, what="the cancellation")
            cancellation = _calendar(_to(sink, cast.client.email)[1])
            assert cancellation["METHOD"] == "CANCEL"
            [cancelled] = cancellation.walk("VEVENT")
            assert cancelled["UID"] == event["UID"]
            assert cancelled["SEQUENCE"] > event["SEQUENCE"]
        finally:
            code = worker.stop()
    assert code == 0, worker.output()
