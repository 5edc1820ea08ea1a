"""The arithmetic of a work order's lines: net per line (rounded to the currency), tax per line, sums.

Pure functions on anything with `net` and `tax`-producing fields, so the estimate, the pages, the API and later the
invoice add up the same way (API.md: prices are net; tax is added per line from its tax rate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from autoagenda.core import money

ZERO = Decimal(0)


@dataclass(frozen=True)
class Totals:
    labor: Decimal  # net
    parts: Decimal  # net
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money.quantize(quantity * unit_price)


def line_tax(net: Decimal, tax_rate: Decimal) -> Decimal:
    return money.quantize(net * tax_rate / Decimal(100))


def totals_of(labor: Iterable[tuple[Decimal, Decimal]], parts: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """`labor` and `parts` are (net, tax) pairs per line."""
    labor_pairs, part_pairs = list(labor), list(parts)
    labor_net = sum((n for n, _t in labor_pairs), ZERO)
    parts_net = sum((n for n, _t in part_pairs), ZERO)
    tax = sum((t for _n, t in labor_pairs + part_pairs), ZERO)
    subtotal = labor_net + parts_net
    return Totals(
        labor=money.quantize(labor_net),
        parts=money.quantize(parts_net),
        subtotal=money.quantize(subtotal),
        tax=money.quantize(tax),
        total=money.quantize(subtotal + tax),
    )


def hours_between(start: datetime, stop: datetime) -> Decimal:
    """Clocked time in hours, two decimals (a running clock counts up to `stop`, usually now)."""
    seconds = Decimal(max((stop - start) // timedelta(seconds=1), 0))
    return (seconds / Decimal(3600)).quantize(Decimal("0.01"))
