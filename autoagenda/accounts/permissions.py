"""The primitives every app's authorization is built on, and the rules about people.

Two questions, two answers:
- *visibility* — may this user know the object exists? No: 404, exactly as if
  it did not exist (another location's or another client's object).
- *role* — may a user who sees it do this? No: 403 `permission_denied`.

Each app keeps its own rules in `<app>/permissions.py` (locations, catalog, customers, scheduling, walkins),
written with the primitives here: `require`, `get_visible_or_404`, the role predicates, `location_ids_for`
and `scope_to_staffed_locations`. HTML views, the API, consumers and commands call those functions; nothing
else filters by role or location.

accounts sits below locations (CONTRIBUTING.md, "Layers"): nothing here names a higher app's model. Where a
person works is read from `StaffMembership.location_id`, which clients are served where from `ClientLocation`;
the few querysets of locations that people pages need reach the model through `location_model()`.
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

M = TypeVar("M", bound=Model)


def active_user(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def role_of(user: Any) -> str | None:
    u = active_user(user)
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


# --- Where people work --------------------------------------------------------------------------------------------


def location_ids_for(user: Any, *, roles: tuple[str, ...] = LOCATION_ROLES) -> QuerySet[StaffMembership, Any] | None:
    """Location ids where the user holds one of `roles`; None means every location (admins)."""
    u = active_user(user)
    if u is None:
        return StaffMembership.objects.none()
    if u.role == Role.ADMIN:
        return None
    return StaffMembership.objects.filter(user=u, role__in=roles).values("location_id")


def scope_to_staffed_locations(queryset: QuerySet[M], user: Any, field: str = "location") -> QuerySet[M]:
    """Limit any location-owned queryset to the user's locations."""
    u = active_user(user)
    if u is None or not is_staff_member(u):
        return queryset.none()
    ids = location_ids_for(u)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def managed_location_ids(user: Any) -> set[int]:
    """The ids of the locations `user` manages (admins: use `is_admin` first; this reads memberships only)."""
    ids = location_ids_for(user, roles=(Role.MANAGER,))
    return set() if ids is None else {row["location_id"] for row in ids}


def location_model() -> type[Model]:
    """The Location model, reached through StaffMembership's relation to it: accounts never imports the
    locations app (it sits above). Only for the querysets of locations the people pages offer below."""
    return StaffMembership._meta.get_field("location").related_model


# --- People -------------------------------------------------------------------------------------------------------
#
# A client is visible to the staff of the locations that serve them (`ClientLocation`: a booking, a walk-in ticket
# naming them, the desk creating them or finding them by an exact identifier), never to the staff of every
# location. Admins see everyone; a client sees themselves.


def served_client_ids(location_ids: QuerySet[StaffMembership, Any] | None) -> QuerySet[Any, Any]:
    """The clients served at these locations (None: at any), as a subquery of ids."""
    links = (
        ClientLocation.objects.all()
        if location_ids is None
        else ClientLocation.objects.filter(location_id__in=location_ids)
    )
    return links.values("client_id")


def clients_visible_to(user: Any) -> QuerySet[User]:
    """The clients whose profile, vehicles and history `user` may see (their appointments stay scoped apart)."""
    u = active_user(user)
    if u is None:
        return User.objects.none()
    clients = User.objects.filter(role=Role.CLIENT)
    if u.role == Role.ADMIN:
        return clients
    if is_staff_member(u):
        return clients.filter(id__in=served_client_ids(location_ids_for(u)))
    return clients.filter(pk=u.pk)


def can_see_client(user: Any, client: User) -> bool:
    u = active_user(user)
    if u is None:
        return False
    if u.pk == client.pk or u.role == Role.ADMIN:
        return True
    return is_staff_member(u) and clients_visible_to(u).filter(pk=client.pk).exists()


def users_visible_to(user: Any) -> QuerySet[User]:
    """Admins see everyone; other staff see their colleagues and the clients their locations serve; clients
    only themselves."""
    u = active_user(user)
    if u is None:
        return User.objects.none()
    if u.role == Role.ADMIN:
        return User.objects.all()
    if is_staff_member(u):
        ids = location_ids_for(u)
        memberships = StaffMembership.objects.all() if ids is None else StaffMembership.objects.filter(location__in=ids)
        colleagues = memberships.values("user_id")
        served = Q(role=Role.CLIENT, id__in=served_client_ids(ids))
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
    return bool(target_locations) and target_locations <= managed_location_ids(actor)


def can_assign_locations(actor: Any, location_ids: set[int]) -> bool:
    if is_admin(actor):
        return True
    return location_ids <= managed_location_ids(actor)


def locations_known_to(user: Any) -> QuerySet[Any]:
    """The locations a request body may name: the open ones (anyone sees them, to book) and, for staff, the ones
    they work at (admins: every one). Any other id is answered like one that does not exist; whether the caller
    may act at a location they may name is the service's question (403)."""
    u = active_user(user)
    locations = location_model()._default_manager.all()
    if u is None or not is_staff_member(u):
        return locations.filter(is_active=True)
    ids = location_ids_for(u)
    return locations if ids is None else locations.filter(Q(is_active=True) | Q(id__in=ids))


def assignable_locations(actor: Any) -> QuerySet[Any]:
    """The locations `actor` may put staff at (`can_assign_locations`): admins every one, managers theirs."""
    locations = location_model()._default_manager.all()
    ids = location_ids_for(actor, roles=(Role.MANAGER,))
    return locations if ids is None else locations.filter(id__in=ids)


def people_locations(actor: Any) -> QuerySet[Any]:
    """The locations whose people `actor` sees (the user list's location filter): admins every one, other staff
    the ones they work at."""
    u = active_user(actor)
    locations = location_model()._default_manager.all()
    if u is None or not is_staff_member(u):
        return locations.none()
    ids = location_ids_for(u)
    return locations if ids is None else locations.filter(id__in=ids)


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
    managed = managed_location_ids(actor)

    def check(target: User) -> bool:
        if target.role not in (Role.MECHANIC, Role.RECEPTIONIST):
            return False
        locations = {m.location_id for m in target.memberships.all()}
        return bool(locations) and locations <= managed

    return check


# --- Professional applications ------------------------------------------------------------------------------------


def can_use_applications(user: Any) -> bool:
    """Professional applications concern the applicant (a client) and the admins who decide."""
    return role_of(user) in (Role.ADMIN, Role.CLIENT)


def application_locations() -> QuerySet[Any]:
    """Where a client may apply to work: the open locations (the ones a client sees, to book)."""
    return location_model()._default_manager.filter(is_active=True)


def applications_visible_to(user: Any) -> QuerySet[ProfessionalApplication]:
    u = active_user(user)
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
