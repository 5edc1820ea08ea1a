"""Reads of staff working hours and time off that the availability engine and the calendar share."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection

from autoagenda.accounts.models import StaffMembership, User
from autoagenda.core.db import span_rows
from autoagenda.locations.models import Location
from autoagenda.scheduling.models import TimeOff, WorkingHours

WeeklyHours = dict[int, list[tuple[int, int]]]  # weekday -> [(start_minute, end_minute)], ascending


def working_hours_for(location: Location | int, user_ids: Iterable[int]) -> dict[int, WeeklyHours]:
    """Each user's weekly hours at `location`, in one query.

    A user with no rows there is absent from the answer: they work the
    location's opening hours.
    """
    location_id = location if isinstance(location, int) else location.pk
    ids = list(user_ids)
    if not ids:
        return {}
    # Plain SQL (every cold availability answer reads this): the ORM built and compiled the same query each time.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("user_id", "weekday", "start_minute", "end_minute"))
    sql = (
        f"SELECT {columns} FROM {quote(WorkingHours._meta.db_table)} WHERE {quote('location_id')} = %s "  # noqa: S608
        f"AND {quote('user_id')} IN ({', '.join(['%s'] * len(ids))}) "
        f"ORDER BY {quote('user_id')}, {quote('weekday')}, {quote('start_minute')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [location_id, *ids])
        rows = cursor.fetchall()
    result: dict[int, WeeklyHours] = {}
    for user_id, weekday, start, end in rows:
        result.setdefault(user_id, {}).setdefault(weekday, []).append((start, end))
    return result


def time_off_between(
    user_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each user's absences overlapping [start, end), ascending, in one query. Users without any are absent."""
    ids = list(user_ids)
    if not ids:
        return {}
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"SELECT {quote('user_id')}, {quote('start')}, {quote('end')} FROM {quote(TimeOff._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('user_id')} IN ({', '.join(['%s'] * len(ids))}) AND {quote('start')} < %s "
        f"AND {quote('end')} > %s ORDER BY {quote('user_id')}, {quote('start')}, {quote('end')}"
    )
    rows = span_rows(sql, [*ids, adapt(end), adapt(start)])  # plain SQL: every cold availability answer reads this
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
