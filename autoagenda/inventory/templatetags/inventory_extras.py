"""Template helpers for stock: quantities as their unit counts them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from autoagenda.inventory.models import UNIT_DECIMALS

register = template.Library()


@register.filter
def quantity(value: Any, unit: str = "unit") -> str:
    """`3` filters, `4,5` litres (grouped in the active language; trailing zeros of litres and metres dropped)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    places = UNIT_DECIMALS.get(unit, 3)
    amount = amount.quantize(Decimal(1).scaleb(-places))
    if places:
        amount = amount.normalize() if amount != amount.to_integral_value() else amount.quantize(Decimal(1))
        places = max(0, -amount.as_tuple().exponent)  # type: ignore[operator]
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
