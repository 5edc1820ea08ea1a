"""Pure availability engine: plain data in, slots out (no ORM, no clock, no settings).

Selectors gather the data and services re-check under a lock; both call this module so the API, the web UI and
the booking check can never disagree about what is bookable (API.md, "Availability rules" 1-11).

Internally every instant is an integer count of microseconds since the Unix epoch: comparisons stay exact
(``now + notice == start`` is offered) and cheap, and zone arithmetic happens only at the edges.

Wall-clock conventions:

* A candidate start is a local wall time on the grid of an opening interval. It is offered only if it exists
  (not in a DST gap) and only at its first occurrence (``fold=0``) when the clock repeats an hour.
* An interval bound (opening or working hours) is the first instant at which the wall clock shows that time:
  the first occurrence when it repeats, the end of the gap when it is skipped, and ``24:00`` is the next local
  midnight. A service must fit between the bounds of one interval on the real timeline, so a shop open
  00:00-06:00 on Santiago's spring-forward day is open five real hours, from 01:00-03:00.
* Durations are elapsed time: ``end = start + duration`` on the real timeline.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import compress, repeat
from operator import sub
from zoneinfo import ZoneInfo

Span = tuple[datetime, datetime]
WeeklyHours = Mapping[int, Sequence[tuple[int, int]]]

SLOT_UNAVAILABLE = "slot_unavailable"
CAPACITY_REACHED = "capacity_reached"

MINUTES_PER_DAY = 1440

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class MechanicCalendar:
    id: int
    hours: WeeklyHours | None  # None = works the location's opening hours
    time_off: Sequence[Span] = ()
    busy: Sequence[Span] = ()  # active appointments as [start, occupied_until)
    bookings_per_date: Mapping[date, int] = field(default_factory=dict)  # active bookings here per local date
    # More active appointments, as [start, occupied_until) in microseconds since the Unix epoch: what the
    # selector reads from the database without building a datetime per row. Counted together with `busy`; each
    # span must be non-empty (start < end).
    busy_us: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True)
class AvailabilityQuery:
    zone: ZoneInfo
    first_date: date
    last_date: date  # local dates, inclusive
    now: datetime  # aware
    slot_minutes: int
    duration_minutes: int
    buffer_minutes: int
    opening: WeeklyHours
    closures: Sequence[Span]
    holidays: frozenset[date]
    min_notice_minutes: int
    horizon_days: int
    max_per_hour: int | None
    max_per_day: int | None
    appointments_per_hour: Mapping[tuple[date, int], int]  # (local date, local clock hour) -> active appointments
    appointments_per_date: Mapping[date, int]  # local date -> active appointments
    requires_mechanic: bool
    mechanics: Sequence[MechanicCalendar]  # the ELIGIBLE mechanics


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, tzinfo = zone
    end: datetime  # start + duration on the real timeline
    mechanics: tuple[int, ...]  # free eligible mechanics ascending; () when the service needs none


# One offered start, as `offered_starts` gives it: (instant in microseconds since the Unix epoch, local date,
# minute of the local day, the free eligible mechanics ascending).
Offer = tuple[int, date, int, tuple[int, ...]]


class _Candidates:
    """Candidate starts ascending by instant, as parallel lists, with each local date's run of indexes."""

    __slots__ = ("days", "minutes", "runs", "starts")

    def __init__(self, starts: list[int], days: list[date], minutes: list[int]) -> None:
        self.starts, self.days, self.minutes = starts, days, minutes
        # A local date's candidates are contiguous: on the first occurrences the wall clock only moves forward.
        self.runs: dict[date, tuple[int, int]] = {}
        for index, day in enumerate(days):
            first, _last = self.runs.get(day, (index, index))
            self.runs[day] = (first, index + 1)


def offered_starts(query: AvailabilityQuery) -> list[Offer]:
    """Every bookable start in [first_date, last_date], ascending, as plain data (see `Offer`): what
    `available_slots` gives, without building its datetimes (the selectors render the API's text from this)."""
    clock = _Clock(query.zone)
    candidates = _grid(query, clock)
    refusals, mechanics = _evaluate(query, clock, candidates)
    return [
        (instant, day, minute, free)
        for instant, day, minute, refusal, free in zip(
            candidates.starts, candidates.days, candidates.minutes, refusals, mechanics, strict=True
        )
        if refusal is None
    ]


def available_slots(query: AvailabilityQuery) -> list[Slot]:
    """Every bookable start in [first_date, last_date], ascending."""
    duration = query.duration_minutes * _MINUTE_US
    zone = query.zone
    # Both ends come from instants: aware arithmetic within one zone would add wall-clock time, not elapsed time.
    return [
        Slot(start=_from_us(instant, zone), end=_from_us(instant + duration, zone), mechanics=free)
        for instant, _day, _minute, free in offered_starts(query)
    ]


def refusal_for(query: AvailabilityQuery, start: datetime) -> str | None:
    """Why `start` cannot be booked, or None when it can.

    Agrees exactly with `available_slots` for the same query: a start outside [first_date, last_date] is refused
    too, because the query's data (bookings, closures, capacity counts) only describes that range.
    """
    return check_start(query, start)[0]


def free_mechanics_at(query: AvailabilityQuery, start: datetime) -> tuple[int, ...]:
    """Eligible mechanics who work, are not off and are free for a booking at `start`, ascending by id.

    Only the mechanics' own calendars are checked (grid, opening hours, capacity... are `refusal_for`'s job);
    () when the service needs no mechanic.
    """
    if not query.requires_mechanic or start.tzinfo is None or start.utcoffset() is None:
        return ()
    local = start.astimezone(query.zone)
    candidates = _Candidates([_to_us(start)], [local.date()], [local.hour * 60 + local.minute])
    ids, flags = _mechanic_availability(query, _Clock(query.zone), candidates)
    return tuple(compress(ids, (column[0] for column in flags)))


def check_start(query: AvailabilityQuery, start: datetime) -> tuple[str | None, tuple[int, ...]]:
    """`refusal_for` and, when there is none, the free eligible mechanics, from one evaluation (the booking
    services' re-check). The mechanics are () when refused or when the service needs none."""
    clock = _Clock(query.zone)
    candidate = _candidate_at(query, clock, start)
    if candidate is None:
        return SLOT_UNAVAILABLE, ()
    instant, day, minute = candidate
    refusals, mechanics = _evaluate(query, clock, _Candidates([instant], [day], [minute]))
    return refusals[0], mechanics[0]


def least_loaded(query: AvailabilityQuery, start: datetime, free: Iterable[int]) -> int | None:
    """Rule 3 among `free`: the fewest active bookings that local date, ties to the lowest id."""
    candidates = list(free)
    if not candidates:
        return None
    day = start.astimezone(query.zone).date()
    load: dict[int, int] = {}
    for calendar in query.mechanics:
        load.setdefault(calendar.id, calendar.bookings_per_date.get(day, 0))
    return min(candidates, key=lambda mechanic_id: (load.get(mechanic_id, 0), mechanic_id))


# --- time helpers -------------------------------------------------------------------------------------------------


def _to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _ONE_US


def _from_us(instant: int, zone: ZoneInfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=instant)).astimezone(zone)


class _Clock:
    """Maps local wall times to instants for one zone (`resolve_wall`, memoised)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def resolve(self, day: date, minute: int) -> tuple[int, bool]:
        """(first instant at which the wall clock shows `minute` of `day`, whether that wall time exists)."""
        return resolve_wall(self.zone, day, minute)

    def bound(self, day: date, minute: int) -> int:
        return resolve_wall(self.zone, day, minute)[0]


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    offset = zone.utcoffset(moment)
    if offset is None:  # pragma: no cover - a ZoneInfo always knows its offset
        raise ValueError(f"{zone} has no UTC offset at {moment}")
    return offset


@lru_cache(maxsize=65_536)
def resolve_wall(zone: ZoneInfo, day: date, minute: int) -> tuple[int, bool]:
    """(the first instant, in microseconds since the Unix epoch, at which `zone`'s wall clock shows `minute` of
    `day`; whether that wall time exists). Pure, so remembered: every query of a zone resolves the same grid."""
    return _resolve_wall(zone, day, minute)


def _resolve_wall(zone: ZoneInfo, day: date, minute: int) -> tuple[int, bool]:
    # PEP 495: fold=0 reads a wall time with the offset before a change and fold=1 with the one after. The time
    # exists (a round trip through UTC gives it back) unless the offset grows there, i.e. it lies in a gap; when
    # the offset shrinks it occurs twice and fold=0 is its first occurrence. Comparing the two offsets is that
    # round trip without building three datetimes per grid step.
    if minute >= MINUTES_PER_DAY:  # 24:00 is the next day's 00:00
        return _resolve_wall(zone, day + timedelta(days=minute // MINUTES_PER_DAY), minute % MINUTES_PER_DAY)
    aware = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    before = _offset(zone, aware)
    after = _offset(zone, aware.replace(fold=1))
    wall = (day.toordinal() - _EPOCH_ORDINAL) * _DAY_US + minute * _MINUTE_US
    if before >= after:
        return wall - before // _ONE_US, True
    # In a gap the change lies between the two readings: find the first instant whose wall clock is past it.
    target = aware.replace(tzinfo=None)
    low, high = wall - after // _ONE_US, wall - before // _ONE_US
    while high - low > 1:
        middle = (low + high) // 2
        if _from_us(middle, zone).replace(tzinfo=None) > target:
            high = middle
        else:
            low = middle
    return high, False


def _intervals(hours: WeeklyHours, day: date) -> list[tuple[int, int]]:
    clamped = ((max(0, start), min(MINUTES_PER_DAY, end)) for start, end in hours.get(day.isoweekday(), ()))
    return sorted((start, end) for start, end in clamped if start < end)


def _dates(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- candidates ---------------------------------------------------------------------------------------------------


def _grid(query: AvailabilityQuery, clock: _Clock) -> _Candidates:
    """Rule 1: wall-clock steps from the start of each opening interval, existing times only, ascending."""
    if query.slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    found: dict[int, tuple[date, int]] = {}
    for day in _dates(query.first_date, query.last_date):
        for start, end in _intervals(query.opening, day):
            for minute in range(start, end, query.slot_minutes):
                instant, exists = clock.resolve(day, minute)
                if exists:
                    found.setdefault(instant, (day, minute))
    starts = sorted(found)
    return _Candidates(starts, [found[instant][0] for instant in starts], [found[instant][1] for instant in starts])


def _candidate_at(query: AvailabilityQuery, clock: _Clock, start: datetime) -> tuple[int, date, int] | None:
    """The grid candidate `start` is, or None when it is off the grid (or not a first occurrence)."""
    if query.slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    if start.tzinfo is None or start.utcoffset() is None:
        return None
    local = start.astimezone(query.zone)
    if local.second or local.microsecond:
        return None
    day = local.date()
    if not query.first_date <= day <= query.last_date:
        return None
    minute = local.hour * 60 + local.minute
    on_grid = any(
        first <= minute < end and (minute - first) % query.slot_minutes == 0
        for first, end in _intervals(query.opening, day)
    )
    if not on_grid:
        return None
    instant, exists = clock.resolve(day, minute)
    if not exists or instant != _to_us(start):
        return None  # the second occurrence of a repeated wall time
    return (instant, day, minute)


# --- evaluation ---------------------------------------------------------------------------------------------------


def _evaluate(
    query: AvailabilityQuery, clock: _Clock, candidates: _Candidates
) -> tuple[list[str | None], list[tuple[int, ...]]]:
    """The refusal (or None) and the free mechanics of each candidate; `candidates` ascending by instant.

    Shared by `available_slots` and `refusal_for` so the two cannot disagree.
    """
    starts = candidates.starts
    count = len(starts)
    duration = query.duration_minutes * _MINUTE_US
    earliest = _to_us(query.now) + query.min_notice_minutes * _MINUTE_US
    last_day = query.now.astimezone(query.zone).date() + timedelta(days=query.horizon_days)

    # Rules 1, 2, 5 and 7 per local date: the candidates that fit an opening interval on the real timeline.
    bookable = bytearray(count)
    for day, (first, last) in candidates.runs.items():
        if day > last_day or day in query.holidays:
            continue
        for start, end in _intervals(query.opening, day):
            low, high = clock.bound(day, start), clock.bound(day, end) - duration
            if low <= high:
                _set(bookable, bisect_left(starts, low, first, last), bisect_right(starts, high, first, last))
    _clear(bookable, 0, bisect_left(starts, earliest))
    for closure_start, closure_end in query.closures:
        low, high = _to_us(closure_start), _to_us(closure_end)
        if low < high:
            _clear(bookable, bisect_right(starts, low - duration), bisect_left(starts, high))

    refusals: list[str | None] = [SLOT_UNAVAILABLE] * count
    mechanics: list[tuple[int, ...]] = [()] * count
    capacity = query.max_per_hour is not None or query.max_per_day is not None
    days, minutes = candidates.days, candidates.minutes
    if query.requires_mechanic:
        ids, flags = _mechanic_availability(query, clock, candidates)
        # One column of flags per candidate (a flag per mechanic), read only where the location is bookable.
        columns = zip(*flags, strict=True) if ids else ((),) * count
        for index, (open_here, column) in enumerate(zip(bookable, columns, strict=True)):
            if not open_here or not any(column):
                continue
            if capacity and _capacity_full(query, days[index], minutes[index] // 60):
                refusals[index] = CAPACITY_REACHED
            else:
                refusals[index] = None
                mechanics[index] = tuple(compress(ids, column))
    else:
        for index in compress(range(count), bookable):
            full = capacity and _capacity_full(query, days[index], minutes[index] // 60)
            refusals[index] = CAPACITY_REACHED if full else None
    return refusals, mechanics


def _capacity_full(query: AvailabilityQuery, day: date, hour: int) -> bool:
    """Rule 4: the (local date, local clock hour) bucket or the local date is already full."""
    if query.max_per_hour is not None and query.appointments_per_hour.get((day, hour), 0) >= query.max_per_hour:
        return True
    return query.max_per_day is not None and query.appointments_per_date.get(day, 0) >= query.max_per_day


def _mechanic_availability(
    query: AvailabilityQuery, clock: _Clock, candidates: _Candidates
) -> tuple[tuple[int, ...], list[bytearray]]:
    """The eligible mechanics' ids (ascending, each once) and for each a flag per candidate: works, is not off
    and is free there.

    Interval arithmetic on the sorted candidate instants: each working interval sets, and each absence or
    booking clears, the contiguous run of candidates it affects (found with bisect), so the cost grows with
    intervals + spans per mechanic, not with their product with the candidates.
    """
    starts = candidates.starts
    count = len(starts)
    duration = query.duration_minutes * _MINUTE_US
    occupied = duration + query.buffer_minutes * _MINUTE_US

    def working(hours: WeeklyHours) -> bytearray:
        """A flag per candidate: these hours cover the whole [start, start + duration)."""
        flags = bytearray(count)
        for day, (first, last) in candidates.runs.items():
            for start, end in _intervals(hours, day):
                low, high = clock.bound(day, start), clock.bound(day, end) - duration
                if low <= high:
                    _set(flags, bisect_left(starts, low, first, last), bisect_right(starts, high, first, last))
        return flags

    # Most mechanics work the opening hours, or share a weekly pattern: each pattern's flags are computed once.
    patterns: dict[int, tuple[WeeklyHours, bytearray]] = {}
    by_id: dict[int, bytearray] = {}
    for calendar in query.mechanics:
        hours = query.opening if calendar.hours is None else calendar.hours
        pattern = patterns.get(id(hours))
        if pattern is None:
            pattern = patterns[id(hours)] = (hours, working(hours))
        free = bytearray(pattern[1])
        for off_start, off_end in calendar.time_off:
            low, high = _to_us(off_start), _to_us(off_end)
            if low < high:  # overlaps [start, start + duration)
                _clear(free, bisect_right(starts, low - duration), bisect_left(starts, high))
        busy = [(_to_us(start), _to_us(end)) for start, end in calendar.busy if start < end]
        for spans in (busy, calendar.busy_us):
            if not spans:
                continue
            # A booking [low, high) overlaps the new booking's own [start, end + buffer) for the starts in
            # (low - end - buffer, high): both ends found with bisect, mapped over all spans at C speed.
            lows, highs = zip(*spans, strict=True)
            firsts = map(bisect_right, repeat(starts), map(sub, lows, repeat(occupied)))
            for first, last in zip(firsts, map(bisect_left, repeat(starts), highs), strict=True):
                if first < last:
                    free[first:last] = bytes(last - first)
        seen = by_id.get(calendar.id)
        # The same id twice (not expected) is one mechanic free wherever either calendar says so.
        by_id[calendar.id] = free if seen is None else bytearray(map(max, seen, free))
    ids = tuple(sorted(by_id))
    return ids, [by_id[mechanic_id] for mechanic_id in ids]


def _set(flags: bytearray, first: int, last: int) -> None:
    if first < last:
        flags[first:last] = b"\x01" * (last - first)


def _clear(flags: bytearray, first: int, last: int) -> None:
    if first < last:
        flags[first:last] = bytes(last - first)
