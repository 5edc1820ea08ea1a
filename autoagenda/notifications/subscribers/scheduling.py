"""Appointments: confirmations, changes, cancellations and no-shows to the client and the location's staff, and
the client's reminders at the location's offsets.

The client gets each message on the channels they chose (email by default; SMS/WhatsApp with a phone and their
consent) and, when someone else made the change, in the app too. Staff — the mechanic assigned and the
location's receptionists, never the person who made the change — get an in-app alert, pushed to their open pages
after commit. Reminders are queued with the booking (`send_after` = start − offset), moved with a reschedule and
cancelled with a cancellation; one whose time has passed is not queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.locations.models import reminder_offsets
from autoagenda.notifications import ics, links
from autoagenda.notifications.models import INAPP, Channel
from autoagenda.notifications.services import (
    Message,
    notification_cancel,
    notification_enqueue,
    notification_enqueue_many,
    notification_reschedule,
    register_attachment_builder,
)
from autoagenda.scheduling import events
from autoagenda.scheduling.models import Appointment, AppointmentStatus

REMINDER_CHANNELS = (Channel.EMAIL.value, Channel.SMS.value, Channel.WHATSAPP.value)
STAFF_CHANNELS = (INAPP,)


def connect() -> None:
    register_attachment_builder(ics.INVITATION_BUILDER, ics.build_invitation)
    events.appointment_booked.subscribe(on_booked)
    events.appointment_rescheduled.subscribe(on_rescheduled)
    events.appointment_cancelled.subscribe(on_cancelled)
    events.appointment_status_changed.subscribe(on_status_changed)
    events.appointment_attendance_confirmed.subscribe(on_attendance_confirmed)


# --- What the messages say --------------------------------------------------------------------------------


def _vehicle(appointment: Appointment) -> str:
    vehicle = appointment.vehicle
    if vehicle is None:
        return ""
    return " ".join(part for part in (vehicle.plate, vehicle.make, vehicle.model) if part)


def appointment_context(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    """JSON data only (rendered later, maybe by another process): what every appointment message may show."""
    location = appointment.location
    mechanic = appointment.mechanic
    return {
        "appointment_id": appointment.pk,
        "start": appointment.start,
        "end": appointment.end,
        "zone": location.timezone,
        "service_name": appointment.service.name,
        "location_name": location.name,  # the in-app item is rendered now, before the worker adds it
        "location_address": location.address,
        "location_phone": location.phone,
        "mechanic_name": mechanic.get_full_name() if mechanic is not None else "",
        "vehicle": _vehicle(appointment),
        "client_name": appointment.client.get_full_name() or appointment.client.email,
        **extra,
    }


def _client_context(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    return appointment_context(
        appointment,
        url=reverse("booking:done", args=[appointment.pk]),
        links=links.links_for(appointment_id=appointment.pk, start=appointment.start),
        **extra,
    )


def _staff_context(appointment: Appointment, change: str, **extra: Any) -> dict[str, Any]:
    return appointment_context(
        appointment, url=reverse("calendar:appointment", args=[appointment.pk]), change=change, **extra
    )


# --- Who gets them ------------------------------------------------------------------------------------------


def location_staff(appointment: Appointment, *, actor: User | None, also: tuple[int | None, ...] = ()) -> list[User]:
    """The mechanic assigned (and `also`, e.g. the one it was taken from) and the location's receptionists,
    active, without the person who made the change. One query."""
    mechanic_ids = sorted({pk for pk in (appointment.mechanic_id, *also) if pk is not None})
    sql, params = _staff_sql(appointment.location_id, mechanic_ids, actor.pk if actor is not None else None)
    staff = list(User.objects.raw(sql, params))
    mechanic_field = Appointment._meta.get_field("mechanic")
    if appointment.mechanic_id is not None and not mechanic_field.is_cached(appointment):
        # The assigned mechanic is (usually) one of them: the messages' context then reads no second row.
        for person in staff:
            if person.pk == appointment.mechanic_id:
                mechanic_field.set_cached_value(appointment, person)
    return staff


def _staff_sql(location_id: int, mechanic_ids: list[int], actor_id: int | None) -> tuple[str, list[Any]]:
    """`User.objects.filter(is_active=True).filter(Q(pk__in=mechanic_ids) | Q(memberships__location_id=…,
    memberships__role=RECEPTIONIST)).exclude(pk=actor_id).distinct().order_by("pk")` written once: every
    booking runs it, and building it with the ORM cost more than the database spent answering."""
    quote = connection.ops.quote_name
    memberships = StaffMembership._meta
    wanted = (
        f"u.{quote('id')} IN (SELECT m.{quote('user_id')} FROM {quote(memberships.db_table)} m "  # noqa: S608
        f"WHERE m.{quote('location_id')} = %s AND m.{quote('role')} = %s)"
    )
    params: list[Any] = [True, location_id, str(Role.RECEPTIONIST.value)]
    if mechanic_ids:
        wanted = f"{wanted} OR u.{quote('id')} IN ({', '.join(['%s'] * len(mechanic_ids))})"
        params += mechanic_ids
    sql = f"SELECT u.* FROM {quote(User._meta.db_table)} u WHERE u.{quote('is_active')} = %s AND ({wanted})"  # noqa: S608
    if actor_id is not None:
        sql += f" AND u.{quote('id')} <> %s"
        params.append(actor_id)
    return f"{sql} ORDER BY u.{quote('id')}", params


def _client_channels(appointment: Appointment, actor: User | None) -> tuple[str, ...] | None:
    """All the client accepts; without the in-app item when they made the change themselves (they know)."""
    if actor is not None and actor.pk == appointment.client_id:
        return REMINDER_CHANNELS
    return None


def _staff_messages(
    appointment: Appointment,
    *,
    key: str,
    change: str,
    actor: User | None,
    also: tuple[int | None, ...] = (),
    **extra: Any,
) -> list[Message]:
    staff = location_staff(appointment, actor=actor, also=also)
    context = _staff_context(appointment, change, **extra)
    return [
        Message(
            event_key=f"{key}:staff",
            recipient=person,
            template="appointment_staff",
            context=context,
            location=appointment.location,
            channels=STAFF_CHANNELS,
        )
        for person in staff
    ]


def _tell_staff(
    appointment: Appointment,
    *,
    key: str,
    change: str,
    actor: User | None,
    also: tuple[int | None, ...] = (),
    **extra: Any,
) -> None:
    notification_enqueue_many(_staff_messages(appointment, key=key, change=change, actor=actor, also=also, **extra))


# --- Reminders ----------------------------------------------------------------------------------------------


def _reminder_prefix(appointment: Appointment, minutes: int | None = None) -> str:
    base = f"appointment:{appointment.pk}:reminder:"
    return base if minutes is None else f"{base}{minutes}m:"


def _reminder_message(
    appointment: Appointment, minutes: int, due: datetime, *, base: dict[str, Any] | None = None
) -> Message:
    """`base`: the event's client context when the caller has it (its signed links are made once per event)."""
    context = {**base, "minutes_before": minutes} if base is not None else None
    return Message(
        event_key=f"{_reminder_prefix(appointment, minutes)}{int(appointment.start.timestamp())}",
        recipient=appointment.client,
        template="appointment_reminder",
        context=context or _client_context(appointment, minutes_before=minutes),
        location=appointment.location,
        send_after=due,
        channels=REMINDER_CHANNELS,
    )


def _queue_reminder(appointment: Appointment, minutes: int, due: datetime) -> None:
    notification_enqueue_many([_reminder_message(appointment, minutes, due)])


def reminder_messages(appointment: Appointment, *, now: datetime, base: dict[str, Any] | None = None) -> list[Message]:
    out = []
    for minutes in reminder_offsets(appointment.location):
        due = appointment.start - timedelta(minutes=minutes)
        if due > now:  # a reminder whose time has passed is not created
            out.append(_reminder_message(appointment, minutes, due, base=base))
    return out


def queue_reminders(appointment: Appointment, *, now: datetime) -> None:
    notification_enqueue_many(reminder_messages(appointment, now=now))


def move_reminders(appointment: Appointment, *, now: datetime) -> None:
    """Each offset's queued reminder moves to the new time with the new start and links; one that had already
    gone out (or never was) is queued afresh for the new time; one whose new time has passed is cancelled."""
    for minutes in reminder_offsets(appointment.location):
        due = appointment.start - timedelta(minutes=minutes)
        prefix = _reminder_prefix(appointment, minutes)
        if due <= now:
            notification_cancel(event_key_prefix=prefix)
            continue
        context = _client_context(appointment, minutes_before=minutes)
        if not notification_reschedule(event_key_prefix=prefix, send_after=due, context=context):
            _queue_reminder(appointment, minutes, due)


# --- The handlers -------------------------------------------------------------------------------------------


def on_booked(event: events.AppointmentBooked) -> None:
    if event.appointment.status == AppointmentStatus.PENDING:
        return  # it waits for its deposit: the confirmation, reminders and staff alert go out once it is confirmed
    # Just made: its only history row is the booking's, so its SEQUENCE is 0 (no need to count).
    _booking_confirmed(event.appointment, actor=event.actor, sequence=0)


def _booking_confirmed(appointment: Appointment, *, actor: User | None, sequence: int | None = None) -> None:
    # The confirmation, the reminders and the staff alerts in one write per table.
    key = f"appointment:{appointment.pk}:booked"
    staff = _staff_messages(appointment, key=key, change="booked", actor=actor)  # first: it loads the mechanic
    base = _client_context(appointment)
    confirmation = Message(
        event_key=key,
        recipient=appointment.client,
        template="appointment_booked",
        context=base,
        location=appointment.location,
        channels=_client_channels(appointment, actor),
        attachments=[ics.invitation_attachment(appointment, sequence=sequence)],
    )
    notification_enqueue_many(
        [
            confirmation,
            *reminder_messages(appointment, now=timezone.now(), base=base),
            *staff,
        ]
    )


def on_rescheduled(event: events.AppointmentRescheduled) -> None:
    appointment = event.appointment
    key = f"appointment:{appointment.pk}:rescheduled:{int(appointment.start.timestamp())}"
    notification_enqueue(
        event_key=key,
        recipient=appointment.client,
        template="appointment_rescheduled",
        context=_client_context(appointment, previous_start=event.previous_start),
        location=appointment.location,
        channels=_client_channels(appointment, event.actor),
        attachments=[ics.invitation_attachment(appointment)],
    )
    move_reminders(appointment, now=timezone.now())
    _tell_staff(
        appointment,
        key=key,
        change="rescheduled",
        actor=event.actor,
        also=(event.previous_mechanic_id,),
        previous_start=event.previous_start,
    )


def on_cancelled(event: events.AppointmentCancelled) -> None:
    appointment = event.appointment
    notification_cancel(event_key_prefix=_reminder_prefix(appointment))
    key = f"appointment:{appointment.pk}:cancelled"
    notification_enqueue(
        event_key=key,
        recipient=appointment.client,
        template="appointment_cancelled",
        context=appointment_context(appointment, url=reverse("booking:start")),
        location=appointment.location,
        channels=_client_channels(appointment, event.actor),
        attachments=[ics.invitation_attachment(appointment)],  # METHOD:CANCEL, same UID, higher SEQUENCE
    )
    _tell_staff(appointment, key=key, change="cancelled", actor=event.actor)


def on_status_changed(event: events.AppointmentStatusChanged) -> None:
    if event.from_status == AppointmentStatus.PENDING and event.to_status == AppointmentStatus.CONFIRMED:
        # A booking that waited (for its deposit) is confirmed now: the message a confirmed booking gets.
        _booking_confirmed(event.appointment, actor=event.actor)
        return
    if event.to_status != AppointmentStatus.NO_SHOW:
        return
    appointment = event.appointment
    notification_cancel(event_key_prefix=_reminder_prefix(appointment))
    key = f"appointment:{appointment.pk}:no_show"
    notification_enqueue(
        event_key=key,
        recipient=appointment.client,
        template="appointment_no_show",
        context=appointment_context(appointment, url=reverse("booking:start")),
        location=appointment.location,
        channels=_client_channels(appointment, event.actor),
    )
    _tell_staff(appointment, key=key, change="no_show", actor=event.actor)


def on_attendance_confirmed(event: events.AttendanceConfirmed) -> None:
    appointment = event.appointment
    _tell_staff(
        appointment, key=f"appointment:{appointment.pk}:attendance_confirmed", change="attendance_confirmed", actor=None
    )
