"""Every write of the walk-in queue, by noun: `queues`, `desks`, `tickets` (what they share is `base`).

Each function checks permission, validates, runs in one transaction, writes a TicketEvent for every ticket
change (its id is the display's sequence number) and publishes the live event after commit.

Race safety: numbers come from a TicketCounter row locked with `select_for_update`; call-next locks the desk,
then claims the first waiting ticket with `select_for_update(skip_locked=True)` on PostgreSQL plus a conditional
UPDATE (`status=waiting` → `called`) whose row count is checked. On SQLite the IMMEDIATE transaction already
serialises writers. The database backs both: unique (location, prefix, local date, number) and one
called/serving ticket per desk.

The public services are re-exported here, so callers write `services.ticket_issue(...)`.
"""

from autoagenda.walkins.services.base import (
    CLAIM_ATTEMPTS,
    DESK_NAME_MAX,
    NAME_MAX,
    PHONE_MAX,
    PLATE_MAX,
    QUEUE_NAME_MAX,
)
from autoagenda.walkins.services.desks import desk_close, desk_create, desk_open, desk_update
from autoagenda.walkins.services.pickup import ticket_call_back, ticket_mark_ready
from autoagenda.walkins.services.queues import queue_create, queue_update
from autoagenda.walkins.services.tickets import (
    queue_checked_in_client,
    queue_for_service,
    ticket_call_next,
    ticket_cancel,
    ticket_finish,
    ticket_issue,
    ticket_issue_for_check_in,
    ticket_no_show,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)

__all__ = [
    "CLAIM_ATTEMPTS",
    "DESK_NAME_MAX",
    "NAME_MAX",
    "PHONE_MAX",
    "PLATE_MAX",
    "QUEUE_NAME_MAX",
    "desk_close",
    "desk_create",
    "desk_open",
    "desk_update",
    "queue_checked_in_client",
    "queue_create",
    "queue_for_service",
    "queue_update",
    "ticket_call_back",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_finish",
    "ticket_issue",
    "ticket_issue_for_check_in",
    "ticket_mark_ready",
    "ticket_no_show",
    "ticket_recall",
    "ticket_start",
    "ticket_transfer",
]
