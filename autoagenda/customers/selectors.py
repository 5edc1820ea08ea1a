"""Reads of clients' vehicles, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from autoagenda.accounts import permissions
from autoagenda.customers.models import Vehicle
from autoagenda.customers.services import normalize_plate
from autoagenda.locations.models import Location, Sector


def vehicle_features_enabled() -> bool:
    """Vehicle pages exist only while some active location is an automotive workshop."""
    return Location.objects.filter(is_active=True, sector=Sector.AUTOMOTIVE).exists()


def vehicles_for(
    user: Any, *, owner_id: int | None = None, plate: str | None = None, query: str | None = None
) -> QuerySet[Vehicle]:
    """The vehicles `user` may see, optionally by owner, by (part of a) plate, or by a free-text search."""
    qs = permissions.vehicles_visible_to(user).select_related("owner")
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if plate:
        qs = qs.filter(plate__contains=normalize_plate(plate))
    if query:
        words = query.split()
        for word in words[:5]:
            qs = qs.filter(
                Q(plate__contains=normalize_plate(word))
                | Q(make__icontains=word)
                | Q(model__icontains=word)
                | Q(vin__icontains=word)
                | Q(owner__email__icontains=word)
                | Q(owner__first_name__icontains=word)
                | Q(owner__last_name__icontains=word)
            )
    return qs.order_by("plate", "id")
