"""Who may see what in the notifications app, built on the primitives of accounts/permissions.py.

- The inbox and the calendar feed are each person's own: another person's item is 404.
- The outbox (deliveries) is for managers, of their locations, and admins, of every location and of the
  account-level messages (no location). Other roles get 403; another location's rows are 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import (
    get_visible_or_404,
    is_admin,
    location_ids_for,
    require,
    role_of,
)
from autoagenda.locations.models import Location
from autoagenda.notifications.models import Delivery, InAppNotification


def _user(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


# --- Inbox -----------------------------------------------------------------------------------------------


def inbox_of(user: Any) -> QuerySet[InAppNotification]:
    u = _user(user)
    if u is None:
        return InAppNotification.objects.none()
    return InAppNotification.objects.filter(user=u)


def get_inapp_for_user(user: Any, pk: Any) -> InAppNotification:
    """The caller's own item; anyone else's is 404, as if it did not exist."""
    return get_visible_or_404(inbox_of(user), pk)


# --- Outbox ----------------------------------------------------------------------------------------------


def can_see_outbox(user: Any) -> bool:
    """Managers and admins watch what was sent to whom; front-desk staff, mechanics and clients do not."""
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def outbox_locations_for(user: Any) -> QuerySet[Location]:
    ids = location_ids_for(user, roles=(Role.MANAGER,))
    return Location.objects.all() if ids is None else Location.objects.filter(id__in=ids)


def outbox_visible_to(user: Any) -> QuerySet[Delivery]:
    """Admins: everything (also account-level rows without a location); managers: their locations' rows."""
    if not can_see_outbox(user):
        return Delivery.objects.none()
    if is_admin(user):
        return Delivery.objects.all()
    return Delivery.objects.filter(location__in=outbox_locations_for(user).values("id"))


def get_outbox_location_for_user(user: Any, pk: Any) -> Location:
    """The `?location=` filter: 403 for roles without an outbox, 404 for a location the caller does not manage."""
    require(can_see_outbox(user))
    return get_visible_or_404(outbox_locations_for(user), pk)


def get_delivery_for_user(user: Any, pk: Any) -> Delivery:
    require(can_see_outbox(user))
    return get_visible_or_404(outbox_visible_to(user), pk)


def can_send_test_message(user: Any) -> bool:
    """Managers and admins check the channels with a test message to themselves."""
    return can_see_outbox(user)
