"""Who may see, run and manage a location (the primitives are accounts/permissions.py's)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from autoagenda.accounts.models import LOCATION_ROLES, Role, StaffMembership
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


def _visible_location_sql(kind: str) -> str:
    """`locations_visible_to(user).get(pk=...)` as one statement written once per kind of caller."""
    quote = connection.ops.quote_name
    table = quote(Location._meta.db_table)
    columns = ", ".join(f"l.{quote(str(f.column))}" for f in Location._meta.concrete_fields)
    sql = f"SELECT {columns} FROM {table} l WHERE l.{quote('id')} = %s"  # noqa: S608 - names from the models
    if kind == "staff":
        memberships = quote(StaffMembership._meta.db_table)
        roles = ", ".join(["%s"] * len(LOCATION_ROLES))
        sql += (
            f" AND EXISTS (SELECT 1 FROM {memberships} m WHERE m.{quote('location_id')} = l.{quote('id')} "  # noqa: S608
            f"AND m.{quote('user_id')} = %s AND m.{quote('role')} IN ({roles}))"
        )
    elif kind == "public":
        sql += f" AND l.{quote('is_active')} = %s"
    return sql


def _visible_location(user: Any, pk: Any) -> Location:
    """The rules of `locations_visible_to` for one pk, without building a queryset on every request (the
    cheapest authenticated read runs this): admins any location, other staff those they hold a location role
    at, everyone else (inactive staff included) the active ones. 404 otherwise."""
    try:
        key = int(pk)
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not -(2**63) <= key < 2**63:
        raise Http404
    params: list[Any] = [key]
    if not is_staff_member(user):
        kind = "public"
        params.append(True)
    elif is_admin(user):
        kind = "admin"
    else:
        kind = "staff"
        params += [user.pk, *LOCATION_ROLES]
    found = list(Location.objects.raw(_visible_location_sql(kind), params))
    if not found:
        raise Http404
    return found[0]


def get_location_worked_at(user: Any, pk: Any) -> Location:
    """`get_location_for_user` and then `require(can_work_at(...))` in its one query: a staff member's visible
    location is one they work at (the staff query checks their location role; admins work everywhere), and
    whoever else may see it (the public rule) works at none. 404 when not visible, 403 when visible only."""
    location = _visible_location(user, pk)
    require(is_staff_member(user))
    return location


def get_location_for_user(user: Any, pk: Any, *, manage: bool = False) -> Location:
    """The location, 404 when the user may not see it, 403 when `manage` and they may not edit it."""
    location = _visible_location(user, pk)
    if manage:
        require(can_manage_location(user, location))
    return location


def can_create_locations(user: Any) -> bool:
    """Only admins open a location; its managers then edit its settings, hours and closures."""
    return is_admin(user)


def get_location_for_display(pk: Any) -> Location:
    """The public display of an active location: no login, and the same for every caller; 404 otherwise."""
    return get_visible_or_404(Location.objects.filter(is_active=True), pk)
