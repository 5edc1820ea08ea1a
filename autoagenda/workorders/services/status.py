"""A work order's life: moves through the status table, assigning mechanics, editing the header.

The appointment follows its work order (in progress → the appointment in progress; completed → completed)
through scheduling's own service, when scheduling's table allows that step; a walk-in's ticket is marked ready
for pickup when its work order is completed, so the desk can call the client back from the same ticket.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import require
from autoagenda.core.errors import ApplicationError
from autoagenda.customers import services as customer_services
from autoagenda.customers.models import MileageSource
from autoagenda.workorders import events
from autoagenda.workorders.models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import can_run_work_orders, can_set_status, is_mechanic_of
from autoagenda.workorders.services.base import (
    DESCRIPTION_MAX,
    HISTORY_COMMENT_MAX,
    NOTES_MAX,
    changed,
    check_mileage,
    clean_aware,
    clean_text,
    closed_error,
    copy_back,
    invalid_transition,
    lock,
    raise_if_errors,
    user_or_none,
)
from autoagenda.workorders.services.estimates import estimate_send
from autoagenda.workorders.services.transitions import apply_status


def _clean_status(status: Any) -> str:
    if status not in WorkOrderStatus.values:
        message = _("Choose a valid status.")
        raise ApplicationError("invalid", message, errors={"status": [message]})
    return str(status)


def work_order_transition(*, actor: Any, work_order: WorkOrder, status: str, comment: str = "") -> WorkOrder:
    """Move along ALLOWED_TRANSITIONS only (409 `invalid_transition` otherwise, nothing changed), with a history
    row. Sending the estimate (`estimate_sent`) freezes a version: use `estimate_send`, which this calls.

    Completing a completed work order is a retry (a lost answer, a double tap): it answers the work order as it is
    and writes nothing, so stock is used once."""
    status = _clean_status(status)
    require(can_set_status(actor, work_order, status))
    errors: dict[str, list[str]] = {}
    comment = clean_text(comment, HISTORY_COMMENT_MAX, "comment", errors)
    raise_if_errors(errors, _("The status was not changed."))
    with transaction.atomic():
        current = lock(work_order)
        if status == current.status == WorkOrderStatus.COMPLETED:
            return copy_back(work_order, current)
        if status not in ALLOWED_TRANSITIONS[current.status]:
            raise invalid_transition(current.status, status)
        if status == WorkOrderStatus.ESTIMATE_SENT:  # a move that freezes and sends a version
            estimate_send(actor=actor, work_order=current, comment=comment)
        else:
            apply_status(current, status, actor=actor, comment=comment)
    return copy_back(work_order, current)


def work_order_assign(*, actor: Any, work_order: WorkOrder, mechanic: User | None) -> WorkOrder:
    """Assign, reassign or unassign the mechanic; the new one is told (`work_order_assigned` → notifications)."""
    require(can_run_work_orders(actor, work_order.location))
    if mechanic is not None and not is_mechanic_of(mechanic, work_order.location):
        raise ApplicationError.invalid("mechanic", _("Choose a mechanic who works at this location."))
    with transaction.atomic():
        current = lock(work_order)
        if current.status in CLOSED_STATUSES:
            raise closed_error(current)
        previous = current.mechanic_id
        new = mechanic.pk if mechanic is not None else None
        if previous != new:
            current.mechanic = mechanic
            current.save(update_fields=["mechanic", "updated_at"])
            events.work_order_assigned.send(
                events.WorkOrderAssigned(work_order=current, actor=user_or_none(actor), previous_mechanic_id=previous)
            )
            changed(current, "assigned")
    return copy_back(work_order, current)


UPDATABLE = ("description", "notes", "promised_by", "mileage_in")


def work_order_update(*, actor: Any, work_order: WorkOrder, **changes: Any) -> WorkOrder:
    """Correct the complaint, notes, promised time or intake mileage (a new mileage is recorded too)."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"Unknown work-order fields: {sorted(unknown)}")
    require(can_run_work_orders(actor, work_order.location))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "description" in changes:
        values["description"] = clean_text(
            changes["description"], DESCRIPTION_MAX, "description", errors, required=True
        )
    if "notes" in changes:
        values["notes"] = clean_text(changes["notes"], NOTES_MAX, "notes", errors)
    if "promised_by" in changes:
        values["promised_by"] = clean_aware(changes["promised_by"], "promised_by", errors)
    if "mileage_in" in changes:
        values["mileage_in"] = check_mileage(changes["mileage_in"], errors)
    raise_if_errors(errors, _("The work order was not saved."))
    with transaction.atomic():
        current = lock(work_order)
        if current.status in CLOSED_STATUSES:
            raise closed_error(current)
        new_mileage = values.get("mileage_in")
        previous_mileage = current.mileage_in
        for field, value in values.items():
            setattr(current, field, value)
        current.save(update_fields=[*values, "updated_at"])
        if new_mileage is not None and new_mileage != previous_mileage:
            customer_services.vehicle_mileage_record(
                vehicle=current.vehicle,
                mileage=new_mileage,
                source=MileageSource.WORK_ORDER,
                reference=current.number,
                recorded_by=user_or_none(actor),
            )
        changed(current, "updated")
    return copy_back(work_order, current)
