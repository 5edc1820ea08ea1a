"""Cached availability that is never stale: version counters bumped after every write that can change it.

An availability answer depends on the location's appointments (and on those of its mechanics at other
locations) and on configuration: opening hours, closures, holidays, services, staff, working hours, time off,
location settings. Each write bumps a counter in the same transaction: configuration bumps scope 0, an appointment
the counters of the local dates it touches, at its location and at every location of its mechanic (before and
after a reassignment). A reader takes the counters first, then the data, and stores the answer under the
counters it read. The bump happens inside the writer's transaction, so the new counters become visible together
with the new data: an answer found under the current counters is as fresh as the database was when the counters
were read.

There is no per-location counter: every booking at a location would bump the same row, and concurrent bookings
on different days (which the day locks let run in parallel) would queue behind each other's commit for it. The
appointment services also make their bumps the last statement before COMMIT (`bumps_at_the_end`), so a counter
row that two writers share (a mechanic's other location, the same day) is held only for the commit.

The answer is computed with no minimum notice at the moment it was cached; each reader drops the slots that
start too soon for *its* `now`, so the minimum notice holds to the minute. The horizon depends on the local
date, which is part of the key.

Signals catch every save and delete (the services, the Django admin, factories). The few services that write
with `bulk_create` or `update`, which send no signals, call `config_changed()` here in scheduling, or send their
app's event (`locations.events.availability_inputs_changed`, `accounts.events.memberships_changed`), to which
`connect()` subscribes: the apps below scheduling never import this module.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar, cast
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from autoagenda.scheduling.models import Appointment, AvailabilityVersion

T = TypeVar("T")
CONFIG_SCOPE = 0
KEY_PREFIX = "availability:v1"
# Saves of a user that cannot change availability (log-in stamps, password changes).
_HARMLESS_USER_FIELDS = frozenset({"last_login", "password"})


# --- reading ------------------------------------------------------------------------------------------------------


class Versions(NamedTuple):
    config: int
    # This location's day counters near today (local date -> counter; a day nobody bumped yet is absent: 0).
    days: Mapping[date, int] = {}


# A day's counter lives in the same table as a scope above every location id: DAY_SCOPES + location * 10**6 +
# the date's ordinal (dates up to year 2700 stay below 10**6).
DAY_SCOPES = 2**62
_DAY_STRIDE = 1_000_000
# The day counters `versions` reads: from two days before today (UTC) to beyond the longest horizon plus a range.
DAYS_BEFORE, DAYS_AFTER = 2, 800
# catalog_service_buffer_range: a slot's buffer reaches at most this far past its end into a booking's start.
MAX_BUFFER = timedelta(minutes=240)


def day_scope(location_id: int, day: date) -> int:
    return DAY_SCOPES + location_id * _DAY_STRIDE + day.toordinal()


def versions(location_id: int) -> Versions:
    """The configuration counter and this location's day counters around today, in one query.

    Reading writes nothing: a bump creates its counter (at 1) in the writer's own transaction, so an answer
    stored under 0 is replaced as soon as the first write commits.
    """
    today = timezone.now().date()
    low = day_scope(location_id, today - timedelta(days=DAYS_BEFORE))
    high = day_scope(location_id, today + timedelta(days=DAYS_AFTER))
    table = connection.ops.quote_name(AvailabilityVersion._meta.db_table)
    with connection.cursor() as cursor:  # plain SQL: this runs on every availability request
        cursor.execute(
            f"SELECT scope, version FROM {table} WHERE scope = %s OR scope BETWEEN %s AND %s",  # noqa: S608
            [CONFIG_SCOPE, low, high],
        )
        found = dict(cursor.fetchall())
    base = day_scope(location_id, date.min) - date.min.toordinal()
    days = {date.fromordinal(scope - base): version for scope, version in found.items() if scope >= low}
    return Versions(config=found.get(CONFIG_SCOPE, 0), days=days)


def day_range_read(known: Versions, first: date, last: date) -> bool:
    """Whether `known.days` covers local dates first..last (versions() reads a window around today)."""
    today = timezone.now().date()
    return today - timedelta(days=DAYS_BEFORE - 1) <= first and last <= today + timedelta(days=DAYS_AFTER - 1)


def current_config_version() -> int:
    """The configuration counter now (0 before the first configuration change)."""
    table = connection.ops.quote_name(AvailabilityVersion._meta.db_table)
    with connection.cursor() as cursor:  # plain SQL: every booking and availability computation reads it
        cursor.execute(f"SELECT version FROM {table} WHERE scope = %s", [CONFIG_SCOPE])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


_remembered: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_remembered_lock = threading.Lock()
REMEMBERED_MAX = 512


def remembered(key: tuple[Any, ...], compute: Callable[[], T], *, config_version: int | None = None) -> T:
    """`compute()`'s configuration-only answer, kept in this process while the configuration counter stands.

    For inputs that only configuration writes change (opening hours, closures, mechanics, their hours and time
    off): one read of the counter instead of several queries. The counter is read first, so an answer is
    never older than the counter it is stored under. In-process and small (least recently used go first);
    `forget()` empties it. `config_version`: the counter this request already read (before any of its data).
    """
    version = current_config_version() if config_version is None else config_version
    full_key = (connection.alias, connection.settings_dict["NAME"], version, *key)
    with _remembered_lock:
        if full_key in _remembered:
            _remembered.move_to_end(full_key)
            return cast(T, _remembered[full_key])
    value = compute()
    with _remembered_lock:
        _remembered[full_key] = value
        while len(_remembered) > REMEMBERED_MAX:
            _remembered.popitem(last=False)
    return value


_forgetters: list[Callable[[], None]] = []


def on_forget(clear: Callable[[], None]) -> None:
    """`clear` runs with `forget()`: the availability selector's remembered days (selectors/slots.py)."""
    _forgetters.append(clear)


def forget() -> None:
    """Empty this process's remembered configuration and answers (tests roll the counters back between cases)."""
    with _remembered_lock:
        _remembered.clear()
    for clear in _forgetters:
        clear()


# --- writing ------------------------------------------------------------------------------------------------------


_pending = threading.local()


@contextmanager
def bumps_at_the_end() -> Iterator[None]:
    """Inside a writer's transaction: the bumps asked for in the block are made together, in one statement, as
    it ends without an error (an error rolls the transaction back, and the bumps with it).

    The appointment services wrap their transaction's work in it, so the counter rows are locked only from
    their last statement to COMMIT instead of from the appointment's save on: a writer that shares a counter
    (a mechanic's other location on that day) waits for the commit only, not for the whole booking with its
    history, client link and notifications. Nested blocks join the outermost one.
    """
    if getattr(_pending, "scopes", None) is not None:
        yield
        return
    _pending.scopes = set()
    try:
        yield
        scopes = _pending.scopes
    finally:
        _pending.scopes = None
    _bump_now(scopes)


def _bump(scopes: Iterable[int]) -> None:
    pending: set[int] | None = getattr(_pending, "scopes", None)
    if pending is not None:
        pending.update(scopes)
    else:
        _bump_now(scopes)


def _bump_now(scopes: Iterable[int]) -> None:
    """Move these counters on, inside the writer's transaction (created at 1 when missing).

    In ascending order, after the writer's other locks, so two writers never wait on each other in a circle.
    Readers keep seeing the old counters until the write commits, and then see the new data with them.
    """
    ordered = sorted(set(scopes))
    if not ordered:
        return
    table = connection.ops.quote_name(AvailabilityVersion._meta.db_table)
    values = ", ".join(["(%s, 1)"] * len(ordered))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, version) VALUES {values} "  # noqa: S608 - table name from the model
            f"ON CONFLICT (scope) DO UPDATE SET version = {table}.version + 1",
            ordered,
        )


def config_changed() -> None:
    """Configuration changed: every cached answer is out once this transaction commits."""
    _bump([CONFIG_SCOPE])


def _days_touched(zone: ZoneInfo, spans: Iterable[tuple[datetime, datetime]]) -> set[date]:
    """The local dates whose answers a booking occupying [start, end) can change: a slot of date d starts on d
    and ends by the next midnight, its buffer (at most MAX_BUFFER) after that; so from (start - MAX_BUFFER)'s
    date to the date of end's last instant. Usually the booking's own date only."""
    days: set[date] = set()
    for start, end in spans:
        day = (start - MAX_BUFFER).astimezone(zone).date()
        last = (end - timedelta(microseconds=1)).astimezone(zone).date()
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def appointments_changed(
    location_id: int,
    mechanic_ids: Iterable[int | None] = (),
    spans: Iterable[tuple[datetime, datetime]] = (),
) -> None:
    """Appointments at `location_id` changed for these mechanics, occupying `spans` (before and after): the
    answers of the days the spans touch (`_days_touched`, in each location's zone) are out, at this location
    and at every location of these mechanics. Without spans nothing says which days, so every answer is out
    (the configuration counter moves)."""
    spans = list(spans)
    if not spans:
        _bump([CONFIG_SCOPE])
        return
    mechanics = sorted({pk for pk in mechanic_ids if pk is not None})
    with connection.cursor() as cursor:  # plain SQL: every appointment write runs it
        cursor.execute(_locations_sql(len(mechanics)), [location_id, *mechanics])
        located = cursor.fetchall()
    scopes: set[int] = set()
    for pk, zone_name in located:
        scopes.update(day_scope(pk, day) for day in _days_touched(ZoneInfo(zone_name), spans))
    _bump(scopes)


def _locations_sql(mechanics: int) -> str:
    """(id, time zone) of the location and of every location where one of `mechanics` mechanics works."""
    from autoagenda.accounts.models import StaffMembership
    from autoagenda.locations.models import Location

    quote = connection.ops.quote_name
    table = quote(Location._meta.db_table)
    sql = f"SELECT {quote('id')}, {quote('timezone')} FROM {table} WHERE {quote('id')} = %s"  # noqa: S608
    if not mechanics:
        return sql
    marks = ", ".join(["%s"] * mechanics)
    return (
        f"{sql} OR {quote('id')} IN (SELECT {quote('location_id')} FROM "  # noqa: S608 - names from the models
        f"{quote(StaffMembership._meta.db_table)} WHERE {quote('user_id')} IN ({marks}))"
    )


# --- signals ------------------------------------------------------------------------------------------------------


def _appointment_changed(sender: Any, instance: Appointment, **kwargs: Any) -> None:
    spans = [(instance.start, instance.occupied_until)]
    if instance._loaded_span is not None:  # where it was when loaded: a move frees that time
        spans.append(instance._loaded_span)
    appointments_changed(instance.location_id, (instance.mechanic_id, instance._loaded_mechanic_id), spans)


def _config_saved(sender: Any, **kwargs: Any) -> None:
    config_changed()


def _user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    from autoagenda.accounts.models import Role

    if update_fields is not None and set(update_fields) <= _HARMLESS_USER_FIELDS:
        return
    # Clients signing up or editing their profile change nobody's availability (a staff member turned client
    # loses their memberships, and those deletions count).
    if instance.role == Role.CLIENT:
        return
    config_changed()


def _config_deleted(sender: Any, **kwargs: Any) -> None:
    config_changed()


def _relations_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        config_changed()


def _inputs_changed(change: object) -> None:
    """A lower app's event for a write that sends no signals (`bulk_create`, `update`): see `connect`."""
    config_changed()


def connect() -> None:
    """Called from the app's `ready()`: model signals for saves and deletes, the lower apps' events for the rest."""
    from autoagenda.accounts import events as account_events
    from autoagenda.accounts.models import StaffMembership, User
    from autoagenda.catalog.models import Service
    from autoagenda.locations import events as location_events
    from autoagenda.locations.models import Closure, Location, OpeningHours
    from autoagenda.scheduling.models import TimeOff, WorkingHours

    location_events.availability_inputs_changed.subscribe(_inputs_changed)
    account_events.memberships_changed.subscribe(_inputs_changed)

    post_save.connect(_appointment_changed, sender=Appointment, dispatch_uid="freshness-appointment-save")
    post_delete.connect(_appointment_changed, sender=Appointment, dispatch_uid="freshness-appointment-delete")
    post_save.connect(_user_saved, sender=User, dispatch_uid="freshness-save-User")
    post_delete.connect(_config_deleted, sender=User, dispatch_uid="freshness-delete-User")
    for model in (Location, OpeningHours, Closure, Service, StaffMembership, WorkingHours, TimeOff):
        post_save.connect(_config_saved, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
        post_delete.connect(_config_deleted, sender=model, dispatch_uid=f"freshness-delete-{model.__name__}")
    for through in (Service.locations.through, Service.mechanics.through):
        m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"freshness-m2m-{through.__name__}")
