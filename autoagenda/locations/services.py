"""Every write on locations, their weekly hours and their closures.

Web views, the API and commands call these functions; each validates the
whole request first and changes nothing when anything is wrong, so a form or
an API client gets every problem at once.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from datetime import date as date_type
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import holidays
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.core import bounds, money
from autoagenda.core.errors import ApplicationError
from autoagenda.core.timeutils import valid_timezones
from autoagenda.core.weekly import MINUTES_PER_DAY, Interval, is_int, weekly_plan_errors
from autoagenda.locations import events
from autoagenda.locations.models import (
    MAX_APPOINTMENTS_PER_DAY,
    MAX_APPOINTMENTS_PER_HOUR,
    MAX_DEPOSIT_AMOUNT,
    MAX_DEPOSIT_HOLD_MINUTES,
    MAX_NOTICE_MINUTES,
    MAX_REMINDER_MINUTES,
    MIN_DEPOSIT_HOLD_MINUTES,
    Closure,
    DepositMode,
    Location,
    OpeningHours,
    Sector,
)
from autoagenda.locations.permissions import can_create_locations, can_manage_location

# Fields a caller may set on a location; anything else is a programming error.
LOCATION_FIELDS = (
    "name",
    "legal_name",
    "tax_id",
    "address",
    "phone",
    "email",
    "timezone",
    "country",
    "sector",
    "slot_minutes",
    "max_appointments_per_hour",
    "max_appointments_per_day",
    "min_notice_minutes",
    "booking_horizon_days",
    "cancellation_window_minutes",
    "use_public_holidays",
    "quiet_hours_start",
    "quiet_hours_end",
    "first_reminder_minutes",
    "second_reminder_minutes",
    "currency",
    "tax_rate",
    "deposit_mode",
    "deposit_amount",
    "deposit_percent",
    "deposit_hold_minutes",
    "is_active",
)
# (min, max) of the integer settings, as API.md fixes them.
INT_RANGES: dict[str, tuple[int, int]] = {
    "slot_minutes": (5, 240),
    "booking_horizon_days": (1, 730),
    "min_notice_minutes": (0, MAX_NOTICE_MINUTES),
    "cancellation_window_minutes": (0, MAX_NOTICE_MINUTES),
    "first_reminder_minutes": (0, MAX_REMINDER_MINUTES),
    "second_reminder_minutes": (0, MAX_REMINDER_MINUTES),
    "deposit_hold_minutes": (MIN_DEPOSIT_HOLD_MINUTES, MAX_DEPOSIT_HOLD_MINUTES),
}
MAX_LENGTHS = {"name": 120, "legal_name": 200, "tax_id": 40, "address": 255, "phone": 32, "email": 254}
CAPACITY_FIELDS = {
    "max_appointments_per_hour": MAX_APPOINTMENTS_PER_HOUR,
    "max_appointments_per_day": MAX_APPOINTMENTS_PER_DAY,
}
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")

# "Has this location sold anything in its currency?" Apps above register a check (inventory: stock moves with a
# cost or price; billing: invoices); once one answers yes the currency is fixed. Locations cannot import them.
CurrencyLock = Callable[[Location], bool]
_currency_locks: list[CurrencyLock] = []


def register_currency_lock(check: CurrencyLock) -> CurrencyLock:
    """Called from a higher app's `ready()`; registering twice is once."""
    if check not in _currency_locks:
        _currency_locks.append(check)
    return check


def currency_is_fixed(location: Location) -> bool:
    return location.pk is not None and any(check(location) for check in _currency_locks)


@cache
def holiday_countries() -> frozenset[str]:
    """Two-letter codes the `holidays` package knows (it also lists three-letter aliases)."""
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


def location_field_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every problem with a location's complete set of values, by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not str(values.get("name") or "").strip():
        add("name", _("This field is required."))
    for field, limit in MAX_LENGTHS.items():
        if len(str(values.get(field) or "")) > limit:
            add(field, _("Use at most %(max)s characters.") % {"max": limit})
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            add("email", _("Enter a valid email address."))
    if values.get("timezone") not in valid_timezones():
        add("timezone", _("Unknown time zone. Use an IANA name such as America/Santiago."))
    country = values.get("country")
    if not isinstance(country, str) or not _COUNTRY_CODE.match(country):
        add("country", _("Enter a two-letter country code such as CL or ES."))
    elif values.get("use_public_holidays") and country not in holiday_countries():
        add("country", _("Public holidays are not available for this country; turn them off or pick another."))
    currency = values.get("currency")
    if currency and currency not in money.CURRENCY_DECIMALS:
        add(
            "currency",
            _("Unknown currency. Use one of: %(codes)s.") % {"codes": ", ".join(sorted(money.CURRENCY_DECIMALS))},
        )
    tax_rate = values.get("tax_rate")
    if tax_rate is not None and not (
        isinstance(tax_rate, Decimal) and 0 <= tax_rate <= 100 and tax_rate.quantize(Decimal("0.01")) == tax_rate
    ):
        add("tax_rate", _("Enter a percentage from 0 to 100 with at most 2 decimal places."))
    _deposit_errors(values, add)
    if values.get("sector") not in Sector.values:
        add("sector", _("Choose automotive or general."))
    for field, (low, high) in INT_RANGES.items():
        value = values.get(field)
        if not is_int(value) or not low <= value <= high:
            add(field, _("Enter a whole number from %(min)s to %(max)s.") % {"min": low, "max": high})
    for field in ("quiet_hours_start", "quiet_hours_end"):
        value = values.get(field)
        if not is_int(value) or not 0 <= value < MINUTES_PER_DAY:
            add(field, _("Enter a time of day from 00:00 to 23:59."))
    for field, most in CAPACITY_FIELDS.items():
        value = values.get(field)
        if value is not None and (not is_int(value) or not 1 <= value <= most):
            add(field, _("Leave empty for no limit, or enter a whole number from 1 to %(max)s.") % {"max": most})
    notice, horizon = values.get("min_notice_minutes"), values.get("booking_horizon_days")
    if (
        "min_notice_minutes" not in errors
        and "booking_horizon_days" not in errors
        and notice > horizon * MINUTES_PER_DAY  # type: ignore[operator]
    ):
        add("min_notice_minutes", _("The minimum notice cannot be longer than the booking horizon."))
    return errors


def _deposit_errors(values: Mapping[str, Any], add: Callable[[str, str], None]) -> None:
    """The deposit rule: a fixed amount in the currency's decimals, or a whole percent from 1 to 100."""
    mode = values.get("deposit_mode")
    if mode not in DepositMode.values:
        add("deposit_mode", _("Choose none, fixed or percent."))
        return
    amount, percent = values.get("deposit_amount"), values.get("deposit_percent")
    if mode == DepositMode.FIXED:
        currency = values.get("currency") or money.currency_for_country(str(values.get("country") or ""))
        if not isinstance(amount, Decimal) or not amount.is_finite() or not 0 < amount <= MAX_DEPOSIT_AMOUNT:
            add("deposit_amount", _("Enter the deposit, an amount greater than 0."))
        elif amount != money.quantize(amount, currency):
            add(
                "deposit_amount",
                _("Use at most %(decimals)s decimal places for %(currency)s.")
                % {"decimals": money.decimals(currency), "currency": currency},
            )
    if mode == DepositMode.PERCENT and (not is_int(percent) or not 1 <= percent <= 100):
        add("deposit_percent", _("Enter a whole percentage from 1 to 100."))


def _normalized(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown location fields: {sorted(unknown)}")
    out = dict(fields)
    for key in ("name", "address", "phone", "email"):
        if key in out and isinstance(out[key], str):
            out[key] = out[key].strip()
    if isinstance(out.get("country"), str):
        out["country"] = out["country"].strip().upper()
    if isinstance(out.get("timezone"), str):
        out["timezone"] = out["timezone"].strip()
    if isinstance(out.get("currency"), str):
        out["currency"] = out["currency"].strip().upper()
    if isinstance(out.get("tax_rate"), int | float | str) and not isinstance(out.get("tax_rate"), bool):
        with contextlib.suppress(InvalidOperation):
            out["tax_rate"] = Decimal(str(out["tax_rate"]))
    if isinstance(out.get("deposit_amount"), int | float | str) and not isinstance(out.get("deposit_amount"), bool):
        with contextlib.suppress(InvalidOperation):
            out["deposit_amount"] = Decimal(str(out["deposit_amount"]))
    # The amount and the percent belong to their mode: switching modes clears the other one.
    mode = out.get("deposit_mode")
    if mode == DepositMode.NONE:
        out["deposit_amount"], out["deposit_percent"] = None, None
    elif mode == DepositMode.FIXED:
        out["deposit_percent"] = None
    elif mode == DepositMode.PERCENT:
        out["deposit_amount"] = None
    return out


def _current_values(location: Location) -> dict[str, Any]:
    return {field: getattr(location, field) for field in LOCATION_FIELDS}


def location_create(*, actor: Any, **fields: Any) -> Location:
    """Admins open a new location; unset fields take the model's defaults."""
    require(can_create_locations(actor))
    values = _normalized(fields)
    location = Location(**values)
    errors = location_field_errors(_current_values(location))
    if errors:
        raise ApplicationError("invalid", _("The location could not be saved."), errors=errors)
    with transaction.atomic():
        location.save()
    return location


def location_update(*, actor: Any, location: Location, **fields: Any) -> Location:
    """Admins and the location's managers change its settings; the result must be valid as a whole."""
    require(can_manage_location(actor, location))
    values = _normalized(fields)
    if values.get("currency") == "":
        values["currency"] = money.currency_for_country(values.get("country", location.country))
    merged = {**_current_values(location), **values}
    errors = location_field_errors(merged)
    if "currency" in values and values["currency"] != location.currency and currency_is_fixed(location):
        errors.setdefault("currency", []).append(_("The location has already sold in its currency; it is fixed."))
    if errors:
        raise ApplicationError("invalid", _("The location could not be saved."), errors=errors)
    with transaction.atomic():
        for field, value in values.items():
            setattr(location, field, value)
        location.save(update_fields=[*values.keys(), "updated_at"] if values else None)
    return location


# --- Weekly opening hours -------------------------------------------------


def opening_hours_errors(intervals: Sequence[Interval]) -> dict[str, list[str]]:
    """Problems with a weekly opening plan, keyed `<index>.<field>` by position."""
    return weekly_plan_errors(intervals)


def opening_hours_replace(*, actor: Any, location: Location, intervals: Iterable[Interval]) -> list[OpeningHours]:
    """Replace the whole weekly plan at once: either every interval is stored or none is."""
    require(can_manage_location(actor, location))
    plan = [tuple(item) for item in intervals]
    errors = opening_hours_errors(plan)  # type: ignore[arg-type]
    if errors:
        raise ApplicationError("invalid", _("The opening hours were not saved."), errors=errors)
    rows = [
        OpeningHours(location=location, weekday=weekday, start_minute=start, end_minute=end)
        for weekday, start, end in sorted(plan)
    ]
    with transaction.atomic():
        OpeningHours.objects.filter(location=location).delete()
        OpeningHours.objects.bulk_create(rows)
        # bulk_create sends no signals: tell the apps that cache what depends on opening hours.
        events.availability_inputs_changed.send(events.AvailabilityInputsChanged(location_id=location.pk))
    return rows


# --- Closures -------------------------------------------------------------


def local_day_span(location: Location, day: date_type) -> tuple[datetime, datetime]:
    """The real instants (UTC) a local date begins and ends at.

    A local midnight that does not exist (Santiago jumps from 00:00 to 01:00 on
    its spring-forward day) resolves, with fold=0, to the first instant after
    the gap; a repeated one to its first occurrence. So a day lasts 23, 24 or
    25 hours, exactly as the clocks on the wall say.
    """
    zone = location.zone
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def closure_add(
    *,
    actor: Any,
    location: Location,
    date: date_type | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    reason: str = "",
) -> Closure:
    """Close a whole local day (`date`) or a span of time (`start`, `end` with offsets)."""
    require(can_manage_location(actor, location))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if len(reason) > 200:
        errors["reason"] = [_("Use at most 200 characters.")]
    if date is not None:
        if start is not None or end is not None:
            errors["date"] = [_("Give either a date or a start and an end, not both.")]
        elif not bounds.date_in_bounds(date):
            errors["date"] = [str(bounds.DATE_MESSAGE)]
        else:
            start, end = local_day_span(location, date)
            if Closure.objects.filter(location=location, date=date).exists():
                errors["date"] = [_("This day is already closed.")]
    else:
        if start is None:
            errors["start"] = [_("Give a date for a whole day, or a start and an end.")]
        elif start.tzinfo is None or start.utcoffset() is None:
            errors["start"] = [_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00.")]
        if end is None:
            errors["end"] = [_("Give a date for a whole day, or a start and an end.")]
        elif end.tzinfo is None or end.utcoffset() is None:
            errors["end"] = [_("Include the UTC offset, e.g. 2026-12-01T18:00:00-03:00.")]
        if start is not None and end is not None and "start" not in errors and "end" not in errors:
            errors.update(bounds.span_errors(start, end))
    if errors:
        raise ApplicationError("invalid", _("The closure was not saved."), errors=errors)
    assert start is not None
    assert end is not None
    with transaction.atomic():
        return Closure.objects.create(
            location=location, start=start.astimezone(UTC), end=end.astimezone(UTC), date=date, reason=reason
        )


def closure_delete(*, actor: Any, closure: Closure) -> None:
    require(can_manage_location(actor, closure.location))
    with transaction.atomic():
        closure.delete()
