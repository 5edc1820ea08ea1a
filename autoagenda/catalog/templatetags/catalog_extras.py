"""Template helpers for showing catalog data."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from autoagenda.core import money

register = template.Library()


@register.filter
def money_display(value: Any) -> str:
    """An amount with the business currency, grouped in the active language: `25.000 CLP`."""
    if value in (None, ""):
        return ""
    try:
        amount = money.quantize(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
    shown = number_format(amount, decimal_pos=money.decimals(), use_l10n=True, force_grouping=True)
    return f"{shown} {money.currency()}"


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
