"""Units as the active language writes them: `{{ vehicle.mileage|km }}` is `45.000 km` in Spanish and
`45,000 km` in English (thousands always grouped; a no-break space before the unit, so it never wraps alone)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def grouped(value: Any) -> str:
    """A whole number with the active language's thousands separator (forced: even below 10,000)."""
    return number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def km(value: Any) -> str:
    """`45.000 km`; empty or not a number: `—`."""
    if value in (None, ""):
        return "—"
    try:
        return f"{grouped(value)}\u00a0km"
    except (TypeError, ValueError):
        return "—"
