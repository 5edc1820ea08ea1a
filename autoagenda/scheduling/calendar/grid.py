"""The geometry of the staff calendar: the day grid and the week board.

`_load` reads what one page needs in a constant number of queries whatever the number of mechanics or
appointments (the tests hold it to that); everything else is plain Python over what was read. Times are the
location's wall clock.
"""

from __future__ import annotations

import math
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.catalog.models import Service
from autoagenda.core.timeutils import format_hhmm
from autoagenda.locations.models import Closure, Location
from autoagenda.locations.selectors import closures_between, opening_hours_by_weekday, public_holidays
from autoagenda.scheduling import selectors
from autoagenda.scheduling.calendar.selectors import mechanics_at, week_start
from autoagenda.scheduling.models import Appointment, AppointmentStatus

Span = tuple[datetime, datetime]
NO_MECHANIC = "none"
MINUTES_PER_DAY = 1440


def _local_instant(day: date, minute: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """The instant of a local wall-clock minute (1440 = the next midnight)."""
    if minute >= MINUTES_PER_DAY:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).astimezone(UTC)


def _overlaps(spans: Iterable[Span], start: datetime, end: datetime) -> bool:
    return any(s < end and e > start for s, e in spans)


def _covered(spans: Sequence[Span], start: datetime, end: datetime) -> bool:
    """Whether the union of `spans` covers all of [start, end)."""
    cursor = start
    for s, e in sorted(spans):
        if s > cursor:
            break
        cursor = max(cursor, e)
        if cursor >= end:
            return True
    return cursor >= end


def _local_minutes(appointment: Appointment, day: date, zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """[start, end) of an appointment in minutes of `day`'s wall clock (an end past midnight is 1440)."""
    start = appointment.start.astimezone(zone)
    end = appointment.end.astimezone(zone)
    first = start.hour * 60 + start.minute if start.date() == day else 0
    last = MINUTES_PER_DAY if end.date() > day else end.hour * 60 + end.minute
    return first, max(last, first + 1)


@dataclass(frozen=True)
class CalendarColumn:
    """A mechanic, or the column of services that need none."""

    key: str  # "m<id>" or "none"
    mechanic: User | None
    label: str

    @property
    def mechanic_id(self) -> int | None:
        return self.mechanic.pk if self.mechanic is not None else None


def _column_for(mechanic: User | None) -> CalendarColumn:
    if mechanic is None:
        return CalendarColumn(key=NO_MECHANIC, mechanic=None, label=_("No mechanic"))
    return CalendarColumn(key=f"m{mechanic.pk}", mechanic=mechanic, label=mechanic.get_full_name() or mechanic.email)


@dataclass
class _Inputs:
    """What one page reads, once."""

    location: Location
    zone: zoneinfo.ZoneInfo
    first: date
    last: date
    opening: dict[int, list[tuple[int, int]]]
    closures: list[Closure]
    holidays: dict[date, str]
    appointments: list[Appointment]
    columns: list[CalendarColumn]
    all_columns: list[CalendarColumn]
    hours: dict[int, dict[int, list[tuple[int, int]]]]
    time_off: dict[int, list[Span]]


def _load(user: Any, location: Location, first: date, last: date, mechanic: str) -> _Inputs:
    """Seven queries for any range: appointments, mechanics, no-mechanic services, hours, closures, absences."""
    zone = location.zone
    span_start = selectors.local_midnight(first, zone)
    span_end = selectors.local_midnight(last + timedelta(days=1), zone)
    appointments = list(
        selectors.appointments_visible_to(user, location_id=location.pk, first_date=first, last_date=last)
    )
    mechanics = mechanics_at(location)
    known = {m.pk for m in mechanics}
    for appointment in appointments:  # someone who left still shows with their bookings
        if appointment.mechanic is not None and appointment.mechanic.pk not in known:
            known.add(appointment.mechanic.pk)
            mechanics.append(appointment.mechanic)
    columns = [_column_for(m) for m in mechanics]
    offers_none = Service.objects.filter(locations=location, is_active=True, requires_mechanic=False).exists()
    if offers_none or any(a.mechanic_id is None for a in appointments):
        columns.append(_column_for(None))
    all_columns = columns
    if mechanic:
        columns = [c for c in columns if c.key == mechanic] or columns
    ids = [c.mechanic_id for c in columns if c.mechanic_id is not None]
    return _Inputs(
        location=location,
        zone=zone,
        first=first,
        last=last,
        opening=opening_hours_by_weekday(location),
        closures=closures_between(location, span_start, span_end),
        holidays=public_holidays(location, first, last),
        appointments=appointments,
        columns=columns,
        all_columns=all_columns,
        hours=selectors.working_hours_for(location, ids),
        time_off=selectors.time_off_between(ids, span_start, span_end),
    )


def _column_key(appointment: Appointment) -> str:
    return f"m{appointment.mechanic_id}" if appointment.mechanic_id is not None else NO_MECHANIC


def _split_cancelled(appointments: list[Appointment], show_cancelled: bool) -> tuple[list[Appointment], int]:
    cancelled = [a for a in appointments if a.status == AppointmentStatus.CANCELLED]
    if show_cancelled:
        return appointments, len(cancelled)
    return [a for a in appointments if a.status != AppointmentStatus.CANCELLED], len(cancelled)


def _day_closed_reason(inputs: _Inputs, day: date) -> str:
    """Why nobody can come that day ("" when it opens at least partly)."""
    if day in inputs.holidays:
        return inputs.holidays[day]
    intervals = inputs.opening.get(day.isoweekday(), [])
    if not intervals:
        return _("Closed")
    spans = [(c.start, c.end) for c in inputs.closures]
    if all(
        _covered(spans, _local_instant(day, s, inputs.zone), _local_instant(day, e, inputs.zone)) for s, e in intervals
    ):
        reasons = [
            c.reason for c in inputs.closures if c.reason and _overlaps([(c.start, c.end)], *_day_span(inputs, day))
        ]
        return reasons[0] if reasons else _("Closed")
    return ""


def _day_span(inputs: _Inputs, day: date) -> Span:
    return _local_instant(day, 0, inputs.zone), _local_instant(day, MINUTES_PER_DAY, inputs.zone)


def _mechanic_intervals(inputs: _Inputs, column: CalendarColumn, day: date) -> list[tuple[int, int]]:
    """When the column's person works that day: their own hours, else the location's."""
    own = inputs.hours.get(column.mechanic_id) if column.mechanic_id is not None else None
    source = own if own is not None else inputs.opening
    return list(source.get(day.isoweekday(), []))


# --- Day grid -------------------------------------------------------------------


@dataclass
class GridCell:
    """One table cell: an appointment spanning `span` rows, or an empty slot in a state."""

    column: CalendarColumn
    state: str  # "appt", "free", "closed", "off"
    row_label: str
    appointment: Appointment | None = None
    span: int = 1


@dataclass
class GridColumn:
    column: CalendarColumn
    lanes: int = 1


@dataclass
class GridRow:
    minute: int
    label: str
    is_hour: bool
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class DayGrid:
    location: Location
    day: date
    columns: list[GridColumn]
    rows: list[GridRow]
    closed_reason: str
    closures: list[Closure]
    appointments: list[Appointment]
    cancelled_count: int
    slot_minutes: int
    all_columns: list[CalendarColumn]


def _row_bounds(intervals: list[tuple[int, int]], minutes: list[tuple[int, int]], slot: int) -> tuple[int, int] | None:
    """The first row's minute and the end minute: the opening hours, stretched to cover every appointment."""
    starts = [s for s, _e in intervals] + [s for s, _e in minutes]
    ends = [e for _s, e in intervals] + [e for _s, e in minutes]
    if not starts:
        return None
    anchor = intervals[0][0] if intervals else min(starts)
    first = anchor - math.ceil((anchor - min(starts)) / slot) * slot
    return max(first, 0), max(ends)


def _lanes(spans: list[tuple[Appointment, int, int]]) -> list[list[tuple[Appointment, int, int]]]:
    """Overlapping blocks of one column side by side: greedy interval colouring by row index."""
    lanes: list[list[tuple[Appointment, int, int]]] = []
    for item in sorted(spans, key=lambda x: (x[1], x[2], x[0].pk)):
        for lane in lanes:
            if lane[-1][2] <= item[1]:
                lane.append(item)
                break
        else:
            lanes.append([item])
    return lanes or [[]]


@dataclass
class _Layout:
    """One column of the day grid: its lanes of blocks and the state of each row's empty cell."""

    column: GridColumn
    lanes: list[list[tuple[Appointment, int, int]]]
    states: list[str]


def _blocks(
    shown: list[Appointment], minutes: dict[int, tuple[int, int]], first: int, slot: int, rows: list[int]
) -> dict[str, list[tuple[Appointment, int, int]]]:
    """Each column's appointments as (appointment, first row, row after the last), clipped to the grid."""
    per_column: dict[str, list[tuple[Appointment, int, int]]] = defaultdict(list)
    for a in shown:
        start_minute, end_minute = minutes[a.pk]
        index = max(0, (start_minute - first) // slot)
        span = max(1, math.ceil((end_minute - rows[index]) / slot))
        per_column[_column_key(a)].append((a, index, min(len(rows), index + span)))
    return per_column


def _row_states(
    inputs: _Inputs, column: CalendarColumn, day: date, rows: list[int], open_rows: list[bool], slot: int
) -> list[str]:
    """Each row's empty cell for the column: closed (the location), off (the person), or free."""
    worked = _mechanic_intervals(inputs, column, day)
    absences = inputs.time_off.get(column.mechanic_id, []) if column.mechanic_id is not None else []
    states = []
    for i, m in enumerate(rows):
        if not open_rows[i]:
            states.append("closed")
        elif column.mechanic_id is not None and (
            not any(s <= m < e for s, e in worked) or _overlaps(absences, *_slot_span(day, m, slot, inputs.zone))
        ):
            states.append("off")
        else:
            states.append("free")
    return states


def _slot_span(day: date, minute: int, slot: int, zone: zoneinfo.ZoneInfo) -> Span:
    start = _local_instant(day, minute, zone)
    return start, start + timedelta(minutes=slot)


def _grid_row(index: int, minute: int, layout: list[_Layout]) -> GridRow:
    """Row `index`: an appointment cell where a block starts, an empty cell where none covers it."""
    label = format_hhmm(minute)
    row = GridRow(minute=minute, label=label, is_hour=minute % 60 == 0)
    for item in layout:
        for lane in item.lanes:
            block = next(((a, s, e) for a, s, e in lane if s <= index < e), None)
            if block is None:
                row.cells.append(GridCell(column=item.column.column, state=item.states[index], row_label=label))
            elif block[1] == index:
                row.cells.append(
                    GridCell(
                        column=item.column.column,
                        state="appt",
                        row_label=label,
                        appointment=block[0],
                        span=block[2] - block[1],
                    )
                )
    return row


def day_grid(user: Any, location: Location, day: date, *, mechanic: str = "", show_cancelled: bool = False) -> DayGrid:
    """The day view: a column per mechanic (and one for services without), a row per slot.

    Appointments are blocks spanning their rows (a table cell with rowspan:
    the content security policy allows no inline styles to place grid items).
    """
    inputs = _load(user, location, day, day, mechanic)
    slot = location.slot_minutes
    keys = {c.key for c in inputs.columns}
    shown, cancelled_count = _split_cancelled(inputs.appointments, show_cancelled)
    shown = [a for a in shown if _column_key(a) in keys]
    minutes = {a.pk: _local_minutes(a, day, inputs.zone) for a in shown}
    intervals = inputs.opening.get(day.isoweekday(), [])
    closed_reason = _day_closed_reason(inputs, day)
    grid = DayGrid(
        location=location,
        day=day,
        columns=[GridColumn(c) for c in inputs.columns],
        rows=[],
        closed_reason=closed_reason,
        closures=inputs.closures,
        appointments=shown,
        cancelled_count=cancelled_count,
        slot_minutes=slot,
        all_columns=inputs.all_columns,
    )
    bounds = _row_bounds(intervals, list(minutes.values()), slot)
    if bounds is None:
        return grid
    first, last = bounds
    rows = [first + i * slot for i in range(max(1, math.ceil((last - first) / slot)))]
    closure_spans = [(c.start, c.end) for c in inputs.closures]
    open_rows = [
        not closed_reason
        and any(s <= m < e for s, e in intervals)
        and not _overlaps(closure_spans, *_slot_span(day, m, slot, inputs.zone))
        for m in rows
    ]
    per_column = _blocks(shown, minutes, first, slot, rows)
    layout = []
    for column in inputs.columns:
        lanes = _lanes(per_column.get(column.key, []))
        states = _row_states(inputs, column, day, rows, open_rows, slot)
        layout.append(_Layout(GridColumn(column, lanes=len(lanes)), lanes, states))
    grid.columns = [item.column for item in layout]
    grid.rows = [_grid_row(i, m, layout) for i, m in enumerate(rows)]
    return grid


# --- Week board -----------------------------------------------------------------


@dataclass
class WeekDay:
    day: date
    is_today: bool
    closed_reason: str
    hours: list[tuple[str, str]]
    partly_closed: bool
    count: int = 0


@dataclass
class WeekCell:
    day: WeekDay
    appointments: list[Appointment]
    unavailable: str  # "", "closed", "off", "time_off"
    time_off: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class WeekRow:
    column: CalendarColumn
    cells: list[WeekCell]


@dataclass
class WeekBoard:
    location: Location
    first: date
    last: date
    days: list[WeekDay]
    rows: list[WeekRow]
    cancelled_count: int
    all_columns: list[CalendarColumn]


def _week_days(inputs: _Inputs, first: date, today: date) -> list[WeekDay]:
    closure_spans = [(c.start, c.end) for c in inputs.closures]
    days: list[WeekDay] = []
    for offset in range(7):
        current = first + timedelta(days=offset)
        intervals = inputs.opening.get(current.isoweekday(), [])
        reason = _day_closed_reason(inputs, current)
        days.append(
            WeekDay(
                day=current,
                is_today=current == today,
                closed_reason=reason,
                hours=[(format_hhmm(s), format_hhmm(e)) for s, e in intervals],
                partly_closed=not reason and _overlaps(closure_spans, *_day_span(inputs, current)),
            )
        )
    return days


def _week_cell(inputs: _Inputs, column: CalendarColumn, week_day: WeekDay, appointments: list[Appointment]) -> WeekCell:
    """One person's day: their chips, and why nobody can come (closed, off, away all day) with the hours away."""
    cell = WeekCell(day=week_day, appointments=appointments, unavailable="")
    if week_day.closed_reason:
        cell.unavailable = "closed"
        return cell
    if column.mechanic_id is None:
        return cell
    zone = inputs.zone
    absences = inputs.time_off.get(column.mechanic_id, [])
    worked = [
        (_local_instant(week_day.day, s, zone), _local_instant(week_day.day, e, zone))
        for s, e in _mechanic_intervals(inputs, column, week_day.day)
    ]
    if not worked:
        cell.unavailable = "off"
    elif all(_covered(absences, s, e) for s, e in worked):
        cell.unavailable = "time_off"
    day_start, day_end = _day_span(inputs, week_day.day)
    cell.time_off = [
        (
            max(s, day_start).astimezone(zone).strftime("%H:%M"),
            "24:00" if e >= day_end else e.astimezone(zone).strftime("%H:%M"),
        )
        for s, e in absences
        if s < day_end and e > day_start
    ]
    return cell


def week_board(
    user: Any, location: Location, day: date, *, today: date, mechanic: str = "", show_cancelled: bool = False
) -> WeekBoard:
    """The week view: a row per mechanic (and one for services without), a column per day, bookings as chips."""
    first = week_start(day)
    last = first + timedelta(days=6)
    inputs = _load(user, location, first, last, mechanic)
    keys = {c.key for c in inputs.columns}
    shown, cancelled_count = _split_cancelled(inputs.appointments, show_cancelled)
    shown = [a for a in shown if _column_key(a) in keys]
    days = _week_days(inputs, first, today)
    by_cell: dict[tuple[str, date], list[Appointment]] = defaultdict(list)
    for a in shown:
        by_cell[(_column_key(a), a.local_date)].append(a)
        days[(a.local_date - first).days].count += 1
    rows = [
        WeekRow(
            column=column,
            cells=[_week_cell(inputs, column, wd, by_cell.get((column.key, wd.day), [])) for wd in days],
        )
        for column in inputs.columns
    ]
    return WeekBoard(
        location=location,
        first=first,
        last=last,
        days=days,
        rows=rows,
        cancelled_count=cancelled_count,
        all_columns=inputs.all_columns,
    )
