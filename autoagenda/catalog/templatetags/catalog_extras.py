"""Template helpers for showing catalog data."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from autoagenda.catalog.selectors import Price, service_price_at
from autoagenda.core import money

register = template.Library()


@register.filter
def money_display(value: Any, currency: Any = None) -> str:
    """An amount in its currency, grouped in the active language: `25.000 CLP`, `59,90 EUR`.

    `currency` is a code or anything with a `currency` (a location, a service, a product); without one the
    fallback currency of settings.CURRENCY. A `Price` carries its own.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, Price):
        value, currency = value.amount, value.currency
    code = currency if isinstance(currency, str) else getattr(currency, "currency", None)
    code = code or money.currency()
    try:
        amount = money.quantize(Decimal(str(value)), code)
    except (InvalidOperation, ValueError):
        return str(value)
    shown = number_format(amount, decimal_pos=money.decimals(code), use_l10n=True, force_grouping=True)
    return f"{shown} {code}"


@register.filter
def price_at(service: Any, location: Any) -> str:
    """The service's price at the location, in the location's currency ("—" when it has none there)."""
    if location is None:
        return money_display(service.price, service.currency or None)
    price = service_price_at(service, location)
    return money_display(price) if price is not None else "—"


@register.filter
def minutes_display(value: Any) -> str:
    """Durations as people say them: `45 min`, `1 h 30 min`, `2 h`."""
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
