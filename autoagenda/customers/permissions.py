"""Who may see and edit vehicles (the primitives and the client rules are accounts/permissions.py's).

A client sees their own vehicles; staff those of the clients their locations serve (`ClientLocation`); admins all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    active_user,
    clients_visible_to,
    get_visible_or_404,
    is_staff_member,
    location_ids_for,
    require,
    role_of,
    served_client_ids,
)
from autoagenda.customers.models import Vehicle

VEHICLE_EDITOR_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def vehicles_visible_to(user: Any) -> QuerySet[Vehicle]:
    """A client sees their own vehicles; staff those of the clients their locations serve; admins all."""
    u = active_user(user)
    if u is None:
        return Vehicle.objects.none()
    if u.role == Role.ADMIN:
        return Vehicle.objects.all()
    if is_staff_member(u):
        return Vehicle.objects.filter(owner_id__in=served_client_ids(location_ids_for(u)))
    return Vehicle.objects.filter(owner=u)


def can_edit_vehicle(user: Any, vehicle: Vehicle) -> bool:
    """The owner, and the front desk (admins, managers, receptionists) of a location that serves the owner."""
    u = active_user(user)
    if u is None:
        return False
    if vehicle.owner_id == u.pk:
        return True
    if u.role not in VEHICLE_EDITOR_ROLES:
        return False
    return u.role == Role.ADMIN or clients_visible_to(u).filter(pk=vehicle.owner_id).exists()


def get_vehicle_for_user(user: Any, pk: Any, *, manage: bool = False) -> Vehicle:
    vehicle = get_visible_or_404(vehicles_visible_to(user), pk)
    if manage:
        require(can_edit_vehicle(user, vehicle))
    return vehicle


def can_add_vehicles_for_others(user: Any) -> bool:
    """The front desk (admins, managers, receptionists) registers clients' vehicles."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def can_add_vehicles(user: Any) -> bool:
    """Clients add their own; the front desk adds clients'. Mechanics only read them."""
    return role_of(user) == Role.CLIENT or can_add_vehicles_for_others(user)
