"""The work-order buttons in lower apps' pages, through their slots (core/slots.py), registered in ready():

- the appointment panel and today's list (scheduling): "Open work order" (or a link to the one it has);
- the desk's ticket (walk-ins): "Open work order" (or the link), and "Call back for pickup" once it is completed.

Each provider loads the work orders of the whole batch in one query, and asks the permission once per location.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from autoagenda.core import slots
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from autoagenda.workorders.permissions import can_run_work_orders, work_orders_visible_to

APPOINTMENT_SLOT = "scheduling.appointment"
TICKET_SLOT = "walkins.ticket"
# An appointment the car is (or will be) at the workshop for.
APPOINTMENT_OPENS = ("pending", "confirmed", "checked_in", "in_progress")
TICKET_OPENS = ("called", "serving", "done")


def _runs(user: Any, objects: Sequence[Any]) -> dict[int, bool]:
    return {
        location_id: can_run_work_orders(user, next(o.location for o in objects if o.location_id == location_id))
        for location_id in {o.location_id for o in objects}
    }


def _existing(user: Any, field: str, ids: list[int]) -> dict[int, WorkOrder]:
    rows = work_orders_visible_to(user).filter(**{f"{field}__in": ids}).exclude(status=WorkOrderStatus.CANCELLED)
    return {getattr(wo, f"{field}_id"): wo for wo in rows.order_by("created_at")}


def appointment_buttons(user: Any, appointments: Sequence[Any]) -> dict[int, str]:
    existing = _existing(user, "appointment", [a.pk for a in appointments])
    runs = _runs(user, appointments)
    out: dict[int, str] = {}
    for appointment in appointments:
        work_order = existing.get(appointment.pk)
        may_open = runs[appointment.location_id] and appointment.status in APPOINTMENT_OPENS
        if work_order is not None or may_open:
            context = {"appointment": appointment, "wo": work_order}
            out[appointment.pk] = render_to_string("workorders/_slot_appointment.html", context)
    return out


def ticket_buttons(user: Any, tickets: Sequence[Any]) -> dict[int, str]:
    existing = _existing(user, "ticket", [t.pk for t in tickets])
    runs = _runs(user, tickets)
    out: dict[int, str] = {}
    for ticket in tickets:
        work_order = existing.get(ticket.pk)
        may_open = runs[ticket.location_id] and ticket.status in TICKET_OPENS
        if work_order is None and not may_open:
            continue
        pickup = (
            work_order is not None
            and runs[ticket.location_id]
            and work_order.status == WorkOrderStatus.COMPLETED
            and ticket.desk_id is not None
        )
        context = {"ticket": ticket, "wo": work_order, "pickup": pickup}
        out[ticket.pk] = render_to_string("workorders/_slot_ticket.html", context)
    return out


def register() -> None:
    slots.register(APPOINTMENT_SLOT, appointment_buttons)
    slots.register(TICKET_SLOT, ticket_buttons)
