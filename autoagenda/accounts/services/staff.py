"""Staff: accounts that work at locations, made and changed by admins and managers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts import events
from autoagenda.accounts.models import (
    LOCATION_ROLES,
    STAFF_ROLES,
    Role,
    StaffMembership,
    User,
)
from autoagenda.accounts.permissions import (
    can_assign_locations,
    can_list_users,
    can_manage_user,
    is_admin,
    roles_assignable_by,
)
from autoagenda.accounts.services.base import (
    _check_email_free,
    _check_password,
    _clean_phone,
    _clean_text,
    _deny,
    _home_region,
    _normalize_email,
    _region_of,
    _save_new_user,
)
from autoagenda.accounts.tokens import sessions_revoke_for_user
from autoagenda.core.errors import ApplicationError


def _location_ids(locations: Iterable[Model | int]) -> set[int]:
    return {loc if isinstance(loc, int) else loc.pk for loc in locations}


def _check_role_and_locations(*, actor: User, role: str, location_ids: set[int]) -> None:
    if role not in STAFF_ROLES:
        raise ApplicationError.invalid("role", str(_("Choose a staff role.")))
    if role not in roles_assignable_by(actor):
        raise _deny(str(_("Your role may not give this role to anyone.")))
    if role in LOCATION_ROLES and not location_ids:
        raise ApplicationError.invalid("locations", str(_("Choose at least one location.")))
    if role in LOCATION_ROLES and not can_assign_locations(actor, location_ids):
        raise _deny(str(_("You may only assign locations you manage.")))


def _set_memberships(user: User, role: str, location_ids: set[int]) -> None:
    """Memberships mirror the user's role; admins and clients have none."""
    if role not in LOCATION_ROLES:
        StaffMembership.objects.filter(user=user).delete()
        return
    StaffMembership.objects.filter(user=user).exclude(location_id__in=location_ids).delete()
    StaffMembership.objects.filter(user=user).exclude(role=role).update(role=role)
    existing = set(StaffMembership.objects.filter(user=user).values_list("location_id", flat=True))
    StaffMembership.objects.bulk_create(
        StaffMembership(user=user, location_id=loc, role=role) for loc in sorted(location_ids - existing)
    )
    events.memberships_changed.send(events.MembershipsChanged(user_id=user.pk))  # update()/bulk_create(): no signals


def staff_create(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    locations: Iterable[Model | int],
    password: str,
    phone: str = "",
) -> User:
    """A staff account. Admins create any role; managers mechanics and receptionists at their own locations."""
    if not can_list_users(actor):
        raise _deny(str(_("Your role may not create staff accounts.")))
    locations = list(locations)
    location_ids = _location_ids(locations)
    _check_role_and_locations(actor=actor, role=role, location_ids=location_ids)
    email = _normalize_email(email)
    user = User(
        email=email,
        first_name=_clean_text("first_name", first_name),
        last_name=_clean_text("last_name", last_name),
        phone=_clean_phone(phone, region=_region_of(locations)),
        role=role,
    )
    _check_password(password, user)
    with transaction.atomic():
        _check_email_free(email)
        _save_new_user(user, password)
        _set_memberships(user, role, location_ids if role in LOCATION_ROLES else set())
    return user


def staff_update(
    *,
    actor: User,
    user: User,
    role: str | None = None,
    locations: Iterable[Model | int] | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Edit a person as their admin or manager; fields left as None keep their value.

    Locations given replace the memberships; a role change carries the memberships along.
    """
    if not can_manage_user(actor, user):
        raise _deny(str(_("You may not edit this person.")))
    new_role = role if role is not None else user.role
    if new_role != user.role and user.pk == actor.pk:
        raise ApplicationError.invalid("role", str(_("You cannot change your own role.")))
    if locations is not None:
        locations = list(locations)
        location_ids = _location_ids(locations)
    else:
        location_ids = set(user.memberships.values_list("location_id", flat=True))
    if new_role != user.role or locations is not None:
        if new_role == Role.CLIENT and is_admin(actor):
            location_ids = set()
        else:
            _check_role_and_locations(actor=actor, role=new_role, location_ids=location_ids)
    if is_active is False and user.pk == actor.pk:
        raise ApplicationError.invalid("is_active", str(_("You cannot deactivate your own account.")))

    changes: dict[str, object] = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            changes[field] = _clean_text(field, value)
    if phone is not None:
        given = list(locations) if locations is not None else []
        changes["phone"] = _clean_phone(phone, region=_region_of(given) or _home_region(user))
        if not changes["phone"]:
            changes.update(notify_sms=False, notify_whatsapp=False)
    if new_role != user.role:
        changes["role"] = new_role
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = is_active
    with transaction.atomic():
        for name, new_value in changes.items():
            setattr(user, name, new_value)
        if changes:
            user.save(update_fields=list(changes))
        if "role" in changes or locations is not None:
            _set_memberships(user, new_role, location_ids if new_role in LOCATION_ROLES else set())
        if changes.get("is_active") is False:
            sessions_revoke_for_user(user, reason="deactivated")
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """The person can no longer log in, and their API logins stop at once; their history stays."""
    if not can_manage_user(actor, user):
        raise _deny(str(_("You may not deactivate this person.")))
    if user.pk == actor.pk:
        raise ApplicationError("invalid", str(_("You cannot deactivate your own account.")))
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        sessions_revoke_for_user(user, reason="deactivated")
    return user
