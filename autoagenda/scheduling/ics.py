"""An appointment as an iCalendar event: "Add to calendar" on the confirmation page, and the building block of
the calendar feeds and the invitations attached to emails (notifications/ics.py).

Times are written in UTC so that every calendar (Google, Apple, Outlook) shows them right without a VTIMEZONE
block; the UID is stable per appointment and SEQUENCE grows with each change (every change writes a history
row), so downloading it again after a reschedule updates the same event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from autoagenda.scheduling.models import Appointment, AppointmentStatus

PRODID = "-//AutoAgenda//Booking//EN"


def appointment_uid(appointment: Appointment) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "autoagenda"
    return f"appointment-{appointment.pk}@{host}"


def appointment_summary(appointment: Appointment) -> str:
    return f"{appointment.service.name} — {appointment.location.name}"


def appointment_sequence(appointment: Appointment) -> int:
    """0 when booked, +1 with each change (reschedule, cancellation, status): its history rows minus one.

    Lists annotate `ics_sequence` (one query for all); a single appointment counts its history.
    """
    annotated = getattr(appointment, "ics_sequence", None)
    if annotated is not None:
        return max(0, int(annotated))
    return max(0, appointment.status_changes.count() - 1)


def appointment_description(appointment: Appointment) -> str:
    """Plain lines in the active language: what a person wants to see in their calendar entry."""
    location = appointment.location
    lines = [appointment_summary(appointment)]
    if appointment.mechanic is not None:
        lines.append(_("Mechanic: %(name)s") % {"name": appointment.mechanic.get_full_name()})
    if appointment.vehicle is not None:
        vehicle = appointment.vehicle
        lines.append(
            _("Vehicle: %(make)s %(model)s (%(plate)s)")
            % {"make": vehicle.make, "model": vehicle.model, "plate": vehicle.plate}
        )
    if location.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": location.phone})
    if appointment.notes:
        lines.append(_("Notes: %(notes)s") % {"notes": appointment.notes})
    return "\n".join(lines)


def appointment_event(appointment: Appointment, *, stamp: datetime | None = None) -> Event:
    """One VEVENT: stable UID, SEQUENCE, times in UTC, CONFIRMED or CANCELLED."""
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment_sequence(appointment))
    event.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", appointment_summary(appointment))
    if appointment.location.address:
        event.add("location", appointment.location.address)
    event.add("description", appointment_description(appointment))
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if appointment.updated_at is not None:
        event.add("last-modified", appointment.updated_at.astimezone(UTC))
    return event


def new_calendar(*, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def appointment_calendar(appointment: Appointment, *, stamp: datetime | None = None) -> bytes:
    """One VCALENDAR with one VEVENT; `stamp` (DTSTAMP) defaults to now."""
    calendar = new_calendar()
    calendar.add_component(appointment_event(appointment, stamp=stamp))
    return calendar.to_ical()
