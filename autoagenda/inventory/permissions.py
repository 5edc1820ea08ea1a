"""Who may see products and stock, and who may move it (the primitives are accounts/permissions.py's).

Staff see the products carried at their locations (admins: all) and their stock; mechanics only read. Stock is
written (receipts, adjustments, transfers, reservations) by admins and by the managers and receptionists of the
location. Products themselves are edited by admins and managers (API.md: "services and products by admins and
managers"), a manager only for products carried only at locations they manage. Clients see nothing (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    get_visible_or_404,
    is_admin,
    is_staff_member,
    location_ids_for,
    managed_location_ids,
    require,
    role_of,
)
from autoagenda.inventory.models import Product
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by

STOCK_WRITER_ROLES = (Role.MANAGER, Role.RECEPTIONIST)


def can_use_inventory(user: Any) -> bool:
    """Staff only: clients are refused before any lookup (403)."""
    return is_staff_member(user)


def products_visible_to(user: Any) -> QuerySet[Product]:
    if not is_staff_member(user):
        return Product.objects.none()
    ids = location_ids_for(user)
    if ids is None:
        return Product.objects.all()
    return Product.objects.filter(locations__in=ids).distinct()


def get_product_for_user(user: Any, pk: Any, *, manage: bool = False) -> Product:
    """403 for a client, 404 for a product not carried at the caller's locations, 403 when `manage` is refused."""
    require(can_use_inventory(user))
    product = get_visible_or_404(products_visible_to(user), pk)
    if manage:
        require(can_manage_product(user, product))
    return product


def can_create_products(user: Any) -> bool:
    return role_of(user) in (Role.ADMIN, Role.MANAGER)


def can_offer_products_at(user: Any, location_ids: set[int]) -> bool:
    if is_admin(user):
        return True
    return role_of(user) == Role.MANAGER and location_ids <= managed_location_ids(user)


def can_manage_product(user: Any, product: Product) -> bool:
    """Admins, or a manager of every location that carries it."""
    if is_admin(user):
        return True
    return can_offer_products_at(user, {loc.pk for loc in product.locations.all()})


def stock_locations_for(user: Any) -> QuerySet[Location]:
    """Where `user` may read stock: the locations they work at."""
    return locations_staffed_by(user)


def stock_writable_locations(user: Any) -> QuerySet[Location]:
    """Where `user` may move stock: admins everywhere, managers and receptionists at their locations."""
    if is_admin(user):
        return Location.objects.all()
    ids = location_ids_for(user, roles=STOCK_WRITER_ROLES)
    return Location.objects.none() if ids is None else Location.objects.filter(id__in=ids)


def can_write_stock(user: Any, location: Location) -> bool:
    return stock_writable_locations(user).filter(pk=location.pk).exists()


def can_write_stock_anywhere(user: Any) -> bool:
    return is_admin(user) or role_of(user) in STOCK_WRITER_ROLES


def get_stock_location_for_user(user: Any, pk: Any, *, write: bool = False) -> Location:
    """A location whose stock `user` reads (403 client, 404 not theirs; 403 when `write` and they may not)."""
    require(can_use_inventory(user))
    location = get_visible_or_404(stock_locations_for(user), pk)
    if write:
        require(can_write_stock(user, location))
    return location
