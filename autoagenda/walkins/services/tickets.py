"""Tickets: issuing numbers (at reception and for checked-in appointments) and the desk's calls and actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import ClientLinkSource, User
from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.services import client_link_location
from autoagenda.locations.models import Location
from autoagenda.scheduling.events import AppointmentStatusChanged
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.walkins import events, live, selectors
from autoagenda.walkins.models import (
    ALLOWED_ACTIONS,
    AT_DESK_STATUSES,
    Desk,
    Queue,
    Ticket,
    TicketAction,
    TicketCounter,
    TicketStatus,
)
from autoagenda.walkins.permissions import can_issue_tickets, can_operate_desks
from autoagenda.walkins.services.base import (
    CLAIM_ATTEMPTS,
    NAME_MAX,
    PHONE_MAX,
    PLATE_MAX,
    _clean_text,
    _event,
    _invalid_transition,
    _publish_after_commit,
    _raise_if_errors,
    _user,
)


def _next_number(location: Location, prefix: str, local_date: Any) -> int:
    """Take the day's counter row for (location, prefix) under a row lock and advance it."""
    row, _created = TicketCounter.objects.get_or_create(location=location, prefix=prefix, local_date=local_date)
    counter = TicketCounter.objects.select_for_update().get(pk=row.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _issue(
    *,
    actor: Any,
    queue: Queue,
    name: str,
    phone: str,
    plate: str,
    priority: bool,
    appointment: Appointment | None,
    customer: User | None,
) -> Ticket:
    errors: dict[str, list[str]] = {}
    name = _clean_text(name, NAME_MAX, "name", errors)
    phone = _clean_text(phone, PHONE_MAX, "phone", errors)
    plate = _clean_text(plate, PLATE_MAX, "plate", errors).upper()
    _raise_if_errors(errors, _("The ticket was not issued."))
    location = queue.location
    with transaction.atomic():
        current_queue = Queue.objects.get(pk=queue.pk)
        if not current_queue.is_active:
            raise ApplicationError("invalid_transition", _("This queue is closed; choose another one."))
        now = timezone.now()
        local_date = selectors.local_today(location, now)
        number = _next_number(location, current_queue.prefix, local_date)
        ticket = Ticket.objects.create(
            location=location,
            queue=current_queue,
            prefix=current_queue.prefix,
            local_date=local_date,
            number=number,
            status=TicketStatus.WAITING,
            priority=priority,
            name=name,
            phone=phone,
            plate=plate,
            customer=customer,
            appointment=appointment,
            issued_at=now,
            issued_by=_user(actor),
        )
        _event(ticket, TicketAction.ISSUED, actor=actor, at=now, to_queue=current_queue)
        if customer is not None:  # a ticket that names a client: this location serves them
            client_link_location(client=customer, location=location, source=ClientLinkSource.WALKIN)
        _publish_after_commit(location.pk)
    ticket.queue = queue
    return ticket


def ticket_issue(
    *,
    actor: Any,
    queue: Queue,
    name: str = "",
    phone: str = "",
    plate: str = "",
    priority: bool = False,
    appointment: Appointment | None = None,
    customer: User | None = None,
) -> Ticket:
    """Hand out the next number of the queue's letter today (local date): A-001, A-002…"""
    require(can_issue_tickets(actor, queue.location))
    return _issue(
        actor=actor,
        queue=queue,
        name=name,
        phone=phone,
        plate=plate,
        priority=priority,
        appointment=appointment,
        customer=customer,
    )


def queue_for_service(location: Location, service: Service) -> Queue | None:
    """The active queue that serves a service at a location (the first by position), if any."""
    return (
        Queue.objects.filter(location=location, is_active=True, services=service)
        .select_related("location")
        .order_by("position", "prefix", "id")
        .first()
    )


def queue_checked_in_client(change: AppointmentStatusChanged) -> None:
    """Subscribed to `scheduling.events.appointment_status_changed` (apps.py): the client is here, so they join
    the walk-in queue of their service, ahead of walk-ins."""
    if change.to_status == AppointmentStatus.CHECKED_IN:
        ticket_issue_for_check_in(actor=change.actor, appointment=change.appointment)


def ticket_issue_for_check_in(*, actor: Any, appointment: Appointment) -> Ticket | None:
    """A checked-in booked client joins the queue of their service with priority.

    Runs inside scheduling's status transaction (`queue_checked_in_client`), so a failed check-in issues
    nothing. No queue serves the service: no ticket. Already has one: that one (checking in twice never gives
    two numbers).
    """
    existing = Ticket.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    queue = queue_for_service(appointment.location, appointment.service)
    if queue is None:
        return None
    client = appointment.client
    vehicle = appointment.vehicle
    return _issue(
        actor=actor,
        queue=queue,
        name=(client.get_full_name() or client.email)[:NAME_MAX],
        phone=client.phone[:PHONE_MAX],
        plate=(vehicle.plate if vehicle is not None else "")[:PLATE_MAX],
        priority=True,
        appointment=appointment,
        customer=client,
    )


def _finish_current(desk: Desk, *, actor: Any, now: datetime) -> None:
    """The person at the desk is done when the agent calls the next one."""
    for ticket in Ticket.objects.select_for_update().filter(desk=desk, status__in=AT_DESK_STATUSES):
        ticket.status = TicketStatus.DONE
        ticket.finished_at = now
        ticket.finished_by = _user(actor)
        ticket.save(update_fields=["status", "finished_at", "finished_by"])
        _event(ticket, TicketAction.FINISHED, actor=actor, at=now, desk=desk)


def _claim_next(desk: Desk, queue_ids: list[int], *, actor: Any, now: datetime) -> Ticket | None:
    """Take the first waiting ticket no one else is taking: skip rows other desks hold, then claim conditionally."""
    for _attempt in range(CLAIM_ATTEMPTS):
        candidate = (
            selectors.waiting_in(queue_ids).select_for_update(skip_locked=True).values_list("id", flat=True).first()
        )
        if candidate is None:
            return None
        claimed = Ticket.objects.filter(pk=candidate, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, desk=desk, called_at=now, called_by=_user(actor), started_at=None
        )
        if claimed == 1:
            return Ticket.objects.select_related("queue", "location").get(pk=candidate)
    raise ApplicationError("conflict", _("Many desks are calling at once. Please try again."))


def ticket_call_next(*, actor: Any, desk: Desk, queues: Iterable[Queue] | None = None) -> Ticket | None:
    """Finish the desk's current ticket, then call the next waiting one of its queues (priority, then oldest).

    None when nobody waits. Two desks pressing at once never get the same ticket.
    """
    require(can_operate_desks(actor, desk.location))
    served = set(selectors.desk_queue_ids(desk))
    if queues is not None:
        chosen = {q.pk for q in queues}
        if not chosen or not chosen <= served:
            raise ApplicationError.invalid("queues", _("Choose queues this desk serves."))
        queue_ids = sorted(chosen)
    else:
        queue_ids = sorted(served)
    with transaction.atomic():
        locked = Desk.objects.select_for_update().get(pk=desk.pk)
        if not locked.is_active:
            raise ApplicationError("invalid_transition", _("This desk is closed for good; ask a manager."))
        now = timezone.now()
        _finish_current(locked, actor=actor, now=now)
        ticket = _claim_next(locked, queue_ids, actor=actor, now=now)
        call = None
        if ticket is not None:
            _event(ticket, TicketAction.CALLED, actor=actor, at=now, desk=locked)
            call = live.call_message(
                number=ticket.code, desk=locked.name, at=now, location=ticket.location, recall=False
            )
            events.waiting_line_moved.send(
                events.WaitingLineMoved(location_id=desk.location_id, queue_ids=(ticket.queue_id,))
            )
        _publish_after_commit(desk.location_id, call)
    return ticket


def _act(ticket: Ticket, action: str, *, actor: Any) -> tuple[Ticket, datetime]:
    """Lock the ticket as it is now and check the action is allowed from its status."""
    require(can_operate_desks(actor, ticket.location))
    current = (
        Ticket.objects.select_for_update(of=("self",)).select_related("queue", "location", "desk").get(pk=ticket.pk)
    )
    if action not in ALLOWED_ACTIONS[current.status]:
        raise _invalid_transition(current, action)
    return current, timezone.now()


def _copy_back(target: Ticket, source: Ticket) -> Ticket:
    for field in (
        "status",
        "queue",
        "desk",
        "called_at",
        "started_at",
        "finished_at",
        "called_by_id",
        "finished_by_id",
        "recall_count",
    ):
        setattr(target, field, getattr(source, field))
    return target


def ticket_recall(*, actor: Any, ticket: Ticket) -> Ticket:
    """Call the same person again (the screen chimes and shows it with `recall: true`)."""
    with transaction.atomic():
        current, now = _act(ticket, TicketAction.RECALLED, actor=actor)
        current.recall_count += 1
        current.save(update_fields=["recall_count"])
        _event(current, TicketAction.RECALLED, actor=actor, at=now, desk=current.desk)
        call = live.call_message(
            number=current.code,
            desk=current.desk.name if current.desk is not None else "",
            at=now,
            location=current.location,
            recall=True,
        )
        _publish_after_commit(current.location_id, call)
    return _copy_back(ticket, current)


def ticket_start(*, actor: Any, ticket: Ticket) -> Ticket:
    """The called person arrived at the desk: service time starts now."""
    with transaction.atomic():
        current, now = _act(ticket, TicketAction.STARTED, actor=actor)
        current.status = TicketStatus.SERVING
        current.started_at = now
        current.save(update_fields=["status", "started_at"])
        _event(current, TicketAction.STARTED, actor=actor, at=now, desk=current.desk)
        _publish_after_commit(current.location_id)
    return _copy_back(ticket, current)


def _close(ticket: Ticket, action: str, status: str, *, actor: Any) -> Ticket:
    with transaction.atomic():
        current, now = _act(ticket, action, actor=actor)
        was_waiting = current.status == TicketStatus.WAITING
        current.status = status
        current.finished_at = now
        current.finished_by = _user(actor)
        current.save(update_fields=["status", "finished_at", "finished_by"])
        _event(current, action, actor=actor, at=now, desk=current.desk)
        if was_waiting:  # those behind it move up
            events.waiting_line_moved.send(
                events.WaitingLineMoved(location_id=current.location_id, queue_ids=(current.queue_id,))
            )
        _publish_after_commit(current.location_id)
    return _copy_back(ticket, current)


def ticket_finish(*, actor: Any, ticket: Ticket) -> Ticket:
    return _close(ticket, TicketAction.FINISHED, TicketStatus.DONE, actor=actor)


def ticket_no_show(*, actor: Any, ticket: Ticket) -> Ticket:
    """The called person did not come."""
    return _close(ticket, TicketAction.NO_SHOW, TicketStatus.NO_SHOW, actor=actor)


def ticket_cancel(*, actor: Any, ticket: Ticket) -> Ticket:
    """The person left, or the ticket was a mistake."""
    return _close(ticket, TicketAction.CANCELLED, TicketStatus.CANCELLED, actor=actor)


def ticket_transfer(*, actor: Any, ticket: Ticket, queue: Queue) -> Ticket:
    """Send the person to another queue: same number and issue time (they keep their place in time), waiting."""
    if queue.location_id != ticket.location_id:
        raise ApplicationError.invalid("queue", _("Choose a queue of this location."))
    with transaction.atomic():
        current, now = _act(ticket, TicketAction.TRANSFERRED, actor=actor)
        if current.queue_id == queue.pk and current.status == TicketStatus.WAITING:
            raise ApplicationError.invalid("queue", _("The ticket is already waiting in this queue."))
        if not Queue.objects.filter(pk=queue.pk, is_active=True).exists():
            raise ApplicationError.invalid("queue", _("This queue is closed; choose another one."))
        from_queue, from_desk, was_waiting = current.queue, current.desk, current.status == TicketStatus.WAITING
        current.queue = queue
        current.status = TicketStatus.WAITING
        current.desk = None
        current.called_at = None
        current.started_at = None
        current.save(update_fields=["queue", "status", "desk", "called_at", "started_at"])
        _event(
            current,
            TicketAction.TRANSFERRED,
            actor=actor,
            at=now,
            desk=from_desk,
            from_queue=from_queue,
            to_queue=queue,
        )
        if was_waiting:  # those behind it in the queue it left move up
            events.waiting_line_moved.send(
                events.WaitingLineMoved(location_id=current.location_id, queue_ids=(from_queue.pk,))
            )
        _publish_after_commit(current.location_id)
    return _copy_back(ticket, current)
