"""Who may run the walk-in queue (the primitives are accounts/permissions.py's).

The queue is staff business: a client gets 403 on every walk-in endpoint (API.md); staff of another location get
404 for this location's queues, desks and tickets. The public display is readable by anyone
(`locations.permissions.get_location_for_display`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    get_visible_or_404,
    is_admin,
    is_staff_member,
    require,
    role_of,
    scope_to_staffed_locations,
)
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import (
    can_manage_location,
    can_work_at,
    get_location_for_user,
    locations_staffed_by,
)
from autoagenda.walkins.models import Desk, Queue, Ticket

WALKIN_ISSUER_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def can_use_walkins(user: Any) -> bool:
    """Queues, desks and tickets are for staff; everyone else is refused (403) before any lookup."""
    return is_staff_member(user)


def can_manage_queues(user: Any, location: Location) -> bool:
    """Create and edit queues and desks: admins and the location's managers."""
    return can_manage_location(user, location)


def can_issue_tickets(user: Any, location: Location) -> bool:
    """Receptionists, managers and admins of the location hand out tickets."""
    return role_of(user) in WALKIN_ISSUER_ROLES and can_work_at(user, location)


def can_operate_desks(user: Any, location: Location) -> bool:
    """Any staff member of the location sits at a desk, calls, recalls, starts, finishes, marks no-show, transfers."""
    return is_staff_member(user) and can_work_at(user, location)


def can_watch_desk_panel(user: Any, location_id: int) -> bool:
    """The staff WebSocket of a location (`/ws/locations/<id>/desk/`): its staff only."""
    if not is_staff_member(user):
        return False
    return is_admin(user) or locations_staffed_by(user).filter(pk=location_id).exists()


def queues_visible_to(user: Any) -> QuerySet[Queue]:
    return scope_to_staffed_locations(Queue.objects.select_related("location"), user)


def desks_visible_to(user: Any) -> QuerySet[Desk]:
    return scope_to_staffed_locations(Desk.objects.select_related("location", "agent"), user)


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    return scope_to_staffed_locations(Ticket.objects.select_related("location", "queue", "desk"), user)


def get_queue_for_user(user: Any, pk: Any, *, manage: bool = False, issue: bool = False) -> Queue:
    """403 for non-staff, 404 for another location's queue, 403 when `manage`/`issue` and the role may not."""
    require(can_use_walkins(user))
    queue = get_visible_or_404(queues_visible_to(user), pk)
    if manage:
        require(can_manage_queues(user, queue.location))
    if issue:
        require(can_issue_tickets(user, queue.location))
    return queue


def get_desk_for_user(user: Any, pk: Any, *, manage: bool = False, operate: bool = False) -> Desk:
    require(can_use_walkins(user))
    desk = get_visible_or_404(desks_visible_to(user), pk)
    if manage:
        require(can_manage_queues(user, desk.location))
    if operate:
        require(can_operate_desks(user, desk.location))
    return desk


def get_ticket_for_user(user: Any, pk: Any, *, operate: bool = False) -> Ticket:
    require(can_use_walkins(user))
    ticket = get_visible_or_404(tickets_visible_to(user), pk)
    if operate:
        require(can_operate_desks(user, ticket.location))
    return ticket


def get_walkins_location_for_user(user: Any, pk: Any, *, manage: bool = False) -> Location:
    """A location's queue pages and collections: 403 for non-staff, 404 for another location's staff."""
    require(can_use_walkins(user))
    return get_location_for_user(user, pk, manage=manage)
