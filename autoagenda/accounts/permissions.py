"""Authorization in one place: who may see what, and who may do what.

Two questions, two answers:
- *visibility* — may this user know the object exists? No: 404, exactly as if
  it did not exist (another location's or another client's object).
- *role* — may a user who sees it do this? No: 403 `permission_denied`.

HTML views, the API, consumers and commands all call these functions; nothing
else filters by role or location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from autoagenda.accounts.models import (
    LOCATION_ROLES,
    ClientLocation,
    ProfessionalApplication,
    Role,
    StaffMembership,
    User,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AnonymousUser

    from autoagenda.catalog.models import Service
    from autoagenda.customers.models import Vehicle
    from autoagenda.locations.models import Location
    from autoagenda.scheduling.models import Appointment  # scheduling: appointments
    from autoagenda.walkins.models import Desk, Queue, Ticket  # walkins

    AnyUser = User | AnonymousUser

M = TypeVar("M", bound=Model)


def _user(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def role_of(user: Any) -> str | None:
    u = _user(user)
    return u.role if u else None


def is_admin(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def is_staff_member(user: Any) -> bool:
    return role_of(user) in {Role.ADMIN, *LOCATION_ROLES}


def require(condition: bool) -> None:
    """403 unless `condition`: the user sees the object but their role may not act."""
    if not condition:
        raise PermissionDenied


def get_visible_or_404(queryset: QuerySet[M], pk: Any) -> M:
    try:
        return queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# --- Locations ------------------------------------------------------------


def location_ids_for(user: Any, *, roles: tuple[str, ...] = LOCATION_ROLES) -> QuerySet[StaffMembership, Any] | None:
    """Location ids where the user holds one of `roles`; None means every location (admins)."""
    u = _user(user)
    if u is None:
        return StaffMembership.objects.none()
    if u.role == Role.ADMIN:
        return None
    return StaffMembership.objects.filter(user=u, role__in=roles).values("location_id")


def locations_staffed_by(user: Any) -> QuerySet[Location]:
    """Locations whose internal data (bookings, queue, settings) the user may see."""
    from autoagenda.locations.models import Location

    u = _user(user)
    if u is None or not is_staff_member(u):
        return Location.objects.none()
    ids = location_ids_for(u)
    return Location.objects.all() if ids is None else Location.objects.filter(id__in=ids)


def locations_managed_by(user: Any) -> QuerySet[Location]:
    from autoagenda.locations.models import Location

    ids = location_ids_for(user, roles=(Role.MANAGER,))
    return Location.objects.all() if ids is None else Location.objects.filter(id__in=ids)


def locations_visible_to(user: Any) -> QuerySet[Location]:
    """Staff see their locations (admins all, inactive too); everyone else the active ones, to book."""
    from autoagenda.locations.models import Location

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


def scope_to_staffed_locations(queryset: QuerySet[M], user: Any, field: str = "location") -> QuerySet[M]:
    """Limit any location-owned queryset to the user's locations."""
    u = _user(user)
    if u is None or not is_staff_member(u):
        return queryset.none()
    ids = location_ids_for(u)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


# --- Locations app: opening locations --------------------------------------


def can_create_locations(user: Any) -> bool:
    """Only admins open a location; its managers then edit its settings, hours and closures."""
    return is_admin(user)


# --- People ---------------------------------------------------------------
#
# customers: a client is visible to the staff of the locations that serve them (`ClientLocation`: a booking,
# a walk-in ticket naming them, the desk creating them or finding them by an exact identifier), never to
# the staff of every location. Admins see everyone; a client sees themselves.


def _served_client_ids(location_ids: QuerySet[StaffMembership, Any] | None) -> QuerySet[Any, Any]:
    links = (
        ClientLocation.objects.all()
        if location_ids is None
        else ClientLocation.objects.filter(location_id__in=location_ids)
    )
    return links.values("client_id")


def clients_visible_to(user: Any) -> QuerySet[User]:
    """The clients whose profile, vehicles and history `user` may see (their appointments stay scoped apart)."""
    u = _user(user)
    if u is None:
        return User.objects.none()
    clients = User.objects.filter(role=Role.CLIENT)
    if u.role == Role.ADMIN:
        return clients
    if is_staff_member(u):
        return clients.filter(id__in=_served_client_ids(location_ids_for(u)))
    return clients.filter(pk=u.pk)


def can_see_client(user: Any, client: User) -> bool:
    u = _user(user)
    if u is None:
        return False
    if u.pk == client.pk or u.role == Role.ADMIN:
        return True
    return is_staff_member(u) and clients_visible_to(u).filter(pk=client.pk).exists()


def users_visible_to(user: Any) -> QuerySet[User]:
    """Admins see everyone; other staff see their colleagues and the clients their locations serve; clients
    only themselves."""
    u = _user(user)
    if u is None:
        return User.objects.none()
    if u.role == Role.ADMIN:
        return User.objects.all()
    if is_staff_member(u):
        ids = location_ids_for(u)
        memberships = StaffMembership.objects.all() if ids is None else StaffMembership.objects.filter(location__in=ids)
        colleagues = memberships.values("user_id")
        served = Q(role=Role.CLIENT, id__in=_served_client_ids(ids))
        return User.objects.filter(served | Q(id__in=colleagues) | Q(pk=u.pk)).distinct()
    return User.objects.filter(pk=u.pk)


def staff_visible_to(user: Any) -> QuerySet[User]:
    return users_visible_to(user).exclude(role=Role.CLIENT)


def roles_assignable_by(user: Any) -> tuple[str, ...]:
    """An admin may create any role; a manager only mechanics and receptionists."""
    role = role_of(user)
    if role == Role.ADMIN:
        return (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST, Role.MECHANIC, Role.CLIENT)
    if role == Role.MANAGER:
        return (Role.RECEPTIONIST, Role.MECHANIC)
    return ()


def can_manage_user(actor: Any, target: User) -> bool:
    """Admins manage everyone; managers manage mechanics and receptionists who work only at their locations."""
    if is_admin(actor):
        return True
    if role_of(actor) != Role.MANAGER or target.role not in (Role.MECHANIC, Role.RECEPTIONIST):
        return False
    target_locations = set(target.memberships.values_list("location_id", flat=True))
    managed = set(locations_managed_by(actor).values_list("id", flat=True))
    return bool(target_locations) and target_locations <= managed


def can_assign_locations(actor: Any, location_ids: set[int]) -> bool:
    if is_admin(actor):
        return True
    managed = set(locations_managed_by(actor).values_list("id", flat=True))
    return location_ids <= managed


def get_user_for_user(actor: Any, pk: Any, *, manage: bool = False) -> User:
    target = get_visible_or_404(users_visible_to(actor), pk)
    if manage:
        require(can_manage_user(actor, target))
    return target


def get_staff_for_user(actor: Any, pk: Any, *, manage: bool = False) -> User:
    target = get_visible_or_404(staff_visible_to(actor), pk)
    if manage:
        require(can_manage_user(actor, target) or (target.pk == actor.pk and target.role == Role.MANAGER))
    return target


# --- Accounts app: user lists and professional applications ---------------


def can_list_users(user: Any) -> bool:
    """The back-office user list and staff creation belong to admins and managers."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def user_manage_checker(actor: Any) -> Callable[[User], bool]:
    """`can_manage_user` for a whole page of users without a query per row.

    The users' `memberships` must be prefetched; the actor's managed locations are read once.
    """
    if is_admin(actor):
        return lambda target: True
    if role_of(actor) != Role.MANAGER:
        return lambda target: False
    managed = set(locations_managed_by(actor).values_list("id", flat=True))

    def check(target: User) -> bool:
        if target.role not in (Role.MECHANIC, Role.RECEPTIONIST):
            return False
        locations = {m.location_id for m in target.memberships.all()}
        return bool(locations) and locations <= managed

    return check


def can_use_applications(user: Any) -> bool:
    """Professional applications concern the applicant (a client) and the admins who decide."""
    return role_of(user) in (Role.ADMIN, Role.CLIENT)


def applications_visible_to(user: Any) -> QuerySet[ProfessionalApplication]:
    u = _user(user)
    if u is None or u.role not in (Role.ADMIN, Role.CLIENT):
        return ProfessionalApplication.objects.none()
    if u.role == Role.ADMIN:
        return ProfessionalApplication.objects.all()
    return ProfessionalApplication.objects.filter(user=u)


def get_application_for_user(user: Any, pk: Any, *, decide: bool = False) -> ProfessionalApplication:
    """403 for roles that have no business with applications, 404 for someone else's, 403 to decide unless admin."""
    require(can_use_applications(user))
    application = get_visible_or_404(applications_visible_to(user), pk)
    if decide:
        require(is_admin(user))
    return application


# --- Catalog and vehicles ------------------------------------------------


def services_visible_to(user: Any) -> QuerySet[Service]:
    """Staff see the services of their locations; everyone else the active ones on sale."""
    from autoagenda.catalog.models import Service

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


def vehicles_visible_to(user: Any) -> QuerySet[Vehicle]:
    """A client sees their own vehicles; staff those of the clients their locations serve; admins all."""
    from autoagenda.customers.models import Vehicle

    u = _user(user)
    if u is None:
        return Vehicle.objects.none()
    if u.role == Role.ADMIN:
        return Vehicle.objects.all()
    if is_staff_member(u):
        return Vehicle.objects.filter(owner_id__in=_served_client_ids(location_ids_for(u)))
    return Vehicle.objects.filter(owner=u)


VEHICLE_EDITOR_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def can_edit_vehicle(user: Any, vehicle: Vehicle) -> bool:
    """The owner, and the front desk (admins, managers, receptionists) of a location that serves the owner."""
    u = _user(user)
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


# --- Catalog, vehicles, staff hours (catalog / customers / scheduling apps) --


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


def can_add_vehicles_for_others(user: Any) -> bool:
    """The front desk (admins, managers, receptionists) registers clients' vehicles."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def can_add_vehicles(user: Any) -> bool:
    """Clients add their own; the front desk adds clients'. Mechanics only read them."""
    return role_of(user) == Role.CLIENT or can_add_vehicles_for_others(user)


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
    u = _user(actor)
    if u is None:
        return False
    return (u.pk == target.pk and is_staff_member(u)) or can_manage_staff_schedule(u, target)


def schedule_locations_for(actor: Any, target: User) -> QuerySet[Location]:
    """Locations where `actor` may set `target`'s working hours: where target works and actor manages."""
    from autoagenda.locations.models import Location

    worked = StaffMembership.objects.filter(user=target).values("location_id")
    if not can_manage_staff_schedule(actor, target):
        return Location.objects.none()
    return locations_managed_by(actor).filter(id__in=worked)


# --- Scheduling: appointments (booking, cancelling, status) ------------------


def can_book_at(user: Any, location: Location) -> bool:
    """Clients book for themselves at active locations; staff book for clients at the locations they work at."""
    u = _user(user)
    if u is None:
        return False
    if is_staff_member(u):
        return can_work_at(u, location)
    return location.is_active


def scope_appointments(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """A client sees their own appointments; staff those of their locations (admins all); anonymous none."""
    u = _user(user)
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
    u = _user(user)
    if u is None or not is_staff_member(u) or not can_work_at(u, appointment.location):
        return False
    return acts_on_all_appointments(u) or appointment.mechanic_id == u.pk


def appointment_action_checker(user: Any, location: Location) -> Callable[[Appointment], bool]:
    """`can_act_on_appointment` for a whole list of one location's appointments, without a query per row."""
    u = _user(user)
    if u is None or not is_staff_member(u) or not can_work_at(u, location):
        return lambda appointment: False
    if acts_on_all_appointments(u):
        return lambda appointment: True
    return lambda appointment: appointment.mechanic_id == u.pk


def can_change_appointment(user: Any, appointment: Appointment) -> bool:
    """Cancel or reschedule: the appointment's client, or staff who may act on it (the time window is the
    service's)."""
    u = _user(user)
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


# --- Scheduling API: the mechanic a booking names ---------------------------


def mechanics_bookable_at(location: Location) -> QuerySet[User]:
    """Active staff of `location`: whether one is an eligible, free mechanic for the service is the booking check's."""
    return User.objects.filter(is_active=True, memberships__location=location).distinct()


def get_mechanic_for_booking(location: Location, pk: Any) -> User:
    """404 for anyone who does not work at `location` (the API reports it on the `mechanic` field)."""
    return get_visible_or_404(mechanics_bookable_at(location), pk)


# --- Scheduling web booking (webclient): the client's own booking pages -------


def can_book_online(user: Any) -> bool:
    """The /book/ pages are a client booking for themselves; staff book for clients from the staff calendar."""
    return role_of(user) == Role.CLIENT


# --- Walk-in queue (walkins): queues, desks, tickets, the public display -------
#
# The queue is staff business: a client gets 403 on every walk-in endpoint (API.md); staff of another
# location get 404 for this location's queues, desks and tickets. The public display is readable by anyone.

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


def get_location_for_display(pk: Any) -> Location:
    """The public display of an active location: no login, and the same for every caller; 404 otherwise."""
    from autoagenda.locations.models import Location

    return get_visible_or_404(Location.objects.filter(is_active=True), pk)


def queues_visible_to(user: Any) -> QuerySet[Queue]:
    from autoagenda.walkins.models import Queue

    return scope_to_staffed_locations(Queue.objects.select_related("location"), user)


def desks_visible_to(user: Any) -> QuerySet[Desk]:
    from autoagenda.walkins.models import Desk

    return scope_to_staffed_locations(Desk.objects.select_related("location", "agent"), user)


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    from autoagenda.walkins.models import Ticket

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
