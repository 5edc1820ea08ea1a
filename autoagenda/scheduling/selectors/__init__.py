"""Reads of scheduling, by noun: staff hours (`hours`), what is bookable (`slots`, and the availability API's
`answers`), appointments.

The public names are re-exported here, so callers write `selectors.available_slots_for(...)`. The reads of one
page family live with it (booking/, calendar/, staff_hours/).
"""

from autoagenda.scheduling.selectors.answers import availability_json, availability_location, offered_service
from autoagenda.scheduling.selectors.appointments import appointments_visible_to, get_appointment_for_user
from autoagenda.scheduling.selectors.hours import WeeklyHours, staff_zone, time_off_between, working_hours_for
from autoagenda.scheduling.selectors.slots import (
    BookableSlots,
    availability_query,
    availability_query_for_move,
    available_slots_for,
    earliest_start,
    eligible_mechanic_ids,
    local_midnight,
    lock_mechanics_during,
    slots_ignoring_notice,
)

__all__ = [
    "BookableSlots",
    "WeeklyHours",
    "appointments_visible_to",
    "availability_json",
    "availability_location",
    "availability_query",
    "availability_query_for_move",
    "available_slots_for",
    "earliest_start",
    "eligible_mechanic_ids",
    "get_appointment_for_user",
    "local_midnight",
    "lock_mechanics_during",
    "offered_service",
    "slots_ignoring_notice",
    "staff_zone",
    "time_off_between",
    "working_hours_for",
]
