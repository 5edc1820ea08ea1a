"""Creating work orders: directly at the desk, from an appointment (its vehicle, service and mechanic carry over,
one work order per appointment) and from a walk-in ticket (its plate finds or creates the vehicle)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import ClientLinkSource, Role, User
from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service
from autoagenda.core.errors import ApplicationError
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import MileageSource, Vehicle
from autoagenda.customers.services import normalize_plate
from autoagenda.locations.models import Location
from autoagenda.scheduling.models import INACTIVE_STATUSES, Appointment
from autoagenda.walkins.models import Ticket
from autoagenda.workorders import events
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from autoagenda.workorders.permissions import can_run_work_orders, is_mechanic_of
from autoagenda.workorders.services.base import (
    DESCRIPTION_MAX,
    NOTES_MAX,
    changed,
    check_mileage,
    clean_aware,
    clean_text,
    history,
    next_number,
    raise_if_errors,
    user_or_none,
)

ONE_PER_APPOINTMENT = "workorders_workorder_one_per_appointment"
ONE_PER_TICKET = "workorders_workorder_one_per_ticket"


def _already_error(what: str) -> ApplicationError:
    if what == "appointment":
        return ApplicationError("conflict", _("This appointment already has a work order."))
    return ApplicationError("conflict", _("This ticket already has a work order."))


def _reference_errors(
    *,
    location: Location,
    client: User,
    vehicle: Vehicle,
    mechanic: User | None,
    appointment: Appointment | None,
    ticket: Ticket | None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if vehicle.owner_id != client.pk:
        errors["vehicle"] = [_("This vehicle belongs to another client.")]
    elif vehicle.is_archived:
        errors["vehicle"] = [_("This vehicle is archived; restore it first.")]
    if client.role != Role.CLIENT or not client.is_active:
        errors["client"] = [_("The work order must be for an active client.")]
    if mechanic is not None and not is_mechanic_of(mechanic, location):
        errors["mechanic"] = [_("Choose a mechanic who works at this location.")]
    if appointment is not None:
        if appointment.location_id != location.pk or appointment.client_id != client.pk:
            errors["appointment"] = [_("The appointment must be this client's, at this location.")]
        elif appointment.status in INACTIVE_STATUSES:
            errors["appointment"] = [_("This appointment was cancelled or missed.")]
    if ticket is not None and ticket.location_id != location.pk:
        errors["ticket"] = [_("The ticket must be of this location.")]
    return errors


def work_order_create(
    *,
    actor: Any,
    location: Location,
    vehicle: Vehicle,
    description: str,
    client: User | None = None,
    mechanic: User | None = None,
    service: Service | None = None,
    appointment: Appointment | None = None,
    ticket: Ticket | None = None,
    promised_by: datetime | None = None,
    mileage_in: int | None = None,
    notes: str = "",
) -> WorkOrder:
    """A new draft work order `OT-<year>-<n>` at `location`; the client is the vehicle's owner unless given.

    Records the intake mileage in the vehicle's history, links the client to the location, sends
    `work_order_created` (and `work_order_assigned` when a mechanic is named).
    """
    require(can_run_work_orders(actor, location))
    client = client if client is not None else vehicle.owner
    errors = _reference_errors(
        location=location, client=client, vehicle=vehicle, mechanic=mechanic, appointment=appointment, ticket=ticket
    )
    description = clean_text(description, DESCRIPTION_MAX, "description", errors, required=True)
    notes = clean_text(notes, NOTES_MAX, "notes", errors)
    promised = clean_aware(promised_by, "promised_by", errors)
    mileage = check_mileage(mileage_in, errors)
    raise_if_errors(errors, _("The work order was not created."))
    try:
        with transaction.atomic():
            work_order = _insert(
                actor=actor,
                location=location,
                client=client,
                vehicle=vehicle,
                mechanic=mechanic,
                service=service,
                appointment=appointment,
                ticket=ticket,
                description=description,
                notes=notes,
                promised_by=promised,
                mileage_in=mileage,
            )
    except IntegrityError as exc:  # a concurrent creation for the same appointment or ticket
        if ONE_PER_APPOINTMENT in str(exc):
            raise _already_error("appointment") from None
        if ONE_PER_TICKET in str(exc):
            raise _already_error("ticket") from None
        raise
    return work_order


def _insert(*, actor: Any, location: Location, client: User, mileage_in: int | None, **fields: Any) -> WorkOrder:
    if fields["appointment"] is not None and WorkOrder.objects.filter(appointment=fields["appointment"]).exists():
        raise _already_error("appointment")
    if fields["ticket"] is not None and WorkOrder.objects.filter(ticket=fields["ticket"]).exists():
        raise _already_error("ticket")
    now = timezone.now()
    year = timezone.localtime(now, location.zone).year
    sequence = next_number(location, year)
    work_order = WorkOrder.objects.create(
        location=location,
        year=year,
        sequence=sequence,
        number=WorkOrder.format_number(year, sequence),
        client=client,
        mileage_in=mileage_in,
        status=WorkOrderStatus.DRAFT,
        created_by=user_or_none(actor),
        status_changed_at=now,
        **fields,
    )
    history(work_order, from_status="", actor=actor, at=now)
    if mileage_in is not None:
        customer_services.vehicle_mileage_record(
            vehicle=work_order.vehicle,
            mileage=mileage_in,
            source=MileageSource.WORK_ORDER,
            reference=work_order.number,
            recorded_by=user_or_none(actor),
            recorded_at=now,
        )
    source = ClientLinkSource.WALKIN if fields["ticket"] is not None else ClientLinkSource.DESK_FOUND
    customer_services.client_link_location(client=client, location=location, source=source)
    events.work_order_created.send(events.WorkOrderCreated(work_order=work_order, actor=user_or_none(actor)))
    if work_order.mechanic_id is not None:
        events.work_order_assigned.send(
            events.WorkOrderAssigned(work_order=work_order, actor=user_or_none(actor), previous_mechanic_id=None)
        )
    changed(work_order, "created")
    return work_order


def work_order_create_from_appointment(
    *,
    actor: Any,
    appointment: Appointment,
    description: str = "",
    vehicle: Vehicle | None = None,
    mechanic: User | None = None,
    promised_by: datetime | None = None,
    mileage_in: int | None = None,
    notes: str = "",
) -> WorkOrder:
    """The appointment's vehicle, service and mechanic carry over (`vehicle` and `mechanic` override them); the
    promise defaults to the appointment's end and the complaint to its notes or service."""
    vehicle = vehicle if vehicle is not None else appointment.vehicle
    if vehicle is None:
        raise ApplicationError.invalid("vehicle", _("The appointment has no vehicle: choose one."))
    return work_order_create(
        actor=actor,
        location=appointment.location,
        vehicle=vehicle,
        client=appointment.client,
        description=description or appointment.notes or appointment.service.name,
        mechanic=mechanic if mechanic is not None else appointment.mechanic,
        service=appointment.service,
        appointment=appointment,
        promised_by=promised_by if promised_by is not None else appointment.end,
        mileage_in=mileage_in,
        notes=notes,
    )


def _ticket_client(actor: Any, ticket: Ticket, client: User | None, first_name: str, phone: str) -> User:
    if client is not None:
        return client
    if ticket.customer is not None:
        return ticket.customer
    name = (first_name or ticket.name).strip()
    if not name:
        raise ApplicationError.invalid("client", _("Choose the client, or give their name to create them."))
    return customer_services.client_create_at_desk(
        actor=actor, location=ticket.location, first_name=name, phone=phone or ticket.phone
    )


def work_order_create_from_ticket(
    *,
    actor: Any,
    ticket: Ticket,
    description: str,
    client: User | None = None,
    plate: str = "",
    make: str = "",
    model: str = "",
    first_name: str = "",
    phone: str = "",
    mechanic: User | None = None,
    promised_by: datetime | None = None,
    mileage_in: int | None = None,
    notes: str = "",
) -> WorkOrder:
    """A walk-in's work order: the client is `client`, the ticket's, or a new one from the ticket's name and phone;
    the plate (given or the ticket's) finds the client's vehicle or creates it (then `make` and `model` are
    needed). The ticket links to the work order; everything is one transaction."""
    require(can_run_work_orders(actor, ticket.location))
    plate = normalize_plate(plate or ticket.plate)
    if not plate:
        raise ApplicationError.invalid("plate", _("Give the vehicle's plate."))
    with transaction.atomic():
        owner = _ticket_client(actor, ticket, client, first_name, phone)
        vehicle = Vehicle.objects.filter(owner=owner, plate=plate).first()
        if vehicle is None:
            vehicle = customer_services.vehicle_create(
                actor=actor, owner=owner, make=make, model=model, plate=plate, mileage=mileage_in
            )
        return work_order_create(
            actor=actor,
            location=ticket.location,
            vehicle=vehicle,
            client=owner,
            description=description,
            mechanic=mechanic,
            service=ticket.appointment.service if ticket.appointment is not None else None,
            ticket=ticket,
            promised_by=promised_by,
            mileage_in=mileage_in,
            notes=notes,
        )
