"""Reads of staff working hours and time off that the availability engine and the calendar share."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings

from autoagenda.accounts.models import StaffMembership, User
from autoagenda.locations.models import Location
from autoagenda.scheduling.models import TimeOff, WorkingHours

WeeklyHours = dict[int, list[tuple[int, int]]]  # weekday -> [(start_minute, end_minute)], ascending


def working_hours_for(location: Location | int, user_ids: Iterable[int]) -> dict[int, WeeklyHours]:
    """Each user's weekly hours at `location`, in one query.

    A user with no rows there is absent from the answer: they work the
    location's opening hours.
    """
    location_id = location if isinstance(location, int) else location.pk
    rows = (
        WorkingHours.objects.filter(location_id=location_id, user_id__in=list(user_ids))
        .order_by("user_id", "weekday", "start_minute")
        .values_list("user_id", "weekday", "start_minute", "end_minute")
    )
    result: dict[int, WeeklyHours] = {}
    for user_id, weekday, start, end in rows:
        result.setdefault(user_id, {}).setdefault(weekday, []).append((start, end))
    return result


def time_off_between(
    user_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each user's absences overlapping [start, end), ascending, in one query. Users without any are absent."""
    rows = (
        TimeOff.objects.filter(user_id__in=list(user_ids), start__lt=end, end__gt=start)
        .order_by("user_id", "start", "end")
        .values_list("user_id", "start", "end")
    )
    result: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, off_start, off_end in rows:
        result.setdefault(user_id, []).append((off_start, off_end))
    return result


def staff_zone(user: User) -> zoneinfo.ZoneInfo:
    """The zone a staff member's times are shown in: their first location's, else the business default."""
    tz_name = (
        StaffMembership.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list("location__timezone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(tz_name or settings.DEFAULT_LOCATION_TIMEZONE)
