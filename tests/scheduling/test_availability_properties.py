"""Property tests for the availability engine: random locations, calendars and DST days.

The checks read the rules directly with plain datetimes and linear scans (no bisect, no microsecond
arithmetic), so they are an independent reading of API.md's rules rather than a copy of the engine.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from autoagenda.scheduling.availability import (
    CAPACITY_REACHED,
    SLOT_UNAVAILABLE,
    AvailabilityQuery,
    MechanicCalendar,
    Slot,
    Span,
    WeeklyHours,
    available_slots,
    check_start,
    free_mechanics_at,
    least_loaded,
    refusal_for,
)

SANTIAGO, MADRID, NEW_YORK = (ZoneInfo(name) for name in ("America/Santiago", "Europe/Madrid", "America/New_York"))
# Each zone with the day before its own 2026 DST changes, plus ordinary days; queries cover 1-3 dates from there.
ZONE_DAYS = [
    (SANTIAGO, date(2026, 9, 5)),  # 00:00 Sunday jumps to 01:00
    (SANTIAGO, date(2026, 4, 4)),  # 24:00 Saturday goes back to 23:00
    (MADRID, date(2026, 3, 28)),
    (MADRID, date(2026, 10, 24)),
    (NEW_YORK, date(2026, 3, 7)),
    (NEW_YORK, date(2026, 10, 31)),
    (SANTIAGO, date(2026, 12, 7)),
    (ZoneInfo("UTC"), date(2026, 3, 28)),
]
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)
T = TypeVar("T")


# --- strategies ---------------------------------------------------------------------------------------------------


@cache
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """One strategy object per range: building and validating a fresh one on every draw dominates the run time."""
    return st.integers(low, high)


def pick_mechanic(query: AvailabilityQuery, start: datetime) -> int | None:
    """Rule 3 as the booking services apply it: `least_loaded` among the free eligible mechanics."""
    return least_loaded(query, start, free_mechanics_at(query, start))


def pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    return options[draw(ints(0, len(options) - 1))]


def weekly_hours(draw: st.DrawFn, weekdays: list[int], fewest: int = 0) -> dict[int, list[tuple[int, int]]]:
    """Hours for the weekdays the query covers only: the others are never read."""
    hours: dict[int, list[tuple[int, int]]] = {}
    for weekday in weekdays:
        intervals = []
        for _ in range(draw(ints(fewest, 3))):
            start_step, length_steps = divmod(draw(ints(0, 46 * 23 - 1)), 23)  # one draw per interval: faster
            start = start_step * 30
            intervals.append((start, min(1440, start + (length_steps + 2) * 30)))
        hours[weekday] = intervals
    return hours


def spans(draw: st.DrawFn, zone: ZoneInfo, dates: list[date], max_size: int) -> list[Span]:
    """Spans starting on a 15-minute local grid of the query's dates (either occurrence of a repeated time),
    some given in UTC, some in the location's zone."""
    result: list[Span] = []
    for _ in range(draw(ints(0, max_size))):
        # Few draws per span (drawing each part separately is much slower): the quarter hour, then the rest.
        quarter = draw(ints(0, 95))
        code = draw(ints(0, len(dates) * 2 * 40 * 2 - 1))
        code, in_zone = divmod(code, 2)
        code, length = divmod(code, 40)
        day_index, fold = divmod(code, 2)
        wall = datetime.combine(dates[day_index], time()) + timedelta(minutes=15 * quarter)
        start = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        end = start + timedelta(minutes=15 * (length + 1))
        if in_zone:
            start, end = start.astimezone(zone), end.astimezone(zone)
        result.append((start, end))
    return result


def optional(draw: st.DrawFn, low: int, high: int) -> int | None:
    return None if draw(ints(0, 1)) else draw(ints(low, high))


@st.composite
def queries(draw: st.DrawFn) -> AvailabilityQuery:
    zone, base = pick(draw, ZONE_DAYS)
    first = base + timedelta(days=draw(ints(0, 1)))
    last = first + timedelta(days=draw(ints(0, 2)))
    dates = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    weekdays = sorted({day.isoweekday() for day in dates})
    origin = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    mechanic_ids = random.Random(draw(ints(0, 2**16))).sample(range(1, 31), k=draw(ints(0, 4)) or draw(ints(0, 4)))
    mechanics = [
        MechanicCalendar(
            id=mechanic_id,
            hours=None if draw(ints(0, 1)) else weekly_hours(draw, weekdays),
            time_off=spans(draw, zone, dates, 3),
            busy=spans(draw, zone, dates, 6),
            bookings_per_date={day: draw(ints(0, 3)) for day in dates},
        )
        for mechanic_id in mechanic_ids
    ]
    appointments_per_hour = {}
    for _ in range(draw(ints(0, 12))):
        code, count = divmod(draw(ints(0, len(dates) * 24 * 3 - 1)), 3)
        day_index, hour = divmod(code, 24)
        appointments_per_hour[dates[day_index], hour] = count
    appointments_per_date = {pick(draw, dates): draw(ints(0, 4)) for _ in range(draw(ints(0, 3)))}
    return AvailabilityQuery(
        zone=zone,
        first_date=first,
        last_date=last,
        now=origin + timedelta(minutes=draw(ints(1440 // 2, 1440 + 1440 // 2))),
        slot_minutes=pick(draw, [15, 20, 30, 45, 60]),
        duration_minutes=pick(draw, [15, 30, 45, 60, 90, 120]),
        buffer_minutes=pick(draw, [0, 10, 15, 30]),
        opening=weekly_hours(draw, weekdays, fewest=1),
        closures=spans(draw, zone, dates, 2),
        holidays=frozenset([pick(draw, dates)] if draw(ints(0, 3)) == 0 else []),
        min_notice_minutes=draw(ints(0, 300)),
        horizon_days=draw(ints(1, 6)),  # a zero horizon has its own example test
        max_per_hour=optional(draw, 1, 2),
        max_per_day=optional(draw, 1, 4),
        appointments_per_hour=appointments_per_hour,
        appointments_per_date=appointments_per_date,
        requires_mechanic=bool(draw(ints(0, 1))),
        mechanics=mechanics,
    )


# --- a plain reading of the rules ----------------------------------------------------------------------------------


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


@cache
def bound(zone: ZoneInfo, day: date, minute: int) -> datetime:
    """The first instant whose wall clock reads at least `minute` of `day`, found by scanning minute by minute."""
    target = datetime.combine(day, time()) + timedelta(minutes=minute)
    readings = [target.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    moment, latest = min(readings), max(readings)
    while wall(moment, zone) < target and moment < latest:
        moment += timedelta(minutes=1)
    return moment


def within(hours: WeeklyHours, zone: ZoneInfo, day: date, start: datetime, end: datetime) -> bool:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return any(
        bound(zone, day, low) <= start and end <= bound(zone, day, high)
        for low, high in hours.get(day.isoweekday(), ())
    )


def overlaps(first: Span, second: Span) -> bool:
    """Compared in UTC: two datetimes of one zone compare by wall clock, which is wrong across a DST change."""
    (a, b), (c, d) = [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in (first, second)]
    return a < b and c < d and a < d and c < b


def grid_starts(query: AvailabilityQuery) -> list[datetime]:
    """Every existing first-occurrence wall time on the grid of an opening interval."""
    found = set()
    day = query.first_date
    while day <= query.last_date:
        for low, high in query.opening.get(day.isoweekday(), ()):
            for minute in range(low, high, query.slot_minutes):
                local = (datetime.combine(day, time()) + timedelta(minutes=minute)).replace(tzinfo=query.zone)
                if wall(local.astimezone(UTC), query.zone) == local.replace(tzinfo=None):
                    found.add(local.astimezone(UTC))
        day += timedelta(days=1)
    return sorted(found)


def free_by_reading(query: AvailabilityQuery, start: datetime, end: datetime) -> tuple[int, ...]:
    day = wall(start, query.zone).date()
    occupied = (start, end + timedelta(minutes=query.buffer_minutes))
    return tuple(
        sorted(
            calendar.id
            for calendar in query.mechanics
            if within(query.opening if calendar.hours is None else calendar.hours, query.zone, day, start, end)
            and not any(overlaps((start, end), span) for span in calendar.time_off)
            and not any(overlaps(occupied, span) for span in calendar.busy)
        )
    )


def expected_slots(query: AvailabilityQuery) -> list[tuple[datetime, datetime, tuple[int, ...]]]:
    today = wall(query.now, query.zone).date()
    expected = []
    for start in grid_starts(query):
        end = start + timedelta(minutes=query.duration_minutes)
        local = wall(start, query.zone)
        day = local.date()
        free = free_by_reading(query, start, end) if query.requires_mechanic else ()
        if (
            within(query.opening, query.zone, day, start, end)
            and not any(overlaps((start, end), closure) for closure in query.closures)
            and day not in query.holidays
            and query.now.astimezone(UTC) + timedelta(minutes=query.min_notice_minutes) <= start
            and day <= today + timedelta(days=query.horizon_days)
            and (free or not query.requires_mechanic)
            and (
                query.max_per_hour is None or query.appointments_per_hour.get((day, local.hour), 0) < query.max_per_hour
            )
            and (query.max_per_day is None or query.appointments_per_date.get(day, 0) < query.max_per_day)
        ):
            expected.append((start, end, free))
    return expected


def as_tuples(slots: list[Slot]) -> list[tuple[datetime, datetime, tuple[int, ...]]]:
    return [(slot.start.astimezone(UTC), slot.end.astimezone(UTC), slot.mechanics) for slot in slots]


def shuffled(query: AvailabilityQuery, seed: int) -> AvailabilityQuery:
    rng = random.Random(seed)

    def mix(items: Iterable[T]) -> list[T]:
        result = list(items)
        rng.shuffle(result)
        return result

    return replace(
        query,
        opening={weekday: mix(intervals) for weekday, intervals in mix(query.opening.items())},
        closures=mix(query.closures),
        mechanics=mix(
            replace(
                calendar,
                busy=mix(calendar.busy),
                time_off=mix(calendar.time_off),
                hours=None
                if calendar.hours is None
                else {weekday: mix(intervals) for weekday, intervals in calendar.hours.items()},
            )
            for calendar in query.mechanics
        ),
    )


# --- properties ---------------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(queries())
def test_the_slots_match_a_plain_reading_of_the_rules(query: AvailabilityQuery) -> None:
    assert as_tuples(available_slots(query)) == expected_slots(query)


@PROPERTY_SETTINGS
@given(queries())
def test_no_slot_falls_outside_opening_hours_or_in_a_closure_or_on_a_holiday(query: AvailabilityQuery) -> None:
    for slot in available_slots(query):
        day = slot.start.date()
        local_minute = slot.start.hour * 60 + slot.start.minute
        assert slot.start.tzinfo is query.zone
        assert slot.end.tzinfo is query.zone
        assert query.first_date <= day <= query.last_date
        assert any(low <= local_minute < high for low, high in query.opening.get(day.isoweekday(), ()))
        assert within(query.opening, query.zone, day, slot.start, slot.end)
        assert not any(overlaps((slot.start, slot.end), closure) for closure in query.closures)
        assert day not in query.holidays
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == timedelta(minutes=query.duration_minutes)


@PROPERTY_SETTINGS
@given(queries())
def test_no_listed_mechanic_is_busy_off_or_away_during_the_booking_and_its_buffer(query: AvailabilityQuery) -> None:
    calendars = {calendar.id: calendar for calendar in query.mechanics}
    for slot in available_slots(query):
        occupied = (slot.start, slot.end.astimezone(UTC) + timedelta(minutes=query.buffer_minutes))
        assert bool(slot.mechanics) == query.requires_mechanic
        for mechanic_id in slot.mechanics:
            calendar = calendars[mechanic_id]
            assert not any(overlaps(occupied, busy) for busy in calendar.busy)
            assert not any(overlaps((slot.start, slot.end), off) for off in calendar.time_off)
            hours = query.opening if calendar.hours is None else calendar.hours
            assert within(hours, query.zone, slot.start.date(), slot.start, slot.end)


@PROPERTY_SETTINGS
@given(queries())
def test_capacity_notice_and_horizon_are_never_exceeded(query: AvailabilityQuery) -> None:
    today = query.now.astimezone(query.zone).date()
    for slot in available_slots(query):
        day = slot.start.date()
        if query.max_per_hour is not None:
            assert query.appointments_per_hour.get((day, slot.start.hour), 0) < query.max_per_hour
        if query.max_per_day is not None:
            assert query.appointments_per_date.get(day, 0) < query.max_per_day
        assert query.now.astimezone(UTC) + timedelta(minutes=query.min_notice_minutes) <= slot.start
        assert day <= today + timedelta(days=query.horizon_days)


@PROPERTY_SETTINGS
@given(queries(), st.integers(0, 2**32))
def test_the_answer_does_not_depend_on_the_order_of_the_inputs(query: AvailabilityQuery, seed: int) -> None:
    reordered = shuffled(query, seed)

    assert as_tuples(available_slots(reordered)) == as_tuples(available_slots(query))


@PROPERTY_SETTINGS
@given(queries())
def test_refusal_agrees_with_the_offered_slots_on_every_grid_start(query: AvailabilityQuery) -> None:
    offered = {slot.start.astimezone(UTC): slot for slot in available_slots(query)}
    for start in grid_starts(query):
        refusal = refusal_for(query, start)
        if start in offered:
            assert refusal is None
        else:
            assert refusal in {SLOT_UNAVAILABLE, CAPACITY_REACHED}
        if refusal == CAPACITY_REACHED:
            unlimited = replace(query, max_per_hour=None, max_per_day=None)
            assert refusal_for(unlimited, start) is None  # capacity was the only reason
    for slot in offered.values():
        assert refusal_for(query, slot.start) is None
        assert refusal_for(query, slot.start.astimezone(UTC) + timedelta(minutes=1)) == SLOT_UNAVAILABLE  # off the grid


@PROPERTY_SETTINGS
@given(queries())
def test_slots_are_ascending_and_unique_and_the_picked_mechanic_is_listed(query: AvailabilityQuery) -> None:
    slots = available_slots(query)
    instants = [slot.start.astimezone(UTC) for slot in slots]

    assert instants == sorted(set(instants))
    for slot in slots:
        assert list(slot.mechanics) == sorted(set(slot.mechanics))
        picked = pick_mechanic(query, slot.start)
        if query.requires_mechanic:
            day = slot.start.date()
            loads = {calendar.id: calendar.bookings_per_date.get(day, 0) for calendar in query.mechanics}
            assert picked == min(slot.mechanics, key=lambda mechanic_id: (loads[mechanic_id], mechanic_id))
        else:
            assert picked is None


@PROPERTY_SETTINGS
@given(queries())
def test_the_booking_check_agrees_with_refusal_and_free_mechanics_on_every_grid_start(query: AvailabilityQuery) -> None:
    """`check_start` (one evaluation, what the booking services use) is `refusal_for` + `free_mechanics_at`."""
    for start in grid_starts(query):
        refusal, free = check_start(query, start)
        assert refusal == refusal_for(query, start)
        if refusal is None and query.requires_mechanic:
            assert free == free_mechanics_at(query, start)
        else:
            assert free == ()
