"""Every write on the service catalog.

Web views and the API call these; each validates the whole request first and
changes nothing when anything is wrong, so the caller gets every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service, ServicePrice
from autoagenda.catalog.permissions import can_create_services, can_manage_service, can_offer_services_at
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location

# Plain fields a caller may set; `locations` and `mechanics` are handled apart.
SERVICE_FIELDS = (
    "name",
    "description",
    "duration_minutes",
    "buffer_minutes",
    "price",
    "tax_rate",
    "requires_mechanic",
    "repeat_months",
    "repeat_km",
    "is_active",
)
RELATION_FIELDS = ("locations", "mechanics")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def tax_rate_errors(value: Any) -> list[str]:
    """What is wrong with a tax rate: a percentage from 0 to 100 with at most 2 decimal places."""
    tax = _as_decimal(value)
    if tax is None or not Decimal(0) <= tax <= Decimal(100):
        return [_("Enter a percentage from 0 to 100.")]
    if tax.quantize(Decimal("0.01")) != tax:
        return [_("Use at most 2 decimal places.")]
    return []


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def price_errors(value: Any, currency: str) -> list[str]:
    """What is wrong with a net price in `currency` (none, negative, more decimals than it has, too large)."""
    price = _as_decimal(value)
    if price is None or price < 0:
        return [_("Enter an amount of zero or more.")]
    if money.quantize(price, currency) != price:
        return [
            _("Use at most %(places)s decimal places for %(currency)s.")
            % {"places": money.decimals(currency), "currency": currency}
        ]
    if price >= Decimal("1e10"):
        return [_("The price is too large.")]
    return []


def currency_of(locations: Iterable[Location]) -> str:
    """The currency of a price offered at these locations: the first one's (a price per location for others)."""
    ordered = sorted(locations, key=lambda loc: loc.pk or 0)
    return ordered[0].currency if ordered else money.currency()


def service_field_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem with a service's complete set of plain values, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    name = str(values.get("name") or "").strip()
    if not name:
        add("name", _("This field is required."))
    elif len(name) > 120:
        add("name", _("Use at most 120 characters."))
    for field, low, high in (("duration_minutes", 5, 1440), ("buffer_minutes", 0, 240)):
        value = values.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            add(field, _("Enter a whole number from %(min)s to %(max)s.") % {"min": low, "max": high})
    for message in price_errors(values.get("price"), str(values.get("currency") or money.currency())):
        add("price", message)
    for message in tax_rate_errors(values.get("tax_rate")):
        add("tax_rate", message)
    months = values.get("repeat_months")
    if months is not None and (not _is_int(months) or not 1 <= months <= 120):
        add("repeat_months", _("Leave empty, or enter a whole number from 1 to 120."))
    km = values.get("repeat_km")
    if km is not None and (not _is_int(km) or not 100 <= km <= 2_000_000):
        add("repeat_km", _("Leave empty, or enter a whole number of at least 100."))
    return errors


def _mechanic_errors(mechanics: Iterable[User], location_ids: set[int]) -> list[str]:
    """Each listed mechanic must be a mechanic who works at one of the service's locations."""
    chosen = {m.pk: m for m in mechanics}
    if not chosen:
        return []
    working = set(
        StaffMembership.objects.filter(
            user_id__in=chosen, location_id__in=location_ids, role=Role.MECHANIC
        ).values_list("user_id", flat=True)
    )
    return [
        _("%(name)s is not a mechanic at any of the service's locations.") % {"name": str(user)}
        for pk, user in sorted(chosen.items())
        if user.role != Role.MECHANIC or not user.is_active or pk not in working
    ]


def _normalized(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(SERVICE_FIELDS) - set(RELATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown service fields: {sorted(unknown)}")
    out = dict(fields)
    for key in ("name", "description"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    for key in ("price", "tax_rate"):
        if key in out and not isinstance(out[key], Decimal):
            converted = _as_decimal(out[key])
            out[key] = converted if converted is not None else out[key]
    return out


def _check_and_save(
    *, actor: Any, service: Service, values: dict[str, Any], locations: list[Location], mechanics: list[User]
) -> Service:
    location_ids = {loc.pk for loc in locations}
    require(can_offer_services_at(actor, location_ids))
    if locations:
        values["currency"] = currency_of(locations)
    errors = service_field_errors(values)
    if not locations:
        errors["locations"] = [_("Choose at least one location.")]
    else:
        mechanic_errors = _mechanic_errors(mechanics, location_ids)
        if mechanic_errors:
            errors["mechanics"] = mechanic_errors
    if errors:
        raise ApplicationError("invalid", _("The service was not saved."), errors=errors)
    for field, value in values.items():
        setattr(service, field, value)
    service.price = money.quantize(service.price, service.currency or None)
    with transaction.atomic():
        service.save()
        service.locations.set(locations)
        service.mechanics.set(mechanics)
    return service


def _values_of(service: Service) -> dict[str, Any]:
    return {field: getattr(service, field) for field in SERVICE_FIELDS}


def service_price_set(
    *,
    actor: Any,
    service: Service,
    location: Location,
    price: Decimal | int | str | None,
    tax_rate: Decimal | int | str | None = None,
) -> None:
    """The service's own price at `location`, in the location's currency, and the tax rate charged there (None:
    the service's); a price of None goes back to the service's price and rate.

    For a catalogue that serves locations in two currencies: the service's `price` is in its currency, every
    location in another currency is priced here.
    """
    require(can_manage_service(actor, service))
    if not service.locations.filter(pk=location.pk).exists():
        raise ApplicationError.invalid("location", _("The service is not offered at this location."))
    with transaction.atomic():
        if price is None:
            ServicePrice.objects.filter(service=service, location=location).delete()
            return
        errors = {"price": price_errors(price, location.currency)}
        if tax_rate is not None:
            errors["tax_rate"] = tax_rate_errors(tax_rate)
        rate = None if tax_rate is None else _as_decimal(tax_rate)
        errors = {field: problems for field, problems in errors.items() if problems}
        if errors:
            raise ApplicationError("invalid", _("The price was not saved."), errors=errors)
        ServicePrice.objects.update_or_create(
            service=service, location=location, defaults={"price": Decimal(str(price).strip()), "tax_rate": rate}
        )


def service_create(
    *,
    actor: Any,
    name: str,
    duration_minutes: int,
    price: Decimal | int | str,
    locations: Iterable[Location],
    mechanics: Iterable[User] = (),
    description: str = "",
    tax_rate: Decimal | int | str = Decimal("0"),
    buffer_minutes: int = 0,
    requires_mechanic: bool = True,
    repeat_months: int | None = None,
    repeat_km: int | None = None,
    is_active: bool = True,
) -> Service:
    """Admins anywhere; managers only at locations they all manage (else 403)."""
    require(can_create_services(actor))
    values = _normalized(
        {
            "name": name,
            "description": description,
            "duration_minutes": duration_minutes,
            "buffer_minutes": buffer_minutes,
            "price": price,
            "tax_rate": tax_rate,
            "requires_mechanic": requires_mechanic,
            "repeat_months": repeat_months,
            "repeat_km": repeat_km,
            "is_active": is_active,
        }
    )
    return _check_and_save(
        actor=actor, service=Service(), values=values, locations=list(locations), mechanics=list(mechanics)
    )


def service_update(*, actor: Any, service: Service, **changes: Any) -> Service:
    """Change any fields; the result must be valid as a whole and still within the actor's locations.

    The mechanics are checked again against the resulting locations, so moving a
    service away from a location whose mechanic is listed is refused, not silently
    dropped.
    """
    require(can_manage_service(actor, service))
    values = _normalized(changes)
    locations = values.pop("locations", None)
    mechanics = values.pop("mechanics", None)
    merged = {**_values_of(service), **values}
    return _check_and_save(
        actor=actor,
        service=service,
        values=merged,
        locations=list(locations) if locations is not None else list(service.locations.all()),
        mechanics=list(mechanics) if mechanics is not None else list(service.mechanics.all()),
    )
