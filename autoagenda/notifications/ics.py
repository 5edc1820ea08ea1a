"""Calendar files the notifications send: the private feed of a person's appointments, and the invitation
attached to a confirmation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL, same UID, higher SEQUENCE).

The events themselves come from scheduling/ics.py, so the feed, the invitation and the confirmation page's
download describe an appointment the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import vCalAddress, vText

from autoagenda.notifications.services import Attachment
from autoagenda.scheduling.ics import appointment_event, appointment_uid, new_calendar
from autoagenda.scheduling.models import Appointment, AppointmentStatus


def feed_calendar(appointments: Iterable[Appointment], *, name: str, stamp: datetime | None = None) -> bytes:
    """A subscribable calendar (METHOD:PUBLISH) of many appointments; clients poll it, so it is cheap to build."""
    calendar = new_calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = stamp or timezone.now()
    for appointment in appointments:
        calendar.add_component(appointment_event(appointment, stamp=stamp))
    return calendar.to_ical()


def appointment_invitation(appointment: Appointment, *, stamp: datetime | None = None) -> Attachment:
    """The .ics for the email about this appointment: REQUEST while it stands, CANCEL once cancelled.

    Organizer is the workshop (the sender address), attendee the client; the event keeps the appointment's UID
    and its SEQUENCE (which the cancellation's history row raised), so a calendar that holds the invitation
    updates or removes that same event. The start is also given in the location's zone (with its VTIMEZONE),
    so the calendar shows the workshop's local time.
    """
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = new_calendar(method=method)
    event = appointment_event(appointment, stamp=stamp)
    zone = appointment.location.zone
    del event["dtstart"], event["dtend"]
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender}")
    organizer.params["cn"] = vText(appointment.location.name)
    event.add("organizer", organizer)
    client = appointment.client
    attendee = vCalAddress(f"mailto:{client.email}")
    attendee.params["cn"] = vText(client.get_full_name() or client.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    first = appointment.start.astimezone(zone).date()
    calendar.add_missing_timezones(first_date=first - timedelta(days=1), last_date=first + timedelta(days=2))
    filename = f"{appointment_uid(appointment).split('@', 1)[0]}.ics"
    return Attachment(filename, calendar.to_ical().decode(), f"text/calendar; method={method}")
