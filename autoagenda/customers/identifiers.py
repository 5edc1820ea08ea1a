"""How a client is recognised exactly: a full email, a full phone number in E.164, or a vehicle's exact plate.

Partial matches (a name, part of a phone) only search the clients the searcher already sees; an exact
identifier is what someone who really knows the client can give, so it may find them at another location.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PLATE_SEPARATORS = re.compile(r"[\s.\-·]+")
_PLATE = re.compile(r"^[A-Z0-9]{2,12}$")
# What people type between the digits of a phone number; stripped on both sides of a comparison.
PHONE_SEPARATORS = (" ", "-", ".", "(", ")", "/", "\u00a0")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def normalize_plate(raw: str | None) -> str:
    """`ab-cd 12` and `AB.CD.12` are the same plate: `ABCD12`."""
    return _PLATE_SEPARATORS.sub("", raw or "").upper()


def is_plate(normalized: str) -> bool:
    return bool(_PLATE.match(normalized))


def strip_phone(raw: str | None) -> str:
    value = (raw or "").strip()
    for separator in PHONE_SEPARATORS:
        value = value.replace(separator, "")
    return value


def normalize_phone(raw: str | None) -> str:
    """The number in E.164 (`+56 9 1234-5678` → `+56912345678`, `0034…` → `+34…`); "" when it is not one."""
    value = strip_phone(raw)
    if value.startswith("00"):
        value = "+" + value[2:]
    return value if _E164.match(value) else ""


def normalize_email(raw: str | None) -> str:
    """The whole address, lowercased (emails are stored lowercased); "" when it is not a whole address."""
    value = (raw or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value
