"""Calendar files the notifications send: the private feed of a person's appointments, and the invitation
attached to a confirmation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL, same UID, higher SEQUENCE).

The invitation is stored in the outbox as a built attachment (`invitation_attachment`: what the message is about)
and made by the worker when it sends the email (`build_invitation`), so a booking's transaction builds no
iCalendar. The events themselves come from scheduling/ics.py, so the feed, the invitation and the confirmation page's
download describe an appointment the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from icalendar import vCalAddress, vText

from autoagenda.notifications.services import Attachment, BuiltAttachment
from autoagenda.scheduling.ics import appointment_event, appointment_sequence, appointment_uid, new_calendar
from autoagenda.scheduling.models import Appointment, AppointmentStatus

INVITATION_BUILDER = "appointment_invitation"


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


def invitation_attachment(appointment: Appointment, *, sequence: int | None = None) -> BuiltAttachment:
    """The invitation as the outbox stores it: built when the email is sent (the worker), not in the booking's
    transaction. What the message is about is fixed now — start, end, status (so REQUEST or CANCEL) and SEQUENCE
    — and the rest (service, location, mechanic, vehicle, client) is read then. `sequence` when the caller knows
    it (a booking just made is 0) saves counting the history."""
    return BuiltAttachment(
        INVITATION_BUILDER,
        {
            "appointment": appointment.pk,
            "start": appointment.start.isoformat(),
            "end": appointment.end.isoformat(),
            "status": appointment.status,
            "sequence": appointment_sequence(appointment) if sequence is None else sequence,
        },
    )


def build_invitation(params: Mapping[str, Any], language: str) -> Attachment:
    """The attachment builder of `invitation_attachment` (registered by the subscribers), in the recipient's
    language. An appointment deleted since raises, and that email fails (the worker records why)."""
    appointment = Appointment.objects.select_related("location", "service", "client", "mechanic", "vehicle").get(
        pk=params["appointment"]
    )
    appointment.start = datetime.fromisoformat(params["start"])
    appointment.end = datetime.fromisoformat(params["end"])
    appointment.status = params["status"]
    appointment.ics_sequence = int(params["sequence"])  # type: ignore[attr-defined]  # read by appointment_sequence
    with translation.override(language):
        return appointment_invitation(appointment)
