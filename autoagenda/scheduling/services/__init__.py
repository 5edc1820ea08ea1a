"""Every write of scheduling, by noun: staff `hours` and time off, `appointments`.

The public services are re-exported here, so callers write `services.appointment_book(...)`.
"""

from autoagenda.scheduling.services.appointments import (
    MOVABLE_STATUSES,
    NOTE_MAX,
    NOTES_MAX,
    appointment_book,
    appointment_cancel,
    appointment_confirm_attendance,
    appointment_confirm_pending,
    appointment_release_pending,
    appointment_reschedule,
    appointment_set_status,
    booking_deposit,
    refuses_mechanic,
    too_late_to_change,
)
from autoagenda.scheduling.services.hours import (
    REASON_MAX,
    HoursEntry,
    time_off_add,
    time_off_delete,
    working_hours_errors,
    working_hours_replace,
    working_hours_set,
)

__all__ = [
    "MOVABLE_STATUSES",
    "NOTES_MAX",
    "NOTE_MAX",
    "REASON_MAX",
    "HoursEntry",
    "appointment_book",
    "appointment_cancel",
    "appointment_confirm_attendance",
    "appointment_confirm_pending",
    "appointment_release_pending",
    "appointment_reschedule",
    "appointment_set_status",
    "booking_deposit",
    "refuses_mechanic",
    "time_off_add",
    "time_off_delete",
    "too_late_to_change",
    "working_hours_errors",
    "working_hours_replace",
    "working_hours_set",
]
