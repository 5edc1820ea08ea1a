"""Ready for pickup: a walk-in's completed work order calls the client back from the same ticket."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import services as walkin_services
from autoagenda.walkins.models import Desk, Ticket
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus

PICKUP_STATUSES = (WorkOrderStatus.COMPLETED,)


def work_order_pickup_call(*, actor: Any, work_order: WorkOrder, desk: Desk) -> Ticket:
    """Call the walk-in back to `desk` ("car ready, desk 2" on the public screen); the work order must be
    completed and come from a ticket (409 otherwise). Any staff member of the location may call (walkins' rule)."""
    if work_order.ticket_id is None:
        raise ApplicationError("invalid_transition", _("This work order did not come from a walk-in ticket."))
    if work_order.status not in PICKUP_STATUSES:
        raise ApplicationError("invalid_transition", _("The work order is not completed yet."))
    ticket = Ticket.objects.select_related("location").get(pk=work_order.ticket_id)
    return walkin_services.ticket_call_back(actor=actor, ticket=ticket, desk=desk)
