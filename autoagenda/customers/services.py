"""Every write on clients' vehicles.

Each function validates the whole request first and changes nothing when
anything is wrong, so the caller gets every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts import permissions
from autoagenda.accounts.models import Role, User
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.models import Vehicle
from autoagenda.customers.vin import decode_vin, normalize_vin

VEHICLE_FIELDS = ("make", "model", "year", "plate", "vin", "mileage", "color", "notes")
MAX_MILEAGE = 9_999_999
_PLATE_SEPARATORS = re.compile(r"[\s.\-·]+")
_PLATE = re.compile(r"^[A-Z0-9]{2,12}$")
_TEXT_LIMITS = {"make": 60, "model": 60, "color": 30, "notes": 500}


def normalize_plate(raw: str | None) -> str:
    """`ab-cd 12` and `AB.CD.12` are the same plate: `ABCD12`."""
    return _PLATE_SEPARATORS.sub("", raw or "").upper()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _normalized(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(VEHICLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown vehicle fields: {sorted(unknown)}")
    out = dict(fields)
    for key in ("make", "model", "color", "notes"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "plate" in out:
        out["plate"] = normalize_plate(out["plate"])
    if "vin" in out:
        out["vin"] = normalize_vin(out["vin"])
    return out


def _errors_for(values: Mapping[str, Any], *, owner: User, vehicle: Vehicle | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("make", "model"):
        if not values.get(field):
            add(field, _("This field is required."))
    for field, limit in _TEXT_LIMITS.items():
        if len(values.get(field) or "") > limit:
            add(field, _("Use at most %(limit)s characters.") % {"limit": limit})
    year = values.get("year")
    next_year = timezone.now().year + 1
    if year is not None and (not _is_int(year) or not 1900 <= year <= next_year):
        add("year", _("Enter a year from 1900 to %(max)s.") % {"max": next_year})
    mileage = values.get("mileage")
    if mileage is not None and (not _is_int(mileage) or not 0 <= mileage <= MAX_MILEAGE):
        add("mileage", _("Enter the kilometres as a whole number of zero or more."))
    plate = values.get("plate") or ""
    if not plate:
        add("plate", _("This field is required."))
    elif not _PLATE.match(plate):
        add("plate", _("A plate has 2 to 12 letters and digits (spaces, dots and dashes are ignored)."))
    else:
        same = Vehicle.objects.filter(owner=owner, plate=plate)
        if vehicle is not None:
            same = same.exclude(pk=vehicle.pk)
        if same.exists():
            add("plate", _("This client already has a vehicle with plate %(plate)s.") % {"plate": plate})
    return errors


def _save(target: Vehicle, values: dict[str, Any], *, owner: User) -> Vehicle:
    """Validate everything, then write `target` (a fresh instance, so a refusal leaves callers' copies alone)."""
    errors = _errors_for(values, owner=owner, vehicle=target if target.pk else None)
    vin = values.pop("vin", None)
    decoded = None
    if vin:
        try:
            decoded = decode_vin(vin)
        except ApplicationError as exc:
            errors.setdefault("vin", []).extend(exc.errors.get("vin", [exc.message]))
    if errors:
        raise ApplicationError("invalid", _("The vehicle was not saved."), errors=errors)
    for field, value in values.items():
        setattr(target, field, value)
    if vin is not None:
        target.vin = decoded.vin if decoded else ""
        target.vin_manufacturer = decoded.manufacturer if decoded else ""
        target.vin_country = decoded.country if decoded else ""
    target.owner = owner
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        # Two requests adding the same plate at once: the constraint decides.
        raise ApplicationError.invalid(
            "plate", _("This client already has a vehicle with plate %(plate)s.") % {"plate": target.plate}
        ) from None
    return target


def vehicle_create(
    *,
    actor: Any,
    owner: User | None,
    make: str,
    model: str,
    plate: str,
    year: int | None = None,
    vin: str = "",
    mileage: int | None = None,
    color: str = "",
    notes: str = "",
) -> Vehicle:
    """A client adds their own vehicle; the front desk adds one for a client (`owner`)."""
    if permissions.can_add_vehicles_for_others(actor):
        if owner is None:
            raise ApplicationError.invalid("owner", _("Choose the client who owns the vehicle."))
        if owner.role != Role.CLIENT or not owner.is_active:
            raise ApplicationError.invalid("owner", _("The owner must be an active client."))
    else:
        permissions.require(permissions.role_of(actor) == Role.CLIENT)
        if owner is not None and owner.pk != actor.pk:
            raise ApplicationError.invalid("owner", _("You can only add your own vehicles."))
        owner = actor
    assert owner is not None
    values = _normalized(
        {
            "make": make,
            "model": model,
            "year": year,
            "plate": plate,
            "vin": vin,
            "mileage": mileage,
            "color": color,
            "notes": notes,
        }
    )
    return _save(Vehicle(), values, owner=owner)


def vehicle_update(*, actor: Any, vehicle: Vehicle, **changes: Any) -> Vehicle:
    """The owner or the front desk corrects a vehicle; the owner does not change."""
    permissions.require(permissions.can_edit_vehicle(actor, vehicle))
    values = _normalized(changes)
    merged = {**{f: getattr(vehicle, f) for f in VEHICLE_FIELDS if f != "vin"}, **values}
    saved = _save(Vehicle.objects.get(pk=vehicle.pk), merged, owner=vehicle.owner)
    for field in (*VEHICLE_FIELDS, "vin_manufacturer", "vin_country", "updated_at"):
        setattr(vehicle, field, getattr(saved, field))
    return vehicle


def vehicle_delete(*, actor: Any, vehicle: Vehicle) -> None:
    permissions.require(permissions.can_edit_vehicle(actor, vehicle))
    try:
        with transaction.atomic():
            vehicle.delete()
    except ProtectedError:
        raise ApplicationError(
            "conflict", _("This vehicle has bookings or work orders and cannot be deleted.")
        ) from None
