"""The one rounding rule of invoices: **per line, half-up**, to the currency's decimals (CLP 0, EUR and USD 2).

    net   = round_half_up(quantity × unit price)
    tax   = round_half_up(net × tax rate / 100)
    total = net + tax                                   (per line)
    subtotal = Σ net;  tax per rate = Σ tax of the lines at that rate;  tax = Σ tax;  total = subtotal + tax

Summing rounded lines (rather than rounding the sums) is what a client can check with a pencil on the printed
invoice: every figure on it is the sum of the figures above it. Pure functions, no ORM (the property tests
exercise them directly).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from autoagenda.core import money

ZERO = Decimal(0)
HUNDRED = Decimal(100)
UNPAID, PARTIAL, PAID = "unpaid", "partial", "paid"  # models.PaymentStatus


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class TaxBand:
    rate: Decimal
    base: Decimal  # the nets at this rate
    tax: Decimal


@dataclass(frozen=True)
class DocumentAmounts:
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    bands: tuple[TaxBand, ...]  # ascending by rate


def line_amounts(quantity: Decimal, unit_price: Decimal, tax_rate: Decimal, currency: str) -> LineAmounts:
    net = money.quantize(quantity * unit_price, currency)
    tax = money.quantize(net * tax_rate / HUNDRED, currency)
    return LineAmounts(net=net, tax=tax, total=net + tax)


def document_amounts(lines: Iterable[tuple[Decimal, Decimal, Decimal]]) -> DocumentAmounts:
    """`lines` are (tax rate, net, tax) of already rounded lines."""
    bases: dict[Decimal, Decimal] = {}
    taxes: dict[Decimal, Decimal] = {}
    for rate, net, tax in lines:
        key = rate.normalize() if rate else ZERO
        bases[key] = bases.get(key, ZERO) + net
        taxes[key] = taxes.get(key, ZERO) + tax
    subtotal = sum(bases.values(), ZERO)
    tax_total = sum(taxes.values(), ZERO)
    bands = tuple(TaxBand(rate=rate, base=bases[rate], tax=taxes[rate]) for rate in sorted(bases))
    return DocumentAmounts(subtotal=subtotal, tax=tax_total, total=subtotal + tax_total, bands=bands)


def payment_status(*, paid: Decimal, total: Decimal) -> str:
    """unpaid (nothing yet), partial (some), paid (all; a zero invoice is paid)."""
    if paid >= total:
        return PAID
    return PARTIAL if paid > 0 else UNPAID
