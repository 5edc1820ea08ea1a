"""Time helpers: minutes-of-day for wall-clock hours, zone validation."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, tzinfo
from functools import cache

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


@cache
def valid_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_hhmm(value: str) -> int:
    """'09:30' -> 570; '24:00' -> 1440 (allowed as an end of day)."""
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(value)
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def isoformat_in(moment: datetime, zone: tzinfo | None) -> str:
    """RFC 3339 for `moment` with `zone`'s offset at that instant; UTC when that offset cannot be written.

    Through UTC on purpose: `astimezone` to a datetime's own zone changes nothing, so wall-clock arithmetic that
    landed in a DST gap would otherwise keep its stale offset. RFC 3339 offsets are whole minutes: before a zone's
    first rule zoneinfo answers local mean time (Santiago's -04:42:45), and near year 1 or 9999 the conversion
    itself overflows; the same instant in UTC is always valid.
    """
    utc = moment.astimezone(UTC)
    if zone is None:
        return utc.isoformat()
    try:
        local = utc.astimezone(zone)
    except (OverflowError, ValueError):
        return utc.isoformat()
    offset = local.utcoffset()
    if offset is None or offset.total_seconds() % 60:
        return utc.isoformat()
    return local.isoformat()
