"""The demo's work orders: a few cars in each workshop at every step (draft, estimate sent, in progress with the
clock running, ready for pickup, one overdue and one for later), made through the work-order services like the
desk makes them. Their parts are the inventory's products (site/demo/inventory.py, loaded first): the open ones
hold reservations, the completed ones have used their parts (a `use` move each). Only for a location with none
yet, so a second run leaves what is there alone."""

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
from autoagenda.inventory.models import Product
from autoagenda.locations.models import Location
from autoagenda.site.demo import data as demo
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder


@dataclass(frozen=True)
class WorkOrderSpec:
    complaint: str
    labor: tuple[tuple[str, str, str], ...]  # description, hours, rate
    parts: tuple[tuple[str, str], ...]  # a product's SKU, quantity (its name, price and stock from the inventory)
    steps: tuple[str, ...]  # "estimate", or statuses to move through
    promised_in_hours: int
    comment: str = ""
    extras: tuple[tuple[str, str, str], ...] = ()  # free-text parts: description, quantity, unit price


WORK_ORDERS: tuple[WorkOrderSpec, ...] = (
    WorkOrderSpec(
        "Ruido al frenar, la pastilla delantera suena.",
        (("Cambio de pastillas delanteras", "1.5", "25000"),),
        (("PAS-FRE-DEL", "1"),),
        ("in_progress", "clock"),
        3,
        "Disco en buen estado, solo pastillas.",
    ),
    WorkOrderSpec(
        "Mantención de los 30.000 km.",
        (("Mantención 30.000 km", "2", "22000"),),
        (("ACE-5W30", "4.5"), ("FIL-ACE-001", "1")),
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
        (("Gas refrigerante R-134a (carga)", "1", "18000"),),
    ),
    WorkOrderSpec(
        "El motor tironea al acelerar.",
        (("Cambio de bujías", "1", "25000"),),
        (("BUJ-IRI-4", "4"), ("LIQ-REF-G12", "1.5")),
        ("in_progress", "completed"),
        -2,
        "Bujías gastadas, cambiadas las cuatro.",
    ),
    # Finished jobs with their invoices (site/demo/billing.py pays them in full, in part, not yet, or cancels one).
    WorkOrderSpec(
        "Cambio de neumáticos traseros.",
        (("Montaje y balanceo", "1", "18000"),),
        (),
        ("in_progress", "completed", "delivered"),
        -24,
        "Neumáticos cambiados y balanceados.",
        (("Neumático 185/65 R15", "2", "54900"),),
    ),
    WorkOrderSpec(
        "La batería no carga.",
        (("Diagnóstico eléctrico", "0.5", "20000"),),
        (),
        ("in_progress", "completed", "delivered"),
        -48,
        extras=(("Batería 60 Ah", "1", "89900"),),
    ),
    WorkOrderSpec(
        "Alineación y revisión de suspensión.",
        (("Alineación y balanceo", "1", "28000"), ("Revisión de suspensión", "0.5", "25000")),
        (),
        ("in_progress", "completed"),
        -2,
        extras=(("Bieleta de suspensión", "2", "15900"),),
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

# The lines are written in pesos; a workshop in another currency charges about this many times less.
PRICE_DIVISOR = {"CLP": Decimal(1), "EUR": Decimal(600), "USD": Decimal(900)}


def price_at(amount: str, location: Location) -> Decimal:
    """A demo price in the location's currency (euros to the half euro)."""
    divisor = PRICE_DIVISOR.get(location.currency, Decimal(600))
    if divisor == 1:
        return Decimal(amount)
    return (Decimal(amount) / divisor * 2).quantize(Decimal(1)) / 2


def _people(location_name: str, users: dict[str, Any]) -> tuple[Any, Any] | None:
    staff = [p for p in demo.STAFF if p.location == location_name]
    receptionist = next((users[p.email] for p in staff if p.role == Role.RECEPTIONIST), None)
    mechanic = next((users[p.email] for p in staff if p.role == Role.MECHANIC), None)
    return (receptionist, mechanic) if receptionist and mechanic else None


def _lines(receptionist: Any, wo: WorkOrder, spec: WorkOrderSpec) -> None:
    for description, hours, rate in spec.labor:
        services.labor_line_add(
            actor=receptionist,
            work_order=wo,
            description=description,
            hours=Decimal(hours),
            rate=price_at(rate, wo.location),
            tax_rate=wo.location.standard_tax_rate,
        )
    for sku, quantity in spec.parts:
        product = Product.objects.filter(sku=sku).first()
        if product is not None:
            services.part_line_add(actor=receptionist, work_order=wo, product=product, quantity=Decimal(quantity))
    for description, quantity, price in spec.extras:
        services.part_line_add(
            actor=receptionist,
            work_order=wo,
            description=description,
            quantity=Decimal(quantity),
            unit_price=price_at(price, wo.location),
            tax_rate=wo.location.standard_tax_rate,
        )


def _steps(receptionist: Any, mechanic: Any, wo: WorkOrder, spec: WorkOrderSpec) -> None:
    for step in spec.steps:
        if step == "estimate":
            services.estimate_send(actor=receptionist, work_order=wo)
        elif step == "clock":
            services.time_entry_start(actor=mechanic, work_order=wo)
        else:  # the mechanic starts and finishes; the desk hands the car back
            who = receptionist if step == "delivered" else mechanic
            services.work_order_transition(actor=who, work_order=wo, status=step)
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
