"""Work orders' messages: the mechanic when a job is assigned to them, the client when an estimate is sent and
when their car is ready for pickup.

Subscribed in NotificationsConfig.ready() to workorders/events.py; each runs in the work order's transaction and
only writes outbox rows (and the in-app item) through `notification_enqueue`, so a refused change sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from autoagenda.core import money
from autoagenda.notifications.services import notification_enqueue
from autoagenda.workorders import events
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus


def work_order_path(work_order: WorkOrder) -> str:
    """The work order's page (the UI mounts work orders at /work-orders/)."""
    return f"/work-orders/{work_order.pk}/"


def _local(moment: Any, work_order: WorkOrder) -> str:
    return timezone.localtime(moment, work_order.location.zone).strftime("%d-%m-%Y %H:%M") if moment else ""


def _context(work_order: WorkOrder, **extra: Any) -> dict[str, Any]:
    vehicle = work_order.vehicle
    return {
        "number": work_order.number,
        "plate": vehicle.plate,
        "vehicle": f"{vehicle.make} {vehicle.model}".strip(),
        "location_name": work_order.location.name,
        "url": work_order_path(work_order),
        **extra,
    }


def notify_mechanic_assigned(change: events.WorkOrderAssigned) -> None:
    work_order = change.work_order
    mechanic = work_order.mechanic
    if mechanic is None:
        return
    stamp = int(timezone.now().timestamp())
    notification_enqueue(
        event_key=f"workorder:{work_order.pk}:assigned:{mechanic.pk}:{stamp}",
        recipient=mechanic,
        template="workorder_assigned",
        context=_context(
            work_order, description=work_order.description[:200], promised_by=_local(work_order.promised_by, work_order)
        ),
        location=work_order.location,
    )


def notify_client_estimate_sent(sent: events.EstimateSent) -> None:
    work_order, estimate = sent.work_order, sent.estimate
    notification_enqueue(
        event_key=f"workorder:{work_order.pk}:estimate:{estimate.number}",
        recipient=work_order.client,
        template="workorder_estimate_sent",
        context=_context(
            work_order,
            url=sent.url,
            total=money.format_amount(estimate.total, estimate.currency),
            currency=estimate.currency,
            expires_at=_local(estimate.expires_at, work_order),
        ),
        location=work_order.location,
    )


def notify_client_ready(change: events.WorkOrderStatusChanged) -> None:
    if change.to_status != WorkOrderStatus.COMPLETED:
        return
    work_order = change.work_order
    notification_enqueue(
        event_key=f"workorder:{work_order.pk}:ready",
        recipient=work_order.client,
        template="workorder_ready",
        context=_context(work_order),
        location=work_order.location,
    )


def connect() -> None:
    events.work_order_assigned.subscribe(notify_mechanic_assigned)
    events.estimate_sent.subscribe(notify_client_estimate_sent)
    events.work_order_status_changed.subscribe(notify_client_ready)
