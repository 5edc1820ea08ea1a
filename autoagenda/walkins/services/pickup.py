"""The way back to the desk: a served person waits while their car is worked on, then is called back to pick it up.

Walk-ins knows nothing of what was done meanwhile: the app that did the work (work orders, above it) marks the
ticket ready, and the desk calls it back; the public screen shows the call ("car ready, desk 2").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import live
from autoagenda.walkins.models import ALLOWED_ACTIONS, Desk, Ticket, TicketAction
from autoagenda.walkins.permissions import can_operate_desks
from autoagenda.walkins.services.base import _event, _invalid_transition, _publish_after_commit


def ticket_mark_ready(*, actor: Any, ticket: Ticket) -> Ticket:
    """What the person waits for is ready; marking twice keeps the first time. The caller has authorized
    (it runs inside the transaction of the change that made it ready)."""
    with transaction.atomic():
        current = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if current.ready_at is None:
            now = timezone.now()
            current.ready_at = now
            current.save(update_fields=["ready_at"])
            _event(current, TicketAction.READY, actor=actor, at=now)
            _publish_after_commit(current.location_id)
        ticket.ready_at = current.ready_at
    return ticket


def ticket_call_back(*, actor: Any, ticket: Ticket, desk: Desk) -> Ticket:
    """Call a served person back to `desk` to pick up what was ready; may be repeated (each call chimes)."""
    require(can_operate_desks(actor, ticket.location))
    if desk.location_id != ticket.location_id:
        raise ApplicationError.invalid("desk", _("Choose a desk of this location."))
    with transaction.atomic():
        current = Ticket.objects.select_for_update(of=("self",)).select_related("location").get(pk=ticket.pk)
        if TicketAction.PICKUP_CALLED not in ALLOWED_ACTIONS[current.status]:
            raise _invalid_transition(current, TicketAction.PICKUP_CALLED)
        if current.ready_at is None:
            raise ApplicationError(
                "invalid_transition", _("Nothing is ready for ticket %(number)s yet.") % {"number": current.code}
            )
        if not Desk.objects.filter(pk=desk.pk, is_active=True).exists():
            raise ApplicationError.invalid("desk", _("This desk is closed for good; choose another one."))
        now = timezone.now()
        _event(current, TicketAction.PICKUP_CALLED, actor=actor, at=now, desk=desk)
        call = live.call_message(number=current.code, desk=desk.name, at=now, location=current.location, recall=False)
        call["pickup"] = True
        _publish_after_commit(current.location_id, call)
    ticket.ready_at = current.ready_at
    return ticket
