"""What work orders tell the apps above them (core/events.py; CONTRIBUTING.md, "Cross-app effects").

Sent by the services after their writes, inside their transaction: notifications subscribes (the mechanic on
assignment, the client on an estimate and when the car is ready), later inventory and billing (completion takes
parts out of stock and creates the invoice in the same transaction). A subscriber's exception refuses the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.accounts.models import User
from autoagenda.core.events import Event
from autoagenda.workorders.models import EstimateVersion, WorkOrder


@dataclass(frozen=True)
class WorkOrderCreated:
    work_order: WorkOrder
    actor: User | None


@dataclass(frozen=True)
class WorkOrderAssigned:
    work_order: WorkOrder  # `mechanic` is the new one (None: unassigned)
    actor: User | None
    previous_mechanic_id: int | None


@dataclass(frozen=True)
class WorkOrderStatusChanged:
    work_order: WorkOrder  # `status` is `to_status`
    actor: User | None
    from_status: str
    to_status: str
    comment: str


@dataclass(frozen=True)
class EstimateSent:
    work_order: WorkOrder
    estimate: EstimateVersion
    actor: User | None
    url: str  # the signed link's path (no host): the message builds the absolute URL


@dataclass(frozen=True)
class EstimateDecided:
    work_order: WorkOrder
    estimate: EstimateVersion
    approved: tuple[str, ...]  # line keys (`labor-3`)
    declined: tuple[str, ...]


work_order_created: Event[WorkOrderCreated] = Event("workorders.work_order_created")
work_order_assigned: Event[WorkOrderAssigned] = Event("workorders.work_order_assigned")
work_order_status_changed: Event[WorkOrderStatusChanged] = Event("workorders.work_order_status_changed")
estimate_sent: Event[EstimateSent] = Event("workorders.estimate_sent")
estimate_decided: Event[EstimateDecided] = Event("workorders.estimate_decided")
