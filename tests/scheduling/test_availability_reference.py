"""The availability engine against its previous implementation (tests/scheduling/reference_availability.py).

The engine was rewritten for speed (parallel candidate lists, one column of flags per candidate, bookings as
integer microseconds from the selector); the previous engine, kept verbatim as the reference, must give the same
answer on random inputs: the DST days of Santiago, Madrid and New York, buffers, time off, closures, capacity,
mechanics with their own hours, and bookings given either as datetimes (`busy`) or as the selector's integers
(`busy_us`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from autoagenda.core.timeutils import isoformat_in
from autoagenda.scheduling import availability
from autoagenda.scheduling.selectors.slots import BookableSlots
from tests.scheduling import reference_availability as reference
from tests.scheduling.test_availability_properties import PROPERTY_SETTINGS, grid_starts, queries

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def as_reference(query: availability.AvailabilityQuery) -> reference.AvailabilityQuery:
    """The same question for the previous engine, which knew bookings as datetimes only."""
    mechanics = [
        reference.MechanicCalendar(
            id=calendar.id,
            hours=calendar.hours,
            time_off=calendar.time_off,
            busy=[*calendar.busy, *((as_datetime(low), as_datetime(high)) for low, high in calendar.busy_us)],
            bookings_per_date=calendar.bookings_per_date,
        )
        for calendar in query.mechanics
    ]
    fields = {name: getattr(query, name) for name in reference.AvailabilityQuery.__dataclass_fields__}
    return reference.AvailabilityQuery(**{**fields, "mechanics": mechanics})


def as_datetime(instant: int) -> datetime:
    return reference._from_us(instant, UTC)


def as_us(moment: datetime) -> int:
    return (moment.astimezone(UTC) - _EPOCH) // reference._ONE_US


def with_integer_bookings(query: availability.AvailabilityQuery, choices: list[bool]) -> availability.AvailabilityQuery:
    """Some mechanics' non-empty bookings moved to `busy_us`, as the selector gives them."""
    mechanics = []
    for calendar, move in zip(query.mechanics, choices + [False] * len(query.mechanics), strict=False):
        if move:
            kept = [(start, end) for start, end in calendar.busy if not start < end]
            moved = [(as_us(start), as_us(end)) for start, end in calendar.busy if start < end]
            calendar = replace(calendar, busy=kept, busy_us=moved)
        mechanics.append(calendar)
    return replace(query, mechanics=mechanics)


def as_tuples(
    slots: list[availability.Slot] | list[reference.Slot],
) -> list[tuple[datetime, datetime, tuple[int, ...]]]:
    return [(slot.start, slot.end, slot.mechanics) for slot in slots]


@PROPERTY_SETTINGS
@given(queries(), st.lists(st.booleans(), max_size=8))
def test_the_engine_offers_what_the_previous_engine_offered(
    query: availability.AvailabilityQuery, choices: list[bool]
) -> None:
    query = with_integer_bookings(query, choices)
    old = reference.available_slots(as_reference(query))
    new = availability.available_slots(query)

    assert as_tuples(new) == as_tuples(old)
    assert [(slot.start.tzinfo, slot.end.tzinfo) for slot in new] == [(query.zone, query.zone)] * len(new)
    assert [(s.start.fold, s.end.fold) for s in new] == [(s.start.fold, s.end.fold) for s in old]
    assert [
        (as_us(slot.start), slot.start.date(), slot.start.hour * 60 + slot.start.minute, slot.mechanics) for slot in new
    ] == availability.offered_starts(query)


@PROPERTY_SETTINGS
@given(queries(), st.lists(st.booleans(), max_size=8))
def test_the_booking_check_agrees_with_the_previous_engine_on_every_grid_start(
    query: availability.AvailabilityQuery, choices: list[bool]
) -> None:
    query = with_integer_bookings(query, choices)
    old_query = as_reference(query)
    for start in grid_starts(query):
        for moment in (start, start.astimezone(query.zone)):
            assert availability.check_start(query, moment) == reference.check_start(old_query, moment)
            assert availability.refusal_for(query, moment) == reference.refusal_for(old_query, moment)
            assert availability.free_mechanics_at(query, moment) == reference.free_mechanics_at(old_query, moment)
            free = reference.free_mechanics_at(old_query, moment)
            assert availability.least_loaded(query, moment, free) == reference.least_loaded(old_query, moment, free)


@PROPERTY_SETTINGS
@given(queries())
def test_the_remembered_answer_renders_what_json_dumps_of_isoformat_in_wrote(
    query: availability.AvailabilityQuery,
) -> None:
    """`BookableSlots` writes the API's slot objects from the engine's plain offers; the text is what the previous
    rendering (json.dumps of isoformat_in of each Slot) gave, DST days included, and so are its Slot objects."""
    slots = availability.available_slots(query)
    bookable = BookableSlots.of(availability.offered_starts(query), query.zone, query.duration_minutes)
    expected = [
        json.dumps(
            {
                "start": isoformat_in(slot.start, query.zone),
                "end": isoformat_in(slot.end, query.zone),
                "mechanics": list(slot.mechanics),
            },
            separators=(",", ":"),
        )
        for slot in slots
    ]

    assert bookable.joined == ",".join(expected)
    assert list(bookable.slots) == slots
    for index, slot in enumerate(slots):
        assert bookable.json_from(slot.start) == ",".join(expected[index:])
        assert bookable.from_(slot.start) == slots[index:]
        assert bookable.from_(slot.start + timedelta(microseconds=1)) == slots[index + 1 :]
