"""Every write on clients' vehicles, and on which locations serve a client.

Each function validates the whole request first and changes nothing when
anything is wrong, so the caller gets every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import ClientLinkSource, ClientLocation, Role, User
from autoagenda.accounts.permissions import can_see_client, get_visible_or_404, is_staff_member, require, role_of
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.identifiers import is_plate, normalize_plate
from autoagenda.customers.models import MileageSource, Vehicle, VehicleMileage
from autoagenda.customers.permissions import can_add_vehicles_for_others, can_edit_vehicle
from autoagenda.customers.selectors import clients_by_exact_identifier, vehicle_has_history
from autoagenda.customers.vin import decode_vin, normalize_vin
from autoagenda.locations.permissions import can_work_at

if TYPE_CHECKING:
    from autoagenda.locations.models import Location

__all__ = [
    "client_create_at_desk",
    "client_link_found_at_desk",
    "client_link_location",
    "normalize_plate",
    "vehicle_archive",
    "vehicle_create",
    "vehicle_delete",
    "vehicle_mileage_record",
    "vehicle_restore",
    "vehicle_update",
]

VEHICLE_FIELDS = ("make", "model", "year", "plate", "vin", "mileage", "color", "notes")
MAX_MILEAGE = 9_999_999
_TEXT_LIMITS = {"make": 60, "model": 60, "color": 30, "notes": 500}


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
    elif not is_plate(plate):
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
    if can_add_vehicles_for_others(actor):
        if owner is None:
            raise ApplicationError.invalid("owner", _("Choose the client who owns the vehicle."))
        # A client no location of the actor serves is refused exactly like someone who is not a client.
        if owner.role != Role.CLIENT or not owner.is_active or not can_see_client(actor, owner):
            raise ApplicationError.invalid("owner", _("The owner must be an active client."))
    else:
        require(role_of(actor) == Role.CLIENT)
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
    require(can_edit_vehicle(actor, vehicle))
    values = _normalized(changes)
    merged = {**{f: getattr(vehicle, f) for f in VEHICLE_FIELDS if f != "vin"}, **values}
    saved = _save(Vehicle.objects.get(pk=vehicle.pk), merged, owner=vehicle.owner)
    for field in (*VEHICLE_FIELDS, "vin_manufacturer", "vin_country", "updated_at"):
        setattr(vehicle, field, getattr(saved, field))
    return vehicle


def vehicle_delete(*, actor: Any, vehicle: Vehicle) -> None:
    """Delete a vehicle that was never booked; one with history can only be archived (409 `vehicle_has_history`)."""
    require(can_edit_vehicle(actor, vehicle))
    history_error = ApplicationError(
        "vehicle_has_history",
        _("This vehicle has appointments or work orders, so it cannot be deleted. Archive it instead."),
    )
    try:
        with transaction.atomic():
            if vehicle_has_history(vehicle):
                raise history_error
            vehicle.delete()
    except ProtectedError:  # booked between the check and the delete: the database's PROTECT decides
        raise history_error from None


def vehicle_archive(*, actor: Any, vehicle: Vehicle) -> Vehicle:
    """Out of the booking choices, still on its appointments; archiving twice keeps the first date."""
    require(can_edit_vehicle(actor, vehicle))
    with transaction.atomic():
        now = timezone.now()
        Vehicle.objects.filter(pk=vehicle.pk, archived_at__isnull=True).update(archived_at=now, updated_at=now)
        vehicle.archived_at = Vehicle.objects.values_list("archived_at", flat=True).get(pk=vehicle.pk)
    return vehicle


def vehicle_restore(*, actor: Any, vehicle: Vehicle) -> Vehicle:
    """An archived vehicle back in the booking choices (the client bought it back, or it was archived by mistake)."""
    require(can_edit_vehicle(actor, vehicle))
    with transaction.atomic():
        Vehicle.objects.filter(pk=vehicle.pk).update(archived_at=None, updated_at=timezone.now())
    vehicle.archived_at = None
    return vehicle


def vehicle_mileage_record(
    *,
    vehicle: Vehicle,
    mileage: int,
    source: str = MileageSource.MANUAL,
    reference: str = "",
    recorded_by: User | None = None,
    recorded_at: Any = None,
) -> VehicleMileage:
    """Add an odometer reading to the vehicle's history; the vehicle's own `mileage` follows the highest reading.

    The caller has authorized (a work order's intake, the vehicle's page). A reading lower than an earlier one is
    kept as it was given (an odometer swap, a typo to correct later) and does not lower the vehicle's mileage.
    """
    if not _is_int(mileage) or not 0 <= mileage <= MAX_MILEAGE:
        raise ApplicationError.invalid("mileage", _("Enter the kilometres as a whole number of zero or more."))
    with transaction.atomic():
        reading = VehicleMileage.objects.create(
            vehicle=vehicle,
            mileage=mileage,
            recorded_at=recorded_at or timezone.now(),
            source=source,
            reference=reference[:40],
            recorded_by=recorded_by,
        )
        updated = (
            Vehicle.objects.filter(pk=vehicle.pk)
            .filter(Q(mileage__isnull=True) | Q(mileage__lt=mileage))
            .update(mileage=mileage, updated_at=timezone.now())
        )
        if updated:
            vehicle.mileage = mileage
    return reading


# --- Which locations serve a client ------------------------------------------------
#
# Staff see a client (profile, vehicles, history) only where the client is served: `ClientLocation` rows,
# written here by whatever serves them, inside the caller's transaction, idempotently.


def client_link_location(*, client: User, location: Location, source: str) -> None:
    """`location` serves `client` from now on; a link that exists already stays as it was (one INSERT either way).

    `ignore_conflicts` makes it race-free without a savepoint: two bookings linking the same pair at once
    both succeed and leave one row (customers_clientlocation_unique).
    """
    if client.role != Role.CLIENT:
        return
    with transaction.atomic(savepoint=False):
        ClientLocation.objects.bulk_create(
            [ClientLocation(client=client, location=location, source=source)], ignore_conflicts=True
        )


def client_create_at_desk(
    *, actor: User, location: Location, first_name: str, last_name: str = "", phone: str = "", email: str = ""
) -> User:
    """A phone or walk-in client created by the desk of `location`, which then serves them."""
    from autoagenda.accounts import services as account_services

    # The desk of a location its actor works at (what booking there takes, for staff).
    require(is_staff_member(actor) and can_work_at(actor, location))
    with transaction.atomic():
        client = account_services.client_create_at_desk(
            actor=actor,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            email=email,
            region=location.country,  # a number typed the local way is read as the desk's country's
        )
        client_link_location(client=client, location=location, source=ClientLinkSource.DESK_CREATED)
    return client


def client_link_found_at_desk(*, actor: User, location: Location, client_id: Any, identifier: str) -> User:
    """The desk books for a client of another location it found by an exact identifier: now it serves them too.

    The identifier is checked again here, so a crafted request cannot link a client by id alone; a client
    it does not name is refused exactly like an unknown one.
    """
    require(is_staff_member(actor) and can_work_at(actor, location))
    with transaction.atomic():
        client = get_visible_or_404(clients_by_exact_identifier(identifier), client_id)
        client_link_location(client=client, location=location, source=ClientLinkSource.DESK_FOUND)
    return client
