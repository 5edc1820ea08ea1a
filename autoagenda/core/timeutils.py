"""Time helpers: minutes-of-day for wall-clock hours, zone validation."""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
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


def minute_to_time(minutes: int) -> time:
    """Wall-clock time for display; 1440 shows as 00:00 of the next day."""
    return time(hour=(minutes // 60) % 24, minute=minutes % 60)
