"""VIN checks and decoding, offline, with vininfo.

Only North-American VINs (first character 1–5) are required to carry the SAE
check digit in position 9; elsewhere the position is free, so a checksum
"failure" on a European or Asian VIN means nothing and is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from vininfo import Vin
from vininfo.exceptions import VininfoException

from autoagenda.core.errors import ApplicationError

_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_SEPARATORS = re.compile(r"[\s\-.]+")
NORTH_AMERICA = frozenset("12345")


@dataclass(frozen=True)
class VinInfo:
    vin: str
    manufacturer: str
    country: str
    years: list[int] = field(default_factory=list)


def normalize_vin(raw: str | None) -> str:
    return _SEPARATORS.sub("", raw or "").upper()


def vin_problem(vin: str) -> str | None:
    """Why `vin` (normalised) is not a valid VIN, or None."""
    if len(vin) != 17:
        return _("A VIN has exactly 17 characters (%(count)s given).") % {"count": len(vin)}
    if not _VIN_CHARS.match(vin):
        return _("A VIN uses only letters and digits, and never the letters I, O or Q.")
    if vin[0] in NORTH_AMERICA:
        try:
            if not Vin(vin).verify_checksum():
                return _("The VIN's check digit (9th character) does not match: check it for a typo.")
        except (VininfoException, ValueError, KeyError):
            return _("The VIN's check digit (9th character) does not match: check it for a typo.")
    return None


def decode_vin(raw: str | None) -> VinInfo:
    """Validate and decode; 400 `invalid` on `vin` with a clear message when it is not a VIN."""
    vin = normalize_vin(raw)
    problem = vin_problem(vin)
    if problem:
        raise ApplicationError.invalid("vin", problem)
    try:
        decoded = Vin(vin)
        manufacturer = decoded.manufacturer or ""
        country = decoded.country or ""
        years = sorted({int(y) for y in decoded.years or []}, reverse=True)
    except (VininfoException, ValueError, KeyError, TypeError, AttributeError):
        manufacturer, country, years = "", "", []
    if manufacturer == "UnsupportedBrand":  # vininfo's name for a maker it does not know
        manufacturer = ""
    return VinInfo(vin=vin, manufacturer=str(manufacturer)[:120], country=str(country)[:60], years=years)
