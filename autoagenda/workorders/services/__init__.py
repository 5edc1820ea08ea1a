"""Every write of work orders, by noun: `create`, `status` (moves, assignment, header), `lines`, `work`
(comments, clocks), `estimates`, `pickup`; what they share is `base` and `transitions`.

Each function authorizes (workorders/permissions.py), validates everything first (400 `invalid` with every field
at once), runs in one transaction on the locked work order, writes a history row for every status move, sends its
domain event (workorders/events.py) and tells the location's job boards after commit (live.py).

Race safety: numbers come from a (location, year) counter row locked with `select_for_update` (SQLite: the
IMMEDIATE transaction); unique (location, year, sequence) backs it, so numbers are gap-free. One work order per
appointment and per ticket, one running clock per mechanic and job, one current estimate per work order: partial
unique constraints.

The public services are re-exported here, so callers write `services.work_order_create(...)`.
"""

from autoagenda.workorders.services.create import (
    work_order_create,
    work_order_create_from_appointment,
    work_order_create_from_ticket,
)
from autoagenda.workorders.services.estimates import (
    ESTIMATE_LINK_MAX_AGE,
    estimate_decide,
    estimate_decide_all,
    estimate_for_token,
    estimate_send,
    estimate_token,
    estimate_url,
)
from autoagenda.workorders.services.lines import (
    labor_line_add,
    line_delete,
    line_update,
    part_line_add,
)
from autoagenda.workorders.services.pickup import work_order_pickup_call
from autoagenda.workorders.services.status import work_order_assign, work_order_transition, work_order_update
from autoagenda.workorders.services.work import comment_add, time_entry_start, time_entry_stop

__all__ = [
    "ESTIMATE_LINK_MAX_AGE",
    "comment_add",
    "estimate_decide",
    "estimate_decide_all",
    "estimate_for_token",
    "estimate_send",
    "estimate_token",
    "estimate_url",
    "labor_line_add",
    "line_delete",
    "line_update",
    "part_line_add",
    "time_entry_start",
    "time_entry_stop",
    "work_order_assign",
    "work_order_create",
    "work_order_create_from_appointment",
    "work_order_create_from_ticket",
    "work_order_pickup_call",
    "work_order_transition",
    "work_order_update",
]
