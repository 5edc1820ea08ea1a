"""Phone numbers in one shape: E.164 (`+56912345678`), so SMS and WhatsApp gateways take them as stored.

People type numbers the way their country writes them (`9 1234 5678`, `612 34 56 78`); the region says which
country a number without a `+` belongs to: the location's country where one is known, else
`settings.PHONE_DEFAULT_REGION`.

A number is accepted when it is *possible* (right length for its country), not only when it falls in a range
the library's metadata knows as assigned: carriers open new ranges faster than the metadata follows, and a
number nobody answers is refused by the SMS provider, which fails that one message with its reason.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings


class InvalidPhone(ValueError):
    """The text cannot be a phone number (wrong length, letters, no country)."""


def default_region() -> str:
    return str(getattr(settings, "PHONE_DEFAULT_REGION", "CL") or "CL").upper()


def to_e164(raw: str, *, region: str | None = None) -> str:
    """`raw` as E.164; "" stays "" (no phone). Raises InvalidPhone for anything that is not a valid number."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (region or default_region()).upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(text) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_e164(value: str) -> bool:
    """True for a possible number already written in E.164 (what the gateways are given)."""
    if not value or not value.startswith("+"):
        return False
    try:
        return to_e164(value) == value
    except InvalidPhone:
        return False


def for_display(value: str) -> str:
    """An E.164 number written the international way (`+56 9 1234 5678`); anything else unchanged."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
