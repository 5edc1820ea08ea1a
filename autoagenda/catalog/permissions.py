"""Who may see and edit the services on sale (the primitives are accounts/permissions.py's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    get_visible_or_404,
    is_admin,
    is_staff_member,
    location_ids_for,
    require,
    role_of,
)
from autoagenda.catalog.models import Service
from autoagenda.locations.permissions import locations_managed_by


def services_visible_to(user: Any) -> QuerySet[Service]:
    """Staff see the services of their locations; everyone else the active ones on sale."""
    if is_staff_member(user):
        ids = location_ids_for(user)
        qs = Service.objects.all() if ids is None else Service.objects.filter(locations__in=ids)
        return qs.distinct()
    return Service.objects.filter(is_active=True, locations__is_active=True).distinct()


def can_manage_service(user: Any, service: Service) -> bool:
    """Admins, or a manager of every location that offers it."""
    if is_admin(user):
        return True
    if role_of(user) != Role.MANAGER:
        return False
    offered = set(service.locations.values_list("id", flat=True))
    managed = set(locations_managed_by(user).values_list("id", flat=True))
    return offered <= managed


def get_service_for_user(user: Any, pk: Any, *, manage: bool = False) -> Service:
    service = get_visible_or_404(services_visible_to(user), pk)
    if manage:
        require(can_manage_service(user, service))
    return service


def can_create_services(user: Any) -> bool:
    """Only admins and managers edit the catalog (where, is decided per location)."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def can_offer_services_at(user: Any, location_ids: set[int]) -> bool:
    """Admins anywhere; a manager only at locations they all manage."""
    if is_admin(user):
        return True
    if role_of(user) != Role.MANAGER:
        return False
    managed = set(locations_managed_by(user).values_list("id", flat=True))
    return location_ids <= managed
