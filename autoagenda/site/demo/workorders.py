"""The demo's work orders: a few cars in each workshop at every step (draft, estimate sent, in progress with the
clock running, ready for pickup, one overdue and one for later), made through the work-order services like the
desk makes them. Only for a location with none yet, so a second run leaves what is there alone."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from autoagenda.accounts.models import ClientLinkSource, Role
from autoagenda.core.errors import ApplicationError
from autoagenda.customers import services as customer_services
from autoagenda.locations.models import Location
from autoagenda.site.demo import data as demo
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder


@dataclass(frozen=True)
class WorkOrderSpec:
    complaint: str
    labor: tuple[tuple[str, str, str], ...]  # description, hours, rate
    parts: tuple[tuple[str, str, str], ...]  # description, quantity, unit price
    steps: tuple[str, ...]  # "estimate", or statuses to move through
    promised_in_hours: int
    comment: str = ""


WORK_ORDERS: tuple[WorkOrderSpec, ...] = (
    WorkOrderSpec(
        "Ruido al frenar, la pastilla delantera suena.",
        (("Cambio de pastillas delanteras", "1.5", "25000"),),
        (("Pastillas de freno delanteras", "1", "32000"),),
        ("in_progress", "clock"),
        3,
        "Disco en buen estado, solo pastillas.",
    ),
    WorkOrderSpec(
        "Mantención de los 30.000 km.",
        (("Mantención 30.000 km", "2", "22000"),),
        (("Aceite 5W-30 (litro)", "4", "8900"), ("Filtro de aceite", "1", "7500")),
        ("estimate",),
        6,
    ),
    WorkOrderSpec("Luz de check engine encendida.", (("Diagnóstico con escáner", "0.5", "20000"),), (), (), -1),
    WorkOrderSpec(
        "Revisión del aire acondicionado.",
        (("Carga de gas refrigerante", "1", "30000"),),
        (),
        ("in_progress", "completed"),
        1,
        "Listo, el aire enfría bien.",
    ),
    # Promised yesterday and not started: the mechanic's board lists it under "earlier, still open".
    WorkOrderSpec(
        "Vibración del volante a más de 90 km/h.",
        (("Balanceo y alineación", "1", "18000"),),
        (),
        (),
        -30,
    ),
    # Promised the day after tomorrow: "promised later".
    WorkOrderSpec("Cambio de correa de distribución.", (("Cambio de correa y tensor", "3", "25000"),), (), (), 54),
)


def _people(location_name: str, users: dict[str, Any]) -> tuple[Any, Any] | None:
    staff = [p for p in demo.STAFF if p.location == location_name]
    receptionist = next((users[p.email] for p in staff if p.role == Role.RECEPTIONIST), None)
    mechanic = next((users[p.email] for p in staff if p.role == Role.MECHANIC), None)
    return (receptionist, mechanic) if receptionist and mechanic else None


def _tax_rate(location: Location) -> Decimal:
    """The location's VAT (19 % in Chile, 21 % in Spain): a work order without a service has no default."""
    return next((spec.tax_rate for spec in demo.LOCATIONS if spec.name == location.name), Decimal(0))


def _lines(receptionist: Any, wo: WorkOrder, spec: WorkOrderSpec) -> None:
    tax = _tax_rate(wo.location)
    for description, hours, rate in spec.labor:
        services.labor_line_add(
            actor=receptionist,
            work_order=wo,
            description=description,
            hours=Decimal(hours),
            rate=Decimal(rate),
            tax_rate=tax,
        )
    for description, quantity, price in spec.parts:
        services.part_line_add(
            actor=receptionist,
            work_order=wo,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            tax_rate=tax,
        )


def _steps(receptionist: Any, mechanic: Any, wo: WorkOrder, spec: WorkOrderSpec) -> None:
    for step in spec.steps:
        if step == "estimate":
            services.estimate_send(actor=receptionist, work_order=wo)
        elif step == "clock":
            services.time_entry_start(actor=mechanic, work_order=wo)
        else:
            services.work_order_transition(actor=mechanic, work_order=wo, status=step)
    if spec.comment:
        services.comment_add(actor=mechanic, work_order=wo, body=spec.comment, visibility="client")


def load_work_orders(location: Location, users: dict[str, Any], vehicles: dict[str, list[Any]]) -> int:
    """Create the demo work orders at `location`; answers how many."""
    if WorkOrder.objects.filter(location=location).exists():
        return 0
    people = _people(location.name, users)
    cars = [car for c in demo.CLIENTS if c.location == location.name for car in vehicles.get(c.person.email, [])]
    if people is None or not cars:
        return 0
    receptionist, mechanic = people
    now = timezone.now()
    made = 0
    for i, spec in enumerate(WORK_ORDERS):
        car = cars[i % len(cars)]
        with contextlib.suppress(ApplicationError):
            customer_services.client_link_location(client=car.owner, location=location, source=ClientLinkSource.BOOKING)
            wo = services.work_order_create(
                actor=receptionist,
                location=location,
                vehicle=car,
                description=spec.complaint,
                mechanic=mechanic,
                promised_by=now + timedelta(hours=spec.promised_in_hours),
                mileage_in=car.mileage,
            )
            _lines(receptionist, wo, spec)
            _steps(receptionist, mechanic, wo, spec)
            made += 1
    if _walk_in(location, receptionist, mechanic, now):
        made += 1
    return made


def _walk_in(location: Location, receptionist: Any, mechanic: Any, now: Any) -> bool:
    """One walk-in's whole loop, for the work-order page's timeline: a served ticket becomes a work order, the job
    is done, and the desk calls the client back for pickup (the public screen shows "car ready")."""
    from autoagenda.walkins.models import Desk, Ticket, TicketStatus

    ticket = (
        Ticket.objects.filter(location=location, status=TicketStatus.DONE, work_orders__isnull=True)
        .order_by("-finished_at", "-id")
        .first()
    )
    if ticket is None:
        return False
    desks = Desk.objects.filter(location=location, is_active=True).order_by("name", "id")
    desk = (desks.filter(pk=ticket.desk_id).first() if ticket.desk_id else None) or desks.first()
    if desk is None:
        return False
    with contextlib.suppress(ApplicationError):
        wo = services.work_order_create_from_ticket(
            actor=receptionist,
            ticket=ticket,
            description="Cambio de neumático pinchado, el cliente espera en la sala.",
            plate=ticket.plate or "WALK01",
            make="Nissan",
            model="Versa",
            first_name=(ticket.name or "Rodrigo")[:30],
            phone=ticket.phone or ("+34612345678" if location.country == "ES" else "+56987654321"),
            mechanic=mechanic,
            promised_by=now + timedelta(hours=1),
            mileage_in=61250,
        )
        _lines(receptionist, wo, WorkOrderSpec("", (("Reparación de neumático", "0.5", "12000"),), (), (), 1))
        _steps(
            receptionist,
            mechanic,
            wo,
            WorkOrderSpec("", (), (), ("in_progress", "completed"), 1, "Neumático reparado y presión revisada."),
        )
        services.work_order_pickup_call(actor=receptionist, work_order=wo, desk=desk)
        return True
    return False
