"""Filters of the work-order pages: money in a given currency, hours, people's names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from autoagenda.core import money as money_lib

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """`12.500 CLP`, `49,90 EUR`: the currency's decimals, grouped in the active language."""
    if value in (None, ""):
        return "—"
    code = currency or money_lib.currency()
    try:
        amount = money_lib.quantize(Decimal(str(value)), code)
    except (InvalidOperation, ValueError):
        return str(value)
    shown = number_format(amount, decimal_pos=money_lib.decimals(code), use_l10n=True, force_grouping=True)
    return f"{shown} {code}"


@register.filter
def hours(value: Any) -> str:
    """`1,50 h`."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return "—"
    return f"{number_format(amount, decimal_pos=2, use_l10n=True)} h"


@register.filter
def person(user: Any) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.email)


@register.filter
def number(value: Any) -> str:
    """A quantity without trailing zeros (`2`, `1,5`)."""
    try:
        amount = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    return number_format(amount, use_l10n=True)


@register.filter
def wo_status(value: Any) -> str:
    from autoagenda.workorders.models import WorkOrderStatus

    try:
        return str(WorkOrderStatus(value).label)
    except ValueError:
        return str(value)


@register.filter
def ticket_action(value: Any) -> str:
    from autoagenda.walkins.models import TicketAction

    try:
        return str(TicketAction(value).label)
    except ValueError:
        return str(value)


@register.filter
def nobreak(value: Any) -> str:
    """`OT‑2026‑00042` with non-breaking hyphens, so a narrow screen never splits the number."""
    return str(value).replace("-", "\u2011")
