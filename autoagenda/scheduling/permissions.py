"""Who may set staff hours, book, and act on appointments (the primitives are accounts/permissions.py's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.accounts.permissions import (
    active_user,
    get_visible_or_404,
    is_admin,
    is_staff_member,
    role_of,
    scope_to_staffed_locations,
)
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_work_at, locations_managed_by
from autoagenda.scheduling.models import Appointment

M = TypeVar("M", bound=Model)


# --- Staff hours and time off -------------------------------------------------------------------------------------


def can_manage_schedules(user: Any) -> bool:
    """Admins and managers set staff hours (a manager only where they manage)."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def can_manage_staff_schedule(actor: Any, target: User) -> bool:
    """Admins, or a manager of a location where `target` works."""
    if is_admin(actor):
        return True
    if role_of(actor) != Role.MANAGER or not is_staff_member(target):
        return False
    return StaffMembership.objects.filter(user=target, location__in=locations_managed_by(actor).values("id")).exists()


def can_manage_time_off(actor: Any, target: User) -> bool:
    """Whoever manages the schedule, and staff members for their own time off."""
    u = active_user(actor)
    if u is None:
        return False
    return (u.pk == target.pk and is_staff_member(u)) or can_manage_staff_schedule(u, target)


def schedule_locations_for(actor: Any, target: User) -> QuerySet[Location]:
    """Locations where `actor` may set `target`'s working hours: where target works and actor manages."""
    worked = StaffMembership.objects.filter(user=target).values("location_id")
    if not can_manage_staff_schedule(actor, target):
        return Location.objects.none()
    return locations_managed_by(actor).filter(id__in=worked)


# --- Appointments: booking, cancelling, status --------------------------------------------------------------------


def can_book_at(user: Any, location: Location) -> bool:
    """Clients book for themselves at active locations; staff book for clients at the locations they work at."""
    u = active_user(user)
    if u is None:
        return False
    if is_staff_member(u):
        return can_work_at(u, location)
    return location.is_active


def scope_appointments(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """A client sees their own appointments; staff those of their locations (admins all); anonymous none."""
    u = active_user(user)
    if u is None:
        return queryset.none()
    if is_staff_member(u):
        return scope_to_staffed_locations(queryset, u)
    return queryset.filter(client=u)


def acts_on_all_appointments(user: Any) -> bool:
    """Receptionists, managers and admins act on every appointment of their locations; a mechanic only on
    the ones assigned to them (PRODUCT.md), though they see the whole calendar."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def can_act_on_appointment(user: Any, appointment: Appointment) -> bool:
    """Staff of the appointment's location who may change it: everyone but a mechanic it is not assigned to."""
    u = active_user(user)
    if u is None or not is_staff_member(u) or not can_work_at(u, appointment.location):
        return False
    return acts_on_all_appointments(u) or appointment.mechanic_id == u.pk


def appointment_action_checker(user: Any, location: Location) -> Callable[[Appointment], bool]:
    """`can_act_on_appointment` for a whole list of one location's appointments, without a query per row."""
    u = active_user(user)
    if u is None or not is_staff_member(u) or not can_work_at(u, location):
        return lambda appointment: False
    if acts_on_all_appointments(u):
        return lambda appointment: True
    return lambda appointment: appointment.mechanic_id == u.pk


def can_change_appointment(user: Any, appointment: Appointment) -> bool:
    """Cancel or reschedule: the appointment's client, or staff who may act on it (the time window is the
    service's)."""
    u = active_user(user)
    if u is None:
        return False
    if is_staff_member(u):
        return can_act_on_appointment(u, appointment)
    return appointment.client_id == u.pk


def can_set_appointment_status(user: Any, appointment: Appointment) -> bool:
    """Check-in, start, finish, no-show: staff of the location who may act on it (a mechanic: their own)."""
    return can_act_on_appointment(user, appointment)


def can_view_appointment_panel(user: Any, appointment: Appointment) -> bool:
    """The staff calendar's panel: any staff member of the location (a mechanic reads colleagues' too)."""
    return is_staff_member(user) and can_work_at(user, appointment.location)


# --- The mechanic a booking names ---------------------------------------------------------------------------------


def mechanics_bookable_at(location: Location) -> QuerySet[User]:
    """Active staff of `location`: whether one is an eligible, free mechanic for the service is the booking check's."""
    return User.objects.filter(is_active=True, memberships__location=location).distinct()


def get_mechanic_for_booking(location: Location, pk: Any) -> User:
    """404 for anyone who does not work at `location` (the API reports it on the `mechanic` field)."""
    return get_visible_or_404(mechanics_bookable_at(location), pk)


# --- The client's own booking pages -------------------------------------------------------------------------------


def can_book_online(user: Any) -> bool:
    """The /book/ pages are a client booking for themselves; staff book for clients from the staff calendar."""
    return role_of(user) == Role.CLIENT
