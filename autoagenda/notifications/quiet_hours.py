"""Quiet hours: an SMS or WhatsApp due overnight waits until the location's morning.

Computed on the local wall clock of the location (America/Santiago, Europe/Madrid…), so a DST change between
now and the morning is honoured: 08:00 stays 08:00 on the clock whether the night lasted 10 or 11 hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from autoagenda.locations.models import DEFAULT_QUIET_HOURS_END, DEFAULT_QUIET_HOURS_START, Location


def _minutes(local: datetime) -> float:
    return local.hour * 60 + local.minute + local.second / 60 + local.microsecond / 60_000_000


def is_quiet(when: datetime, *, zone: ZoneInfo, start: int, end: int) -> bool:
    """Whether `when` falls in [start, end) on the local clock (a window may cross midnight)."""
    if start == end:
        return False
    minute = _minutes(when.astimezone(zone))
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def hold_back(when: datetime, *, zone: ZoneInfo, start: int, end: int) -> datetime:
    """`when` itself outside the quiet hours; inside them, the next local `end` (in UTC)."""
    if not is_quiet(when, zone=zone, start=start, end=end):
        return when
    local = when.astimezone(zone)
    day = local.date()
    if start > end and _minutes(local) >= start:
        day += timedelta(days=1)  # the evening part of a window that ends tomorrow morning
    wall = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    # A wall time inside a DST gap (it does not exist) maps to the first instant after the gap.
    return wall.astimezone(UTC)


def hold_back_for(when: datetime, location: Location | None) -> datetime:
    """`hold_back` with the location's zone and hours; without a location, the defaults in the default zone."""
    if location is None:
        zone = ZoneInfo(settings.DEFAULT_LOCATION_TIMEZONE)
        return hold_back(when, zone=zone, start=DEFAULT_QUIET_HOURS_START, end=DEFAULT_QUIET_HOURS_END)
    return hold_back(when, zone=location.zone, start=location.quiet_hours_start, end=location.quiet_hours_end)
