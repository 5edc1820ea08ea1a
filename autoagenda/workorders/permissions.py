"""Who may see and act on work orders (the primitives are accounts/permissions.py's).

- Admins, and managers and receptionists of the work order's location, see and run every work order there
  (create, assign, edit lines, move it along, send the estimate, call the client back for pickup).
- A mechanic sees and changes only the work orders assigned to them (at a location they work at): lines,
  comments, their clock and the shop-floor moves (start, complete).
- A client sees their own work orders, with the comments marked for them; they change nothing here (the
  estimate is decided through its signed link).
- Anyone else, and another location's staff, get 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import (
    active_user,
    get_visible_or_404,
    is_staff_member,
    require,
    role_of,
    scope_to_staffed_locations,
)
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_work_at
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus

DESK_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)
# What an assigned mechanic may do to the status from the shop floor.
MECHANIC_STATUSES = frozenset({WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED})


def work_orders_visible_to(user: Any) -> QuerySet[WorkOrder]:
    """Desk roles: their locations' work orders (admins all); mechanics: assigned to them; clients: their own."""
    u = active_user(user)
    if u is None:
        return WorkOrder.objects.none()
    if is_staff_member(u):
        scoped = scope_to_staffed_locations(WorkOrder.objects.all(), u)
        return scoped.filter(mechanic=u) if u.role == Role.MECHANIC else scoped
    return WorkOrder.objects.filter(client=u)


def can_run_work_orders(user: Any, location: Location) -> bool:
    """Create work orders, assign mechanics, send estimates, move any status: the desk roles of the location."""
    return role_of(user) in DESK_ROLES and can_work_at(user, location)


def can_work_on(user: Any, work_order: WorkOrder) -> bool:
    """Add lines, comments and clock time: the desk roles of the location, or the mechanic it is assigned to."""
    u = active_user(user)
    if u is None or not is_staff_member(u) or not can_work_at(u, work_order.location):
        return False
    return u.role in DESK_ROLES or work_order.mechanic_id == u.pk


def can_set_status(user: Any, work_order: WorkOrder, status: str) -> bool:
    """Desk roles move any status; the assigned mechanic only starts and completes."""
    if can_run_work_orders(user, work_order.location):
        return True
    return can_work_on(user, work_order) and status in MECHANIC_STATUSES


def is_mechanic_of(user: Any, location: Location) -> bool:
    """Whether `user` may be assigned at `location`: an active mechanic (or other staff member) who works there."""
    u = active_user(user)
    return u is not None and is_staff_member(u) and u.role != Role.ADMIN and can_work_at(u, location)


def get_work_order_for_user(user: Any, pk: Any, *, work: bool = False, run: bool = False) -> WorkOrder:
    """404 when `user` may not see it; 403 when `work` (lines, comments, clock) or `run` (desk actions) is refused."""
    work_order = get_visible_or_404(
        work_orders_visible_to(user).select_related("location", "client", "vehicle", "mechanic"), pk
    )
    if run:
        require(can_run_work_orders(user, work_order.location))
    if work:
        require(can_work_on(user, work_order))
    return work_order


def sees_internal_comments(user: Any) -> bool:
    """Staff read internal comments; a client only those marked for them."""
    return is_staff_member(user)


def is_client_of(user: Any, work_order: WorkOrder) -> bool:
    u = active_user(user)
    return isinstance(u, User) and u.pk == work_order.client_id


def can_watch_board(user: Any, location_id: int) -> bool:
    """The job board's live group of a location: its staff only (admins everywhere)."""
    u = active_user(user)
    if u is None or not is_staff_member(u):
        return False
    return u.role == Role.ADMIN or u.memberships.filter(location_id=location_id).exists()
