"""What scheduling tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects").

Each appointment service sends exactly one of these, after its writes and inside its transaction: booking sends
`appointment_booked`, moving (another time or another mechanic) `appointment_rescheduled`, cancelling
`appointment_cancelled`, and every other status change (check-in, start, finish, no-show, confirm)
`appointment_status_changed`; confirming attendance (the status stays) sends `appointment_attendance_confirmed`.
A subscriber's exception refuses the whole operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from autoagenda.accounts.models import User
from autoagenda.core.events import Event
from autoagenda.scheduling.models import Appointment


@dataclass(frozen=True)
class AppointmentBooked:
    appointment: Appointment
    actor: User | None


@dataclass(frozen=True)
class AppointmentRescheduled:
    appointment: Appointment  # as it is now: the new start, end and mechanic
    actor: User | None
    previous_start: datetime
    previous_mechanic_id: int | None


@dataclass(frozen=True)
class AppointmentCancelled:
    appointment: Appointment
    actor: User | None
    from_status: str


@dataclass(frozen=True)
class AppointmentStatusChanged:
    """A step of the appointment's life other than cancelling; `to_status` is `appointment.status`."""

    appointment: Appointment
    actor: User | None
    from_status: str
    to_status: str


@dataclass(frozen=True)
class AttendanceConfirmed:
    """The client said they will come (status unchanged; `appointment.attendance_confirmed_at` is set)."""

    appointment: Appointment
    actor: User | None


appointment_booked: Event[AppointmentBooked] = Event("scheduling.appointment_booked")
appointment_rescheduled: Event[AppointmentRescheduled] = Event("scheduling.appointment_rescheduled")
appointment_cancelled: Event[AppointmentCancelled] = Event("scheduling.appointment_cancelled")
appointment_status_changed: Event[AppointmentStatusChanged] = Event("scheduling.appointment_status_changed")
appointment_attendance_confirmed: Event[AttendanceConfirmed] = Event("scheduling.appointment_attendance_confirmed")
