"""DRF fields every app's API uses for dates, timestamps, ids and counts, all within `core.bounds`.

A serializer that takes a date, a timestamp or an integer uses one of these (or gives `min_value`/`max_value`
itself); tests/api_platform/test_field_bounds.py walks every serializer and fails on a field without bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from autoagenda.core import bounds, money
from autoagenda.core.timeutils import isoformat_in


class BoundedDateField(serializers.DateField):
    """`YYYY-MM-DD` from 2000-01-01 to 2100-12-31."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", ()), bounds.validate_date]
        super().__init__(**kwargs)


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset in (years 2000–2100), RFC 3339 with the zone's own offset out.

    The zone for answers comes from the serializer's context: `zone`, or the `location`'s zone.
    """

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "naive": _("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", ()), bounds.validate_moment]
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well-formed but impossible: 2026-02-30, 12:99
                self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]]±hh:mm")
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        return super().to_internal_value(value)

    def to_representation(self, value: datetime) -> str:
        zone = self.context.get("zone")
        location = self.context.get("location")
        if zone is None and location is not None:
            zone = location.zone
        return isoformat_in(value, zone or timezone.get_current_timezone())


class IdField(serializers.IntegerField):
    """An object's id: a positive 64-bit integer (larger cannot exist, and SQLite's driver would overflow)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", bounds.ID_MAX)
        super().__init__(**kwargs)


class MoneyField(serializers.DecimalField):
    """Money in and out: accepts a string or a number, answers the currency's string (`"25000"` CLP, `"49.90"` EUR).

    `currency` says whose currency an amount is in when it is rendered: an attribute name of the object being
    serialized (`"currency"`, `"location.currency"`) or a callable taking it. Input is only bounded here (12
    digits, 2 places); the service checks the decimals of the currency it is charged in.
    """

    def __init__(self, *, currency: str | Callable[[Any], str | None] | None = "currency", **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        self.currency_source = currency
        super().__init__(**kwargs)

    def _currency_of(self, instance: Any) -> str | None:
        source = self.currency_source
        if source is None:
            return None
        if callable(source):
            return source(instance)
        value: Any = instance
        for part in source.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if value is None:
                return None
        return str(value) or None

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        return None if value is None else (value, self._currency_of(instance))

    def to_representation(self, value: Any) -> str:
        amount, code = value if isinstance(value, tuple) else (value, None)
        return money.format_amount(amount, code)


class LocationPriceSerializer(serializers.Serializer[Any]):
    """An item's own price at one location, in that location's currency (a catalogue in two currencies:
    `catalog.ServicePrice`, `inventory.ProductPrice`)."""

    location = serializers.IntegerField(source="location_id", read_only=True)
    currency = serializers.CharField(source="location.currency", read_only=True)
    price = MoneyField(currency="location.currency", read_only=True)
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="The tax rate (%) charged there; null: the item's own.",
    )
