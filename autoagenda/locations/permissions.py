"""Who may see, run and manage a location (the primitives are accounts/permissions.py's)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    active_user,
    get_visible_or_404,
    is_admin,
    is_staff_member,
    location_ids_for,
    require,
)
from autoagenda.locations.models import Location


def locations_staffed_by(user: Any) -> QuerySet[Location]:
    """Locations whose internal data (bookings, queue, settings) the user may see."""
    u = active_user(user)
    if u is None or not is_staff_member(u):
        return Location.objects.none()
    ids = location_ids_for(u)
    return Location.objects.all() if ids is None else Location.objects.filter(id__in=ids)


def locations_managed_by(user: Any) -> QuerySet[Location]:
    ids = location_ids_for(user, roles=(Role.MANAGER,))
    return Location.objects.all() if ids is None else Location.objects.filter(id__in=ids)


def locations_visible_to(user: Any) -> QuerySet[Location]:
    """Staff see their locations (admins all, inactive too); everyone else the active ones, to book."""
    if is_staff_member(user):
        return locations_staffed_by(user)
    return Location.objects.filter(is_active=True)


def can_manage_location(user: Any, location: Location) -> bool:
    return is_admin(user) or locations_managed_by(user).filter(pk=location.pk).exists()


def can_work_at(user: Any, location: Location) -> bool:
    return is_admin(user) or locations_staffed_by(user).filter(pk=location.pk).exists()


def get_location_for_user(user: Any, pk: Any, *, manage: bool = False) -> Location:
    """The location, 404 when the user may not see it, 403 when `manage` and they may not edit it."""
    location = get_visible_or_404(locations_visible_to(user), pk)
    if manage:
        require(can_manage_location(user, location))
    return location


def can_create_locations(user: Any) -> bool:
    """Only admins open a location; its managers then edit its settings, hours and closures."""
    return is_admin(user)


def get_location_for_display(pk: Any) -> Location:
    """The public display of an active location: no login, and the same for every caller; 404 otherwise."""
    return get_visible_or_404(Location.objects.filter(is_active=True), pk)
