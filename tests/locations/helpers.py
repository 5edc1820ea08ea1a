"""Shared builders for the locations tests."""

from __future__ import annotations

from typing import Any

from autoagenda.locations.models import Location

SETTINGS_FIELDS = (
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
    "min_notice_minutes",
    "booking_horizon_days",
    "cancellation_window_minutes",
    "max_appointments_per_hour",
    "max_appointments_per_day",
)


def settings_form_data(location: Location, **changes: Any) -> dict[str, Any]:
    """The settings form as a browser would post it for `location`, with `changes`."""
    data: dict[str, Any] = {}
    for field in SETTINGS_FIELDS:
        value = changes.get(field, getattr(location, field))
        data[field] = "" if value is None else value
    for flag in ("is_active", "use_public_holidays"):
        if changes.get(flag, getattr(location, flag)):
            data[flag] = "on"
    return data
