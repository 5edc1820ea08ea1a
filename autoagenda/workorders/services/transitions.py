"""Writing a status move the caller checked against the table, and what follows it: the stock of the part lines,
the history row, the clocks, the appointment, the walk-in ticket, the event and the live push. Shared by status
moves, estimates and decisions.

The appointment follows its work order (in progress → the appointment in progress; completed → completed)
through scheduling's own service, when scheduling's table allows that step from where the appointment is and the
actor may move it; a walk-in's ticket is marked ready for pickup when its work order is completed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from autoagenda.scheduling import services as scheduling_services
from autoagenda.scheduling.models import ALLOWED_TRANSITIONS as APPOINTMENT_TRANSITIONS
from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.scheduling.permissions import can_set_appointment_status
from autoagenda.walkins import services as walkin_services
from autoagenda.workorders import events
from autoagenda.workorders.models import TimeEntry, WorkOrder, WorkOrderStatus
from autoagenda.workorders.services import parts
from autoagenda.workorders.services.base import changed, history, user_or_none

# The appointment's status that follows each work-order status.
APPOINTMENT_FOLLOWS = {
    WorkOrderStatus.IN_PROGRESS: AppointmentStatus.IN_PROGRESS,
    WorkOrderStatus.COMPLETED: AppointmentStatus.COMPLETED,
}


def apply_status(current: WorkOrder, status: str, *, actor: Any, comment: str = "") -> None:
    """Write a move the caller checked against the table (inside its transaction, on a locked row).

    Completing takes the product lines out of stock and cancelling gives their reservations back
    (services/parts.py), after the work order's own rows and before the event, so that its subscribers (billing)
    find the parts used: the stock levels are rows every completion at the location needs, held from their lock
    to the commit, so they are taken as late as the event allows. A part short of stock refuses the move (409
    `insufficient_stock`) and the caller's transaction rolls back everything written before it."""
    if status == WorkOrderStatus.COMPLETED:  # its lines, read before anything shared is locked (billing reads them too)
        parts.read_lines(current)
    previous = current.status
    now = timezone.now()
    current.status = status
    current.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    stamp = {
        WorkOrderStatus.IN_PROGRESS: "started_at",
        WorkOrderStatus.COMPLETED: "completed_at",
        WorkOrderStatus.DELIVERED: "delivered_at",
    }.get(WorkOrderStatus(status))
    if stamp is not None and (stamp != "started_at" or current.started_at is None):
        setattr(current, stamp, now)
        fields.append(stamp)
    current.save(update_fields=fields)
    history(current, from_status=previous, actor=actor, comment=comment, at=now)
    if status in (WorkOrderStatus.COMPLETED, WorkOrderStatus.CANCELLED):
        _stop_running_clocks(current, now)
    _follow_appointment(current, status, actor=actor)
    if status == WorkOrderStatus.COMPLETED and current.ticket is not None:
        walkin_services.ticket_mark_ready(actor=actor, ticket=current.ticket)
    if status == WorkOrderStatus.COMPLETED:
        parts.use_all(current, actor=user_or_none(actor))
    elif status == WorkOrderStatus.CANCELLED:
        parts.release_all(current)
    events.work_order_status_changed.send(
        events.WorkOrderStatusChanged(
            work_order=current, actor=user_or_none(actor), from_status=previous, to_status=status, comment=comment
        )
    )
    changed(current, "status")


def _stop_running_clocks(work_order: WorkOrder, now: datetime) -> None:
    TimeEntry.objects.filter(work_order=work_order, stopped_at__isnull=True).update(stopped_at=now)


def _follow_appointment(work_order: WorkOrder, status: str, *, actor: Any) -> None:
    """The appointment takes the matching step when its table allows it from where it is and the actor may move
    it (a confirmed appointment that was never checked in stays as it is: nobody saw the client arrive)."""
    appointment = work_order.appointment
    wanted = APPOINTMENT_FOLLOWS.get(WorkOrderStatus(status))
    if appointment is None or wanted is None:
        return
    if wanted not in APPOINTMENT_TRANSITIONS[appointment.status] or not can_set_appointment_status(actor, appointment):
        return
    scheduling_services.appointment_set_status(
        actor=actor, appointment=appointment, status=wanted, note=work_order.number
    )
