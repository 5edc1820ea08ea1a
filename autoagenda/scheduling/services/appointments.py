"""Every write on appointments: booking, moving, cancelling, and the steps of their life.

Every write takes the BookingDay row of the local date(s) it touches with
select_for_update (on SQLite the IMMEDIATE transaction already serialises
writers), then re-reads availability inside the transaction and asks the same
engine the availability API uses. A booking or a move also locks its eligible
mechanics for the new time (selectors.lock_mechanics_during: PostgreSQL
advisory locks per mechanic and UTC date), so the same mechanic booked at two
locations at once waits instead of slipping past; bookings on other days run in
parallel. The exclusion constraint scheduling_appointment_mechanic_no_overlap is
the database's own backstop. Configuration (hours, closures, mechanics) is
remembered per version counter (freshness.py), so the re-check costs three
queries, and every write bumps the counters its change affects, as its last statement before COMMIT
(freshness.bumps_at_the_end: the counters are the rows writers on different days may share).

Each write sends its domain event (scheduling/events.py) after its own writes, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import ClientLinkSource, Role, User
from autoagenda.accounts.permissions import can_see_client, is_staff_member, require
from autoagenda.catalog.models import Service
from autoagenda.catalog.selectors import service_price_at
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.models import Vehicle
from autoagenda.customers.services import client_link_location
from autoagenda.locations.models import Location
from autoagenda.scheduling import availability, events, freshness, selectors
from autoagenda.scheduling.models import (
    ALLOWED_TRANSITIONS,
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
    BookingDay,
)
from autoagenda.scheduling.permissions import can_book_at, can_change_appointment, can_set_appointment_status

NOTES_MAX = 2000


NOTE_MAX = 500


NO_OVERLAP_CONSTRAINT = "scheduling_appointment_mechanic_no_overlap"


# Only appointments that have not begun may move; checked-in work stays where it is.
MOVABLE_STATUSES = frozenset({AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED})


MOVED_FIELDS = ("start", "end", "occupied_until", "local_date", "local_hour", "mechanic")


MOVED_ATTRS = ("start", "end", "occupied_until", "local_date", "local_hour", "mechanic_id", "updated_at")


def _refusal_error(code: str) -> ApplicationError:
    if code == availability.CAPACITY_REACHED:
        return ApplicationError(code, _("The workshop is fully booked at that time. Please choose another time."))
    return ApplicationError(
        availability.SLOT_UNAVAILABLE, _("That time is not available any more. Please choose another time.")
    )


def _invalid_transition(current: str, wanted: str) -> ApplicationError:
    return ApplicationError(
        "invalid_transition",
        _("An appointment that is %(current)s cannot become %(wanted)s.")
        % {"current": AppointmentStatus(current).label, "wanted": AppointmentStatus(wanted).label},
    )


def _aware_start_errors(start: object) -> list[str]:
    if not isinstance(start, datetime):
        return [_("Enter a date and time.")]
    if start.tzinfo is None or start.utcoffset() is None:
        return [_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00.")]
    return []


def _lock_days(location: Location, days: Iterable[date]) -> None:
    """Take the lock rows of `days` in ascending order, so two writers never wait on each other in a circle.

    One statement per day once its row exists (the common case); the first booking of a day creates it. Plain
    SQL written once: every write on appointments runs it, and the ORM spent more building it than the
    database spent answering.
    """
    sql = _lock_day_sql()
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for day in sorted(set(days)):
            cursor.execute(sql, [location.pk, adapt(day)])
            if cursor.fetchone() is None:
                BookingDay.objects.bulk_create([BookingDay(location=location, date=day)], ignore_conflicts=True)
                cursor.execute(sql, [location.pk, adapt(day)])
                cursor.fetchone()


def _lock_day_sql() -> str:
    """`BookingDay.objects.select_for_update().filter(location=, date=)`'s statement (SQLite has no FOR UPDATE:
    its IMMEDIATE transaction already holds the only write lock)."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('id')} FROM {quote(BookingDay._meta.db_table)} "  # noqa: S608 - names from the model
        f"WHERE {quote('location_id')} = %s AND {quote('date')} = %s"
    )
    return sql + " FOR UPDATE" if connection.features.has_select_for_update else sql


def _lock_appointment(appointment: Appointment, locked_days: set[date]) -> Appointment:
    """The appointment as it is now, locked; a concurrent move to a day we did not lock is a conflict."""
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.local_date not in locked_days:
        raise ApplicationError("conflict", _("The appointment was changed meanwhile. Please try again."))
    return current


def _save_guarded(appointment: Appointment, **save_kwargs: Any) -> None:
    """Save; PostgreSQL's no-overlap constraint refusing it means the slot was taken.

    No savepoint: the error leaves the whole transaction, which rolls back.
    """
    try:
        appointment.save(**save_kwargs)
    except IntegrityError as exc:
        if NO_OVERLAP_CONSTRAINT in str(exc):
            raise _refusal_error(availability.SLOT_UNAVAILABLE) from exc
        raise


def _choose_mechanic(
    query: availability.AvailabilityQuery, start: datetime, *, wanted: User | None, keep: int | None = None
) -> int | None:
    """Re-check `start` and name the mechanic: the wanted one if free, else `keep` if free, else rule 3's pick."""
    refusal, free = availability.check_start(query, start)
    if refusal is not None:
        raise _refusal_error(refusal)
    if not query.requires_mechanic:
        return None
    if wanted is not None:
        if wanted.pk not in free:
            raise _refusal_error(availability.SLOT_UNAVAILABLE)
        return wanted.pk
    if keep is not None and keep in free:
        return keep
    picked = availability.least_loaded(query, start, free)
    if picked is None:  # no refusal means someone is free; the engine must agree with itself
        raise _refusal_error(availability.SLOT_UNAVAILABLE)
    return picked


def _actor_user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _history(appointment: Appointment, *, from_status: str, actor: Any, note: str = "") -> None:
    AppointmentStatusChange.objects.create(
        appointment=appointment,
        from_status=from_status,
        to_status=appointment.status,
        changed_by=_actor_user(actor),
        note=note,
    )


def _copy_back(target: Appointment, source: Appointment, fields: Iterable[str]) -> None:
    """Keep the caller's instance in step with the row we changed under the lock."""
    for name in fields:
        setattr(target, name, getattr(source, name))


def _booking_client(actor: User, client: User | None, errors: dict[str, list[str]]) -> User | None:
    if not is_staff_member(actor):
        # A client books for themselves only.
        require(client is None or client.pk == actor.pk)
        return actor
    if client is None:
        errors["client"] = [_("Choose the client this appointment is for.")]
        return None
    # A client no location of the actor serves looks exactly like someone who is not a client (API.md: 404
    # or its field's error for what the caller may not see); the desk finds them by an exact identifier first.
    if client.role != Role.CLIENT or not client.is_active or not can_see_client(actor, client):
        errors["client"] = [_("Appointments are booked for clients.")]
        return None
    return client


def _place_at(appointment: Appointment, start: datetime, *, zone: ZoneInfo) -> None:
    """The appointment's times from `start` (UTC: durations are elapsed time, rule 8), with the duration and
    buffer it was booked with, and the local date and hour its counts go by."""
    local_start = start.astimezone(zone)
    end = start + timedelta(minutes=appointment.duration_minutes)
    appointment.start = start
    appointment.end = end
    appointment.occupied_until = end + timedelta(minutes=appointment.buffer_minutes)
    appointment.local_date = local_start.date()
    appointment.local_hour = local_start.hour


def booking_deposit(location: Location, service: Service) -> Decimal | None:
    """The deposit a client's online booking of `service` at `location` waits for, or None.

    The location's rule (a fixed amount, or a percent of the service's price there, in its currency); the
    booking pages show it and the deposits app charges exactly this amount.
    """
    if not location.takes_deposits:
        return None
    price = service_price_at(service, location)
    return location.deposit_for(price.amount if price is not None else None)


def _initial_status(actor: Any, location: Location, service: Service) -> str:
    """A client's own booking at a location that takes deposits waits `pending` for it (API.md reserves the
    status for this); staff booking at the desk take the client's word, so theirs are confirmed."""
    if not is_staff_member(actor) and booking_deposit(location, service) is not None:
        return AppointmentStatus.PENDING
    return AppointmentStatus.CONFIRMED


def _offered_at(service: Service, location: Location) -> bool:
    """`service.locations.filter(pk=location.pk).exists()`, as one plain statement on the relation's table."""
    through = Service.locations.through
    quote = connection.ops.quote_name
    sql = (
        f"SELECT 1 FROM {quote(through._meta.db_table)} WHERE "  # noqa: S608 - names from the model
        f"{quote(through._meta.get_field('service').column)} = %s AND "
        f"{quote(through._meta.get_field('location').column)} = %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [service.pk, location.pk])
        return cursor.fetchone() is not None


def _booking_errors(
    *,
    actor: Any,
    location: Location,
    service: Service,
    start: datetime,
    client: User | None,
    mechanic: User | None,
    vehicle: Vehicle | None,
    notes: str,
) -> tuple[User, str]:
    """Who the booking is for and its cleaned notes; every problem with the request at once, as one refusal."""
    errors: dict[str, list[str]] = {}
    booked_for = _booking_client(actor, client, errors)
    if not service.is_active or not _offered_at(service, location):
        errors["service"] = [_("This service is not offered at this location.")]
    if mechanic is not None and refuses_mechanic(service):
        errors["mechanic"] = [_("This service does not need a mechanic.")]
    if vehicle is not None and booked_for is not None and vehicle.owner_id != booked_for.pk:
        errors["vehicle"] = [_("Choose one of the client's vehicles.")]
    elif vehicle is not None and vehicle.archived_at is not None:
        errors["vehicle"] = [_("This vehicle is archived; restore it to book it again.")]
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = [_("Use at most %(limit)s characters.") % {"limit": NOTES_MAX}]
    if start_errors := _aware_start_errors(start):
        errors["start"] = start_errors
    if errors or booked_for is None:
        raise ApplicationError("invalid", _("The appointment was not booked."), errors=errors)
    return booked_for, notes


def appointment_book(
    *,
    actor: Any,
    location: Location,
    service: Service,
    start: datetime,
    client: User | None = None,
    mechanic: User | None = None,
    vehicle: Vehicle | None = None,
    notes: str = "",
) -> Appointment:
    """Book `service` at `start`: re-checked under the day's lock, so only one person gets the last place.

    A client books for themselves; staff of the location book for a client. The
    appointment is `confirmed` (`pending` when a client books where a deposit is required: the deposits app
    confirms it once paid, or releases it), with the service's current duration and buffer.
    """
    require(can_book_at(actor, location))
    booked_for, notes = _booking_errors(
        actor=actor,
        location=location,
        service=service,
        start=start,
        client=client,
        mechanic=mechanic,
        vehicle=vehicle,
        notes=notes,
    )
    start = start.astimezone(UTC)  # durations are elapsed time (rule 8): add them on the UTC timeline
    local_start = start.astimezone(location.zone)
    day = local_start.date()
    with transaction.atomic(), freshness.bumps_at_the_end():
        _lock_days(location, [day])
        query = selectors.availability_query(
            location=location,
            service=service,
            first_date=day,
            last_date=day,
            now=timezone.now(),
            mechanic_id=mechanic.pk if mechanic is not None else None,
            lock_window=(start, start + timedelta(minutes=service.duration_minutes + service.buffer_minutes)),
        )
        appointment = Appointment(
            location=location,
            service=service,
            client=booked_for,
            mechanic_id=_choose_mechanic(query, local_start, wanted=mechanic),
            vehicle=vehicle,
            duration_minutes=service.duration_minutes,
            buffer_minutes=service.buffer_minutes,
            status=_initial_status(actor, location, service),
            notes=notes,
            created_by=actor,
        )
        _place_at(appointment, start, zone=location.zone)
        _save_guarded(appointment)
        _history(appointment, from_status="", actor=actor)
        # From now on this location serves the client: its staff see their profile, vehicles and history.
        client_link_location(client=booked_for, location=location, source=ClientLinkSource.BOOKING)
        events.appointment_booked.send(events.AppointmentBooked(appointment=appointment, actor=_actor_user(actor)))
    return appointment


def too_late_to_change(*, actor: Any, appointment: Appointment, now: datetime) -> bool:
    """The rule cancelling and moving enforce: a client may change an appointment only while start - now is at
    least the location's cancellation window; staff always may. Pages call it to say so before anyone tries."""
    if is_staff_member(actor):
        return False
    window = timedelta(minutes=appointment.location.cancellation_window_minutes)
    return appointment.start - now < window


def refuses_mechanic(service: Service) -> bool:
    """A service that needs no mechanic refuses one named in a booking or a move (400 on `mechanic`); the pages
    offer none for it."""
    return not service.requires_mechanic


def _window_error() -> ApplicationError:
    return ApplicationError(
        "cancellation_window_passed",
        _("It is too late to change this appointment online. Please call the workshop."),
    )


def _check_movable(actor: Any, current: Appointment, now: datetime) -> None:
    """Only an appointment that has not begun moves, and a client only while the window allows."""
    if current.status not in MOVABLE_STATUSES:
        raise ApplicationError(
            "invalid_transition",
            _("An appointment that is %(current)s cannot be moved.")
            % {"current": AppointmentStatus(current.status).label},
        )
    if too_late_to_change(actor=actor, appointment=current, now=now):
        raise _window_error()


def appointment_reschedule(
    *, actor: Any, appointment: Appointment, start: datetime, mechanic: User | None = None
) -> Appointment:
    """Move an appointment, checked as a new booking that ignores itself (rule 6).

    It keeps the duration and buffer it was booked with. Without `mechanic` it
    keeps its mechanic when they are free at the new time, else rule 3 picks one.
    """
    require(can_change_appointment(actor, appointment))
    errors: dict[str, list[str]] = {}
    if start_errors := _aware_start_errors(start):
        errors["start"] = start_errors
    if mechanic is not None and refuses_mechanic(appointment.service):
        errors["mechanic"] = [_("This service does not need a mechanic.")]
    if errors:
        raise ApplicationError("invalid", _("The appointment was not moved."), errors=errors)

    location = appointment.location
    start = start.astimezone(UTC)
    local_start = start.astimezone(location.zone)
    day = local_start.date()
    with transaction.atomic(), freshness.bumps_at_the_end():
        days = {appointment.local_date, day}
        _lock_days(location, days)
        current = _lock_appointment(appointment, days)
        now = timezone.now()
        _check_movable(actor, current, now)
        query = selectors.availability_query_for_move(
            current,
            first_date=day,
            last_date=day,
            now=now,
            mechanic_id=mechanic.pk if mechanic is not None else None,
            lock_window=(start, start + timedelta(minutes=current.duration_minutes + current.buffer_minutes)),
        )
        mechanic_id = _choose_mechanic(query, local_start, wanted=mechanic, keep=current.mechanic_id)
        previous_start, previous_mechanic_id = current.start, current.mechanic_id
        _place_at(current, start, zone=location.zone)
        current.mechanic_id = mechanic_id
        _save_guarded(current, update_fields=[*MOVED_FIELDS, "updated_at"])
        old_local = previous_start.astimezone(location.zone)
        _history(
            current,
            from_status=current.status,
            actor=actor,
            note=_("Rescheduled from %(start)s") % {"start": old_local.strftime("%Y-%m-%d %H:%M")},
        )
        events.appointment_rescheduled.send(
            events.AppointmentRescheduled(
                appointment=current,
                actor=_actor_user(actor),
                previous_start=previous_start,
                previous_mechanic_id=previous_mechanic_id,
            )
        )
    _copy_back(appointment, current, [*MOVED_ATTRS, "status"])
    return appointment


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        message = _("Use at most %(limit)s characters.") % {"limit": NOTE_MAX}
        raise ApplicationError("invalid", message, errors={"note": [message]})
    return note


def _change_status(
    *,
    actor: Any,
    appointment: Appointment,
    status: str,
    note: str,
    client_window: bool,
    only_from: str | None = None,
) -> Appointment:
    with transaction.atomic(), freshness.bumps_at_the_end():
        _lock_days(appointment.location, [appointment.local_date])
        current = _lock_appointment(appointment, {appointment.local_date})
        if status not in ALLOWED_TRANSITIONS[current.status] or (only_from is not None and current.status != only_from):
            raise _invalid_transition(current.status, status)
        if client_window and too_late_to_change(actor=actor, appointment=current, now=timezone.now()):
            raise _window_error()
        previous = current.status
        current.status = status
        current.save(update_fields=["status", "updated_at"])
        _history(current, from_status=previous, actor=actor, note=note)
        # Apps above react in this transaction (walkins queues a checked-in client); their failure refuses it.
        if status == AppointmentStatus.CANCELLED:
            events.appointment_cancelled.send(
                events.AppointmentCancelled(appointment=current, actor=_actor_user(actor), from_status=previous)
            )
        else:
            events.appointment_status_changed.send(
                events.AppointmentStatusChanged(
                    appointment=current, actor=_actor_user(actor), from_status=previous, to_status=status
                )
            )
    _copy_back(appointment, current, ["status", "updated_at"])
    return appointment


def appointment_cancel(*, actor: Any, appointment: Appointment, note: str = "") -> Appointment:
    """Cancel: the client only while start - now >= the cancellation window; staff of the location always."""
    require(can_change_appointment(actor, appointment))
    return _change_status(
        actor=actor, appointment=appointment, status=AppointmentStatus.CANCELLED, note=_note(note), client_window=True
    )


def appointment_set_status(*, actor: Any, appointment: Appointment, status: str, note: str = "") -> Appointment:
    """Staff move an appointment along its life (check-in, start, finish, no-show); ALLOWED_TRANSITIONS only."""
    require(can_set_appointment_status(actor, appointment))
    if status not in AppointmentStatus.values:
        message = _("Choose a valid status.")
        raise ApplicationError("invalid", message, errors={"status": [message]})
    return _change_status(actor=actor, appointment=appointment, status=status, note=_note(note), client_window=False)


def appointment_confirm_pending(*, appointment: Appointment, note: str) -> Appointment:
    """The system confirms a booking that waited (its deposit was paid): pending → confirmed, nobody's act.

    Anything but `pending` is `invalid_transition` (a booking already released stays cancelled). The status
    change event tells the apps above (notifications sends the booking's confirmation then).
    """
    return _change_status(
        actor=None,
        appointment=appointment,
        status=AppointmentStatus.CONFIRMED,
        note=_note(note),
        client_window=False,
        only_from=AppointmentStatus.PENDING,
    )


def appointment_release_pending(*, appointment: Appointment, note: str) -> Appointment:
    """The system cancels a booking that waited too long (its deposit never came): its slot is free again.

    Only from `pending`; `note` says why in the status history.
    """
    return _change_status(
        actor=None,
        appointment=appointment,
        status=AppointmentStatus.CANCELLED,
        note=_note(note),
        client_window=False,
        only_from=AppointmentStatus.PENDING,
    )


def appointment_confirm_attendance(*, actor: Any, appointment: Appointment) -> Appointment:
    """The client says they will come: the time is recorded on the appointment and in its history.

    Only an appointment that has not begun (pending or confirmed) and whose start lies ahead; confirming twice
    keeps the first time and changes nothing (`invalid_transition`, so a page can say it was already done).
    """
    require(can_change_appointment(actor, appointment))
    with transaction.atomic(), freshness.bumps_at_the_end():
        _lock_days(appointment.location, [appointment.local_date])
        current = _lock_appointment(appointment, {appointment.local_date})
        now = timezone.now()
        if current.status not in MOVABLE_STATUSES or current.start <= now:
            raise ApplicationError("invalid_transition", _("This appointment can no longer be confirmed."))
        if current.attendance_confirmed_at is not None:
            raise ApplicationError("invalid_transition", _("Attendance was already confirmed."))
        current.attendance_confirmed_at = now
        current.save(update_fields=["attendance_confirmed_at", "updated_at"])
        _history(current, from_status=current.status, actor=actor, note=_("Attendance confirmed by the client"))
        events.appointment_attendance_confirmed.send(
            events.AttendanceConfirmed(appointment=current, actor=_actor_user(actor))
        )
    _copy_back(appointment, current, ["attendance_confirmed_at", "updated_at"])
    return appointment
