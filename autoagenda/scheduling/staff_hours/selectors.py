"""Reads of the staff hours and time-off pages and API: who works where, when, and who is away."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from autoagenda.accounts.models import StaffMembership, User
from autoagenda.core.timeutils import format_hhmm
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_managed_by, locations_staffed_by
from autoagenda.scheduling.models import TimeOff, WorkingHours
from autoagenda.scheduling.selectors.hours import WeeklyHours


def working_hours_visible(actor: object, user: User, *, location_id: int | None = None) -> QuerySet[WorkingHours]:
    """`user`'s hours at the locations `actor` may see (their own hours everywhere)."""
    qs = WorkingHours.objects.filter(user=user)
    if getattr(actor, "pk", None) != user.pk:
        qs = qs.filter(location__in=locations_staffed_by(actor))
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    return qs.order_by("location_id", "weekday", "start_minute")


def time_off_for(user: User) -> QuerySet[TimeOff]:
    return TimeOff.objects.filter(user=user).order_by("start", "id")


def time_off_upcoming(user: User, now: datetime) -> list[TimeOff]:
    return list(time_off_for(user).filter(end__gt=now))


def time_off_past(user: User, now: datetime, *, limit: int = 10) -> list[TimeOff]:
    """The latest absences that are over, newest first."""
    return list(time_off_for(user).filter(end__lte=now).order_by("-start")[:limit])


def weekly_plan(rows: Iterable[WorkingHours]) -> WeeklyHours:
    plan: WeeklyHours = defaultdict(list)
    for row in rows:
        plan[row.weekday].append((row.start_minute, row.end_minute))
    return {day: sorted(intervals) for day, intervals in plan.items()}


def summarize_week(plan: WeeklyHours) -> str:
    """`Mon–Fri 09:00–13:00, 14:00–18:00 · Sat 09:00–13:00`: consecutive days with the same hours grouped."""
    parts: list[str] = []
    day = 1
    while day <= 7:
        intervals = plan.get(day)
        if not intervals:
            day += 1
            continue
        last = day
        while last + 1 <= 7 and plan.get(last + 1) == intervals:
            last += 1
        days = str(WEEKDAYS_ABBR[day - 1]) if last == day else f"{WEEKDAYS_ABBR[day - 1]}–{WEEKDAYS_ABBR[last - 1]}"
        hours = ", ".join(f"{format_hhmm(s)}–{format_hhmm(e)}" for s, e in intervals)
        parts.append(f"{days} {hours}")
        day = last + 1
    return " · ".join(parts)


@dataclass
class StaffLocationHours:
    location: Location
    summary: str  # empty: works the location's opening hours


@dataclass
class StaffRow:
    user: User
    zone: zoneinfo.ZoneInfo
    locations: list[StaffLocationHours] = field(default_factory=list)
    time_off: list[TimeOff] = field(default_factory=list)


def staff_overview(actor: object, *, now: datetime | None = None, time_off_limit: int = 3) -> list[StaffRow]:
    """The staff of the locations `actor` manages, with hours and upcoming time off, in three queries."""
    managed_ids = list(locations_managed_by(actor).values_list("id", flat=True))
    memberships = (
        StaffMembership.objects.filter(location_id__in=managed_ids)
        .select_related("user", "location")
        .order_by("user__first_name", "user__last_name", "user_id", "location__name")
    )
    rows: dict[int, StaffRow] = {}
    for membership in memberships:
        row = rows.get(membership.user_id)
        if row is None:
            row = rows[membership.user_id] = StaffRow(user=membership.user, zone=membership.location.zone)
        row.locations.append(StaffLocationHours(location=membership.location, summary=""))
    if not rows:
        return []
    hours: dict[tuple[int, int], list[WorkingHours]] = defaultdict(list)
    for wh in WorkingHours.objects.filter(user_id__in=list(rows), location_id__in=managed_ids).order_by(
        "weekday", "start_minute"
    ):
        hours[(wh.user_id, wh.location_id)].append(wh)
    for user_id, row in rows.items():
        for item in row.locations:
            item.summary = summarize_week(weekly_plan(hours.get((user_id, item.location.pk), [])))
    for off in TimeOff.objects.filter(user_id__in=list(rows), end__gt=now or timezone.now()).order_by("start"):
        bucket = rows[off.user_id].time_off
        if len(bucket) < time_off_limit:
            bucket.append(off)
    return list(rows.values())
