"""Money is Decimal, quantized to its currency's decimals.

Each location has its own currency (`Location.currency`, ISO 4217, defaulting from its country); every amount is
shown, charged and rounded in the currency of the location where it is sold. `settings.CURRENCY` is only the
fallback for a country this table does not know (and for amounts that belong to no location).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# ISO 4217 minor units of the currencies our users run on.
CURRENCY_DECIMALS: dict[str, int] = {
    "ARS": 2, "BOB": 2, "BRL": 2, "CLP": 0, "COP": 2, "CRC": 2, "DOP": 2, "EUR": 2,
    "GBP": 2, "GTQ": 2, "HNL": 2, "MXN": 2, "NIO": 2, "PAB": 2, "PEN": 2, "PYG": 0,
    "USD": 2, "UYU": 2, "VES": 2,
}  # fmt: skip


# The currency a new location gets from its country (ISO 3166 → ISO 4217); others take settings.CURRENCY.
COUNTRY_CURRENCY: dict[str, str] = {
    "AR": "ARS", "BO": "BOB", "BR": "BRL", "CL": "CLP", "CO": "COP", "CR": "CRC", "DO": "DOP", "EC": "USD",
    "ES": "EUR", "FR": "EUR", "DE": "EUR", "IT": "EUR", "PT": "EUR", "GB": "GBP", "GT": "GTQ", "HN": "HNL",
    "MX": "MXN", "NI": "NIO", "PA": "PAB", "PE": "PEN", "PY": "PYG", "SV": "USD", "US": "USD", "UY": "UYU",
    "VE": "VES",
}  # fmt: skip


# The standard VAT a new location in the country proposes for its products and services (percent).
COUNTRY_TAX_RATE: dict[str, str] = {
    "AR": "21", "BO": "13", "BR": "17", "CL": "19", "CO": "19", "CR": "13", "DO": "18", "EC": "15", "ES": "21",
    "FR": "20", "DE": "19", "IT": "22", "PT": "23", "GB": "20", "GT": "12", "HN": "15", "MX": "16", "NI": "15",
    "PA": "7", "PE": "18", "PY": "10", "SV": "13", "US": "0", "UY": "22", "VE": "16",
}  # fmt: skip


def tax_rate_for_country(country: str) -> Decimal:
    return Decimal(COUNTRY_TAX_RATE.get((country or "").upper(), "0"))


def currency_for_country(country: str) -> str:
    """The default currency of a location in `country`."""
    return COUNTRY_CURRENCY.get((country or "").upper(), currency())


def currency() -> str:
    """The fallback currency (settings.CURRENCY): for a country without a known one."""
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
