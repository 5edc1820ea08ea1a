"""One set of bounds for every date, timestamp, integer and id the API and the forms accept.

Why bounds at all: Python's dates stop at years 1 and 9999, so a value near either edge is stored and then breaks
whatever adds a day to it or shows it in a zone east or west of UTC (an OverflowError, a 500, on every page that
lists it). Before a zone's first rule zoneinfo answers local mean time, offsets such as -04:42:45 that RFC 3339
cannot write. And the databases stop at 32-bit (`integer`) and 64-bit (`bigint`) integers: PostgreSQL refuses a
larger value, SQLite's driver raises OverflowError. No workshop books in 1990 or in 2150, so every date and
timestamp is kept to the years 2000–2100, every integer to PostgreSQL's `integer`, every id to `bigint`; a value
outside is a validation error on its field (400 `invalid` in the API, a form error in the pages), never a 500.

Closures and time off span at most `MAX_SPAN` (three leap years: a long refurbishment or a sabbatical fits, a
"closed forever" typo does not).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Timestamps: UTC instants from the first moment of 2000 to the last of 2100.
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2101, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)
# Stored instants may be a day wider: a whole local day on 2100-12-31 in America/Santiago ends at 2101-01-01 03:00
# UTC. Still far from datetime's edges, so any of them can be shown in any zone.
STORED_EARLIEST = EARLIEST_MOMENT - timedelta(days=1)
STORED_LATEST = LATEST_MOMENT + timedelta(days=1)

MAX_SPAN = timedelta(days=3 * 366)
MAX_SPAN_DAYS = MAX_SPAN.days

# PostgreSQL's `integer` (Django's IntegerField everywhere) and `bigint` (ids: BigAutoField).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
ID_MAX = 2**63 - 1

DATE_MESSAGE = _("Enter a date between 2000-01-01 and 2100-12-31.")
MOMENT_MESSAGE = _("Enter a time between 2000-01-01 and 2100-12-31.")
ID_MESSAGE = _("Enter a valid id.")


def date_in_bounds(value: date) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def moment_in_bounds(value: datetime) -> bool:
    """An aware instant within 2000–2100 UTC (a naive one is never in bounds: which zone would it be?)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return False
    return EARLIEST_MOMENT <= value <= LATEST_MOMENT


def span_in_bounds(start: datetime, end: datetime) -> bool:
    return end - start <= MAX_SPAN


def span_message() -> str:
    return str(_("A span can last at most %(days)s days.") % {"days": MAX_SPAN_DAYS})


def span_errors(start: datetime, end: datetime) -> dict[str, list[str]]:
    """What is wrong with an aware [start, end) of a closure or time off, by field; empty when nothing is.

    The services' last word, whatever called them (API, pages, commands): nothing outside is ever stored.
    """
    errors: dict[str, list[str]] = {}
    for field, value in (("start", start), ("end", end)):
        if not moment_in_bounds(value):
            errors[field] = [str(MOMENT_MESSAGE)]
    if errors:
        return errors
    if end <= start:
        errors["end"] = [str(_("The end must be after the start."))]
    elif not span_in_bounds(start, end):
        errors["end"] = [span_message()]
    return errors


def validate_date(value: date) -> None:
    """A Django validator: forms and DRF serializers both run it."""
    if not date_in_bounds(value):
        raise ValidationError(DATE_MESSAGE, code="date_out_of_range")


def validate_moment(value: datetime) -> None:
    if value.tzinfo is not None and not moment_in_bounds(value):
        raise ValidationError(MOMENT_MESSAGE, code="moment_out_of_range")


def parse_id(raw: Any) -> int | None:
    """A positive 64-bit id from a query string or a path, or None (an id that cannot exist: answer 400 or 404)."""
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None
