"""Money is Decimal, quantized to the business currency's decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# ISO 4217 minor units of the currencies our users run on.
CURRENCY_DECIMALS: dict[str, int] = {
    "ARS": 2, "BOB": 2, "BRL": 2, "CLP": 0, "COP": 2, "CRC": 2, "DOP": 2, "EUR": 2,
    "GBP": 2, "GTQ": 2, "HNL": 2, "MXN": 2, "NIO": 2, "PAB": 2, "PEN": 2, "PYG": 0,
    "USD": 2, "UYU": 2, "VES": 2,
}  # fmt: skip


def currency() -> str:
    return str(settings.CURRENCY)


def decimals(code: str | None = None) -> int:
    return CURRENCY_DECIMALS.get(code or currency(), 2)


def quantize(amount: Decimal | int | str, code: str | None = None) -> Decimal:
    """Round to the currency's minor unit (CLP: whole pesos; EUR: cents)."""
    exponent = Decimal(1).scaleb(-decimals(code))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal | int | str, code: str | None = None) -> str:
    """The API's money string: `"12500"` for CLP, `"49.90"` for EUR."""
    return str(quantize(amount, code))
