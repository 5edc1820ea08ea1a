"""What is bookable: the availability engine's inputs read from the database, and its cached answers.

The engine (scheduling/availability.py) is pure; this module gathers what it needs in a fixed number of queries,
remembers the configuration part per version counter and caches the answers (scheduling/freshness.py).
"""

from __future__ import annotations

import sqlite3
import threading
import zoneinfo
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count

from autoagenda.accounts.models import Role, StaffMembership
from autoagenda.catalog.models import Service
from autoagenda.core.timeutils import isoformat_in
from autoagenda.locations.models import Location
from autoagenda.locations.selectors import closure_spans_between, opening_hours_by_weekday, public_holidays
from autoagenda.scheduling import availability, freshness
from autoagenda.scheduling.models import ACTIVE_STATUSES, Appointment
from autoagenda.scheduling.selectors.hours import time_off_between, working_hours_for


def local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """The first instant of a local date, in UTC.

    Where midnight falls in a DST gap (Santiago's spring-forward day), fold=0
    resolves it to the moment of the jump, which is that date's first instant.
    """
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def eligible_mechanic_ids(location: Location, service: Service, mechanic_id: int | None) -> list[int]:
    """Rule 3 in one query: the service's mechanics, or every mechanic of the location when none are listed.

    Either way only people with a membership at this location (and active accounts) count. One raw statement
    written once (the ORM's Exists version cost a millisecond per cold availability answer to build).
    """
    params: list[Any] = [location.pk, True, service.pk, str(Role.MECHANIC.value), service.pk]
    sql = _eligible_sql()
    if mechanic_id is not None:
        sql += f" AND m.{connection.ops.quote_name('user_id')} = %s"
        params.append(mechanic_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _eligible_sql() -> str:
    """Memberships at a location of active users who are listed for the service, or, when the service lists
    nobody, who are mechanics there (what `Q(Exists(listed), user_id__in=listed) | Q(~Exists(listed), role=...)`
    says)."""
    quote = connection.ops.quote_name
    listed = Service.mechanics.through
    memberships, users, through = (
        quote(model._meta.db_table) for model in (StaffMembership, StaffMembership.user.field.related_model, listed)
    )
    listed_user = quote(listed._meta.get_field("user").column)
    listed_service = quote(listed._meta.get_field("service").column)
    return (
        f"SELECT m.{quote('user_id')} FROM {memberships} m INNER JOIN {users} u ON u.{quote('id')} = "  # noqa: S608
        f"m.{quote('user_id')} WHERE m.{quote('location_id')} = %s AND u.{quote('is_active')} = %s AND ("
        f"m.{quote('user_id')} IN (SELECT t.{listed_user} FROM {through} t WHERE t.{listed_service} = %s) OR "
        f"(m.{quote('role')} = %s AND NOT EXISTS (SELECT 1 FROM {through} t WHERE t.{listed_service} = %s)))"
    )


def lock_mechanics_during(mechanic_ids: Iterable[int], start: datetime, end: datetime) -> None:
    """Make bookings of these mechanics that could overlap [start, end) wait for this transaction.

    The day lock is per location, so a mechanic who works at two locations could otherwise be booked at both
    for the same hour: each re-check would miss the other's uncommitted booking. On PostgreSQL each (mechanic,
    UTC date touched) gets a transaction-level advisory lock: two overlapping bookings share an instant, hence
    a date, and the second waits for the first to commit, then sees it. Bookings on other days go on in
    parallel. Keys in ascending order, after the day lock, so no two writers wait on each other in a circle.
    SQLite needs nothing: its IMMEDIATE transactions already run one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    first = start.astimezone(UTC).date().toordinal()
    last = (end - timedelta(microseconds=1)).astimezone(UTC).date().toordinal()
    keys = sorted(
        mechanic_id * _LOCK_DAYS + day % _LOCK_DAYS
        for mechanic_id in set(mechanic_ids)
        for day in range(first, last + 1)
    )
    if not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(key)) FROM (SELECT unnest(%s::bigint[]) AS key ORDER BY 1) AS keys",
            [keys],
        )


# Advisory lock key = mechanic id * _LOCK_DAYS + day number: distinct for ~270 years of dates.
_LOCK_DAYS = 100_000


@dataclass(frozen=True)
class _Setting:
    """The engine's inputs that change rarely: everything but the appointments (cached per config version)."""

    mechanic_ids: tuple[int, ...]
    hours: dict[int, dict[int, list[tuple[int, int]]]]
    absences: dict[int, list[tuple[datetime, datetime]]]
    opening: dict[int, list[tuple[int, int]]]
    closures: tuple[tuple[datetime, datetime], ...]
    holidays: frozenset[date]


def _setting(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    span_start: datetime,
    span_end: datetime,
    mechanic_id: int | None,
) -> _Setting:
    def compute() -> _Setting:
        ids = eligible_mechanic_ids(location, service, None) if service.requires_mechanic else []
        return _Setting(
            mechanic_ids=tuple(ids),
            hours=working_hours_for(location, ids) if ids else {},
            absences=dict(time_off_between(ids, span_start, span_end)) if ids else {},
            opening=opening_hours_by_weekday(location),
            closures=tuple(closure_spans_between(location, span_start, span_end)),
            holidays=frozenset(public_holidays(location, first_date, last_date)),
        )

    # Remembered for all the eligible mechanics and narrowed here, so a booking naming a mechanic shares the
    # entry of the service's availability (eligible_mechanic_ids(..., mechanic_id) is this same narrowing).
    key = ("setting", location.pk, service.pk, first_date, last_date, span_start, span_end)
    setting = freshness.remembered(key, compute)
    if mechanic_id is None:
        return setting
    return replace(setting, mechanic_ids=(mechanic_id,) if mechanic_id in setting.mechanic_ids else ())


_LONGEST_REACH = timedelta(minutes=1440) + freshness.MAX_BUFFER  # catalog_service_duration_range + buffer


def _overlapping(
    spans: Iterable[tuple[datetime, datetime]], span: tuple[datetime, datetime]
) -> tuple[tuple[datetime, datetime], ...]:
    """The spans that overlap `span` (the setting covers the whole bookable period, a query only its dates)."""
    low, high = span
    return tuple((start, end) for start, end in spans if start < high and end > low)


def _busy_sql(vendor: str, mechanics: int, excluded: bool, with_load: bool) -> str | None:
    """The active appointments of `mechanics` mechanics overlapping a span, with their [start, occupied_until)
    as integer microseconds since the Unix epoch computed by the database: start rounded down and end rounded
    up to the whole second, which changes no answer (every candidate start and end is a whole second: zone
    offsets and DST changes are) and never shrinks a booking. None where the database has no such function."""
    quote = connection.ops.quote_name
    if vendor == "sqlite":
        seconds = "unixepoch({})" if sqlite3.sqlite_version_info >= (3, 38) else "CAST(strftime('%s', {}) AS INTEGER)"
        # Django stores UTC text, with '.ffffff' only when there are microseconds: then round the end up.
        start = f"{seconds.format(quote('start'))} * 1000000"
        end = f"({seconds.format(quote('occupied_until'))} + (length({quote('occupied_until')}) > 19)) * 1000000"
    elif vendor == "postgresql":
        start = f"floor(extract(epoch FROM {quote('start')}))::bigint * 1000000"
        end = f"ceil(extract(epoch FROM {quote('occupied_until')}))::bigint * 1000000"
    else:
        return None
    columns = [quote("mechanic_id"), start, end]
    if with_load:
        columns += [quote("location_id"), quote("local_date")]
    marks = ", ".join(["%s"] * mechanics)
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Appointment._meta.db_table)} "  # noqa: S608 - names from the model
        f"WHERE {quote('mechanic_id')} IN ({marks}) AND {quote('occupied_until')} > %s AND {quote('start')} < %s "
        f"AND {quote('status')} IN ({statuses})"
    )
    return sql + f" AND {quote('id')} <> %s" if excluded else sql


def _busy_rows(
    ids: list[int], span: tuple[datetime, datetime], exclude_appointment_id: int | None, with_load: bool
) -> list[tuple[Any, ...]]:
    """(mechanic id, start µs, end µs[, location id, local date]) of every active appointment of these
    mechanics at any location overlapping `span`: one query, no model instances, no datetime per row."""
    sql = _busy_sql(connection.vendor, len(ids), exclude_appointment_id is not None, with_load)
    span_start, span_end = span
    if sql is None:  # pragma: no cover - SQLite and PostgreSQL are the supported databases
        taken = Appointment.objects.filter(
            mechanic_id__in=ids, status__in=ACTIVE_STATUSES, start__lt=span_end, occupied_until__gt=span_start
        )
        if exclude_appointment_id is not None:
            taken = taken.exclude(pk=exclude_appointment_id)
        return [
            (mechanic_id, _us(start), _us(end), location_id, local_date)
            for mechanic_id, start, end, location_id, local_date in taken.values_list(
                "mechanic_id", "start", "occupied_until", "location_id", "local_date"
            )
        ]
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [*ids, adapt(span_start), adapt(span_end), *ACTIVE_STATUSES]
    if exclude_appointment_id is not None:
        params.append(exclude_appointment_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _mechanic_calendars(
    *,
    location: Location,
    setting: _Setting,
    first_date: date,
    last_date: date,
    span: tuple[datetime, datetime],
    exclude_appointment_id: int | None,
    lock_window: tuple[datetime, datetime] | None,
    with_load: bool = True,
) -> list[availability.MechanicCalendar]:
    """Each eligible mechanic's week: hours, time off, and their bookings at every location in `span` (a
    mechanic can't be in two places), with how many of them fall on each date here (rule 3's load; only
    `with_load`: the offered slots do not depend on it)."""
    ids = list(setting.mechanic_ids)
    if lock_window is not None and ids:
        lock_mechanics_during(ids, *lock_window)
    busy: dict[int, list[tuple[int, int]]] = {user_id: [] for user_id in ids}
    per_date: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    rows = _busy_rows(ids, span, exclude_appointment_id, with_load) if ids else []
    if with_load:
        for user_id, start, end, location_id, local_date in rows:
            busy[user_id].append((start, end))
            if location_id == location.pk:
                day = local_date if isinstance(local_date, date) else date.fromisoformat(local_date)
                # Every booking dated first_date..last_date starts inside the span, so the counts are complete.
                if first_date <= day <= last_date:
                    per_date[user_id][day] += 1
    else:
        for user_id, start, end in rows:
            busy[user_id].append((start, end))
    return [
        availability.MechanicCalendar(
            id=user_id,
            hours=setting.hours.get(user_id),
            time_off=_overlapping(setting.absences.get(user_id, ()), span),
            busy_us=busy[user_id],
            bookings_per_date=dict(per_date.get(user_id, {})),
        )
        for user_id in ids
    ]


def _capacity_counts(
    location: Location, first_date: date, last_date: date, exclude_appointment_id: int | None
) -> tuple[dict[tuple[date, int], int], dict[date, int]]:
    """Rule 4's counts, per local hour and per date; a location without limits has nothing to count."""
    per_hour: dict[tuple[date, int], int] = {}
    per_day: dict[date, int] = defaultdict(int)
    if location.max_appointments_per_hour is None and location.max_appointments_per_day is None:
        return per_hour, {}
    counted = Appointment.objects.filter(
        location=location, local_date__gte=first_date, local_date__lte=last_date, status__in=ACTIVE_STATUSES
    )
    if exclude_appointment_id is not None:
        counted = counted.exclude(pk=exclude_appointment_id)
    for local_date, local_hour, count in (
        counted.order_by()
        .values("local_date", "local_hour")
        .annotate(n=Count("id"))
        .values_list("local_date", "local_hour", "n")
    ):
        per_hour[(local_date, local_hour)] = count
        per_day[local_date] += count
    return per_hour, dict(per_day)


def _availability_query(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    now: datetime,
    duration_minutes: int,
    buffer_minutes: int,
    mechanic_id: int | None,
    exclude_appointment_id: int | None,
    lock_window: tuple[datetime, datetime] | None = None,
    with_load: bool = True,
) -> availability.AvailabilityQuery:
    zone = location.zone
    # Everything a slot on these dates can touch: from the first date's midnight to the last slot's end + buffer.
    span_start = local_midnight(first_date, zone)
    reach = timedelta(minutes=duration_minutes + buffer_minutes)
    span_end = local_midnight(last_date + timedelta(days=1), zone) + reach
    # The configuration part is read for the whole bookable period when the dates lie in it (almost always),
    # so every window and every booking's re-check shares one remembered setting.
    today = now.astimezone(zone).date()
    setting_first, setting_last = today - timedelta(days=1), today + timedelta(days=location.booking_horizon_days + 1)
    if not (setting_first <= first_date and last_date <= setting_last):
        setting_first, setting_last = first_date, last_date
    setting = _setting(
        location=location,
        service=service,
        first_date=setting_first,
        last_date=setting_last,
        span_start=local_midnight(setting_first, zone),
        # The longest reach any service can have (catalog's bounds), so every service and move shares it: the
        # query keeps only what overlaps its own span (`_overlapping`).
        span_end=local_midnight(setting_last + timedelta(days=1), zone) + _LONGEST_REACH,
        mechanic_id=mechanic_id,
    )
    calendars = (
        _mechanic_calendars(
            location=location,
            setting=setting,
            first_date=first_date,
            last_date=last_date,
            span=(span_start, span_end),
            exclude_appointment_id=exclude_appointment_id,
            lock_window=lock_window,
            with_load=with_load,
        )
        if service.requires_mechanic
        else []
    )
    per_hour, per_day = _capacity_counts(location, first_date, last_date, exclude_appointment_id)
    return availability.AvailabilityQuery(
        zone=zone,
        first_date=first_date,
        last_date=last_date,
        now=now,
        slot_minutes=location.slot_minutes,
        duration_minutes=duration_minutes,
        buffer_minutes=buffer_minutes,
        opening=setting.opening,
        closures=_overlapping(setting.closures, (span_start, span_end)),
        holidays=frozenset(day for day in setting.holidays if first_date <= day <= last_date),
        min_notice_minutes=location.min_notice_minutes,
        horizon_days=location.booking_horizon_days,
        max_per_hour=location.max_appointments_per_hour,
        max_per_day=location.max_appointments_per_day,
        appointments_per_hour=per_hour,
        appointments_per_date=per_day,
        requires_mechanic=service.requires_mechanic,
        mechanics=tuple(calendars),
    )


def availability_query(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    now: datetime,
    mechanic_id: int | None = None,
    exclude_appointment_id: int | None = None,
    lock_window: tuple[datetime, datetime] | None = None,
    with_load: bool = True,
) -> availability.AvailabilityQuery:
    """Everything the engine needs for `service` at `location` over local dates first..last, inclusive.

    Seven queries whatever the range or the number of mechanics (fewer for a
    service that needs no mechanic), so the API's 62-day window costs the same
    as one day; three when the configuration part (mechanics, hours, time off,
    closures, holidays) is remembered for the current configuration version.
    `mechanic_id` narrows the eligible mechanics to that one (none when they are
    not eligible, so no slots); `exclude_appointment_id` leaves an appointment
    out of every count and busy time (rule 6: rescheduling). `lock_window` (the
    booking services, inside their transaction, after the day lock: the new
    booking's [start, occupied_until)) also locks the eligible mechanics for that
    time before reading their bookings (`lock_mechanics_during`). `with_load=False` leaves each mechanic's
    bookings per date out (rule 3's choice among free mechanics, not what is offered).
    """
    return _availability_query(
        location=location,
        service=service,
        first_date=first_date,
        last_date=last_date,
        now=now,
        duration_minutes=service.duration_minutes,
        buffer_minutes=service.buffer_minutes,
        mechanic_id=mechanic_id,
        exclude_appointment_id=exclude_appointment_id,
        lock_window=lock_window,
        with_load=with_load,
    )


def availability_query_for_move(
    appointment: Appointment,
    *,
    first_date: date,
    last_date: date,
    now: datetime,
    mechanic_id: int | None = None,
    lock_window: tuple[datetime, datetime] | None = None,
) -> availability.AvailabilityQuery:
    """Where `appointment` could move to: it keeps the duration and buffer it was booked with (rule 10)
    and is left out of every count and busy time (rule 6)."""
    return _availability_query(
        location=appointment.location,
        service=appointment.service,
        first_date=first_date,
        last_date=last_date,
        now=now,
        duration_minutes=appointment.duration_minutes,
        buffer_minutes=appointment.buffer_minutes,
        mechanic_id=mechanic_id,
        exclude_appointment_id=appointment.pk,
        lock_window=lock_window,
    )


@dataclass(frozen=True)
class BookableSlots:
    """One question's bookable slots as if there were no minimum notice, with their API JSON rendered once.

    The one cached answer both the pages and the availability API read: `from_(moment)` gives the slots
    starting at or after `moment`, `json_from(moment)` the same slots as the comma-joined API objects, cut from
    one string (no per-request rendering). Kept as the engine's plain offers (`availability.Offer`); the
    `Slot` objects are built only when a page asks for them.
    """

    offers: tuple[availability.Offer, ...]
    zone: zoneinfo.ZoneInfo
    duration_us: int
    instants: tuple[int, ...]  # each slot's start, microseconds since the Unix epoch
    offsets: tuple[int, ...]  # where each slot's object begins in `joined`
    joined: str

    @classmethod
    def of(cls, offers: Iterable[availability.Offer], zone: zoneinfo.ZoneInfo, duration_minutes: int) -> BookableSlots:
        ordered = tuple(offers)
        duration = duration_minutes * _MINUTE_US
        offsets: list[int] = []
        pieces: list[str] = []
        position = 0
        texts: dict[int, str] = {}  # offset -> its text ('' when RFC 3339 cannot write it)
        days: dict[date, tuple[int, str]] = {}  # local date -> (its wall-clock midnight in µs, its ISO text)
        for instant, day, minute, mechanics in ordered:
            # What json.dumps({"start": ..., "end": ..., "mechanics": [...]}, separators=(",", ":")) writes:
            # ISO strings and ints need no escaping; each time as isoformat_in writes it. The start is the wall
            # time the engine offered, with the offset that puts it at `instant`.
            known = days.get(day)
            if known is None:
                known = days[day] = ((day.toordinal() - _EPOCH_ORDINAL) * _DAY_US, f"{day.isoformat()}T")
            wall = known[0] + minute * _MINUTE_US
            suffix = texts.get(wall - instant)
            if suffix is None:
                suffix = texts[wall - instant] = _offset_text(wall - instant)
            start = known[1] + _CLOCK[minute] + suffix if suffix else _utc_text(instant, zone)
            # The end's wall time is the start's plus the duration unless the offset changes on the way: the
            # (memoised) resolution of that wall time gives back the end's instant only if it is right.
            end_wall, end_instant = wall + duration, instant + duration
            if end_wall < known[0] + _DAY_US:
                end_day, end_minute = day, minute + duration_minutes
            else:
                end_day = _EPOCH_DAY + timedelta(days=end_wall // _DAY_US)
                end_minute = end_wall % _DAY_US // _MINUTE_US
            if suffix and availability.resolve_wall(zone, end_day, end_minute) == (end_instant, True):
                # The wall clock shows end_wall at the end: the same offset as the start's.
                end_known = known if end_day == day else days.get(end_day)
                if end_known is None:
                    end_known = days[end_day] = (
                        (end_day.toordinal() - _EPOCH_ORDINAL) * _DAY_US,
                        f"{end_day.isoformat()}T",
                    )
                end = end_known[1] + _CLOCK[end_minute] + suffix
            else:
                end = _utc_text(end_instant, zone)
            piece = f'{{"start":"{start}","end":"{end}","mechanics":[{",".join(map(str, mechanics))}]}}'
            offsets.append(position)
            pieces.append(piece)
            position += len(piece) + 1  # and the comma
        return cls(
            offers=ordered,
            zone=zone,
            duration_us=duration,
            instants=tuple(offer[0] for offer in ordered),
            offsets=tuple(offsets),
            joined=",".join(pieces),
        )

    @classmethod
    def concat(cls, parts: list[BookableSlots], zone: zoneinfo.ZoneInfo, duration_minutes: int) -> BookableSlots:
        """Consecutive answers (ascending, not overlapping) as one: a window from its days."""
        offsets: list[int] = []
        pieces: list[str] = []
        position = 0
        for part in parts:
            if part.joined:
                offsets.extend(position + offset for offset in part.offsets)
                pieces.append(part.joined)
                position += len(part.joined) + 1
        return cls(
            offers=tuple(offer for part in parts for offer in part.offers),
            zone=zone,
            duration_us=duration_minutes * _MINUTE_US,
            instants=tuple(instant for part in parts for instant in part.instants),
            offsets=tuple(offsets),
            joined=",".join(pieces),
        )

    @cached_property
    def slots(self) -> tuple[availability.Slot, ...]:
        zone, duration = self.zone, self.duration_us
        return tuple(
            availability.Slot(
                start=(_EPOCH + timedelta(microseconds=instant)).astimezone(zone),
                end=(_EPOCH + timedelta(microseconds=instant + duration)).astimezone(zone),
                mechanics=mechanics,
            )
            for instant, _day, _minute, mechanics in self.offers
        )

    def _first(self, moment: datetime) -> int:
        return bisect_left(self.instants, _us(moment))

    def from_(self, moment: datetime) -> list[availability.Slot]:
        return list(self.slots[self._first(moment) :])

    def json_from(self, moment: datetime) -> str:
        index = self._first(moment)
        return self.joined[self.offsets[index] :] if index < len(self.instants) else ""


_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


_EPOCH_DAY = date(1970, 1, 1)


_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(1440)]


def _utc_text(instant: int, zone: zoneinfo.ZoneInfo) -> str:
    """isoformat_in for an instant in µs: the zone's wall time, or UTC when RFC 3339 cannot write its offset."""
    return isoformat_in(_EPOCH + timedelta(microseconds=instant), zone)


def _offset_text(offset_us: int) -> str:
    """A UTC offset as isoformat writes it ('-03:00', '+00:00'); '' when it is not whole minutes."""
    if offset_us % _MINUTE_US:
        return ""
    sign = "-" if offset_us < 0 else "+"
    hours, minutes = divmod(abs(offset_us) // _MINUTE_US, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


# --- remembered days ---------------------------------------------------------------------------------------------
# The one cache of availability answers: per (location, service, mechanic, local date) under the configuration
# counter and that day's counter (freshness.py), in this process. A 31-day window is assembled from its days; a
# booking moves the counters of the days it touches only, so the rest of every window stays remembered.

_days: OrderedDict[tuple[Any, ...], BookableSlots] = OrderedDict()
_days_lock = threading.Lock()
DAYS_REMEMBERED_MAX = 50_000


def _forget_days() -> None:
    with _days_lock:
        _days.clear()


freshness.on_forget(_forget_days)


def _day_answers(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    now: datetime,
    mechanic_id: int | None,
) -> dict[date, BookableSlots]:
    """Every local date first..last's bookable slots as if there were no minimum notice, no horizon and no
    clock: one read of the data and one engine run for the whole range, cut into days. A day's answer then
    depends on nothing but the data, so it stays right until a counter it is stored under moves."""
    zone = location.zone
    query = availability_query(
        location=location,
        service=service,
        first_date=first_date,
        last_date=last_date,
        now=now,
        mechanic_id=mechanic_id,
        with_load=False,
    )
    query = replace(
        query,
        now=local_midnight(first_date, zone),
        min_notice_minutes=0,
        horizon_days=(last_date - first_date).days,
    )
    by_day: dict[date, list[availability.Offer]] = {day: [] for day in _dates(first_date, last_date)}
    for offer in availability.offered_starts(query):
        by_day[offer[1]].append(offer)  # the start's local date
    return {day: BookableSlots.of(offers, zone, query.duration_minutes) for day, offers in by_day.items()}


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def slots_ignoring_notice(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    now: datetime,
    mechanic_id: int | None = None,
    known: freshness.Versions | None = None,
) -> BookableSlots:
    """The bookable slots from `now`'s local date on, as if there were no minimum notice: callers drop the starts
    closer than the notice (`earliest_start`). Assembled from remembered days (above); only the days missing
    are computed, in one pass. `known`: the version counters the caller already read, before any data."""
    zone = location.zone
    today = now.astimezone(zone).date()
    first = max(first_date, today)  # earlier days are over; the horizon ends the range
    last = min(last_date, today + timedelta(days=location.booking_horizon_days))
    if first > last:
        return BookableSlots.of((), zone, service.duration_minutes)

    def compute(low: date, high: date) -> dict[date, BookableSlots]:
        return _day_answers(
            location=location, service=service, first_date=low, last_date=high, now=now, mechanic_id=mechanic_id
        )

    if settings.AVAILABILITY_CACHE_SECONDS <= 0:
        return BookableSlots.concat(list(compute(first, last).values()), zone, service.duration_minutes)
    known = freshness.versions(location.pk) if known is None else known
    if not freshness.day_range_read(known, first, last):  # pragma: no cover - the horizon keeps days in range
        return BookableSlots.concat(list(compute(first, last).values()), zone, service.duration_minutes)
    base = (connection.alias, connection.settings_dict["NAME"], location.pk, known.config, service.pk, mechanic_id)
    days = _dates(first, last)
    keys = [(*base, day, known.days.get(day, 0)) for day in days]
    with _days_lock:
        found = [_days.get(key) for key in keys]
        for key, answer in zip(keys, found, strict=True):
            if answer is not None:
                _days.move_to_end(key)
    missing = [day for day, answer in zip(days, found, strict=True) if answer is None]
    if missing:
        computed = compute(missing[0], missing[-1])
        with _days_lock:
            for index, (key, day) in enumerate(zip(keys, days, strict=True)):
                if found[index] is None:
                    found[index] = _days[key] = computed[day]
            while len(_days) > DAYS_REMEMBERED_MAX:
                _days.popitem(last=False)
    return BookableSlots.concat([answer for answer in found if answer is not None], zone, service.duration_minutes)


def earliest_start(location: Location, now: datetime) -> datetime:
    """Rule: a slot is offered only if it starts at least the minimum notice after `now`."""
    return now + timedelta(minutes=location.min_notice_minutes)


def available_slots_for(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    now: datetime,
    mechanic_id: int | None = None,
    exclude_appointment_id: int | None = None,
) -> list[availability.Slot]:
    """The bookable slots, ascending: what the availability API and the booking pages offer.

    Answered from the cache while nothing that affects them has changed (`freshness`); a reschedule's
    question (`exclude_appointment_id`) is always computed afresh.
    """
    if exclude_appointment_id is not None:
        query = availability_query(
            location=location,
            service=service,
            first_date=first_date,
            last_date=last_date,
            now=now,
            mechanic_id=mechanic_id,
            exclude_appointment_id=exclude_appointment_id,
        )
        return availability.available_slots(query)
    bookable = slots_ignoring_notice(
        location=location,
        service=service,
        first_date=first_date,
        last_date=last_date,
        now=now,
        mechanic_id=mechanic_id,
    )
    return bookable.from_(earliest_start(location, now))
