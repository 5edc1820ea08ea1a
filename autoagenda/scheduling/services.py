"""Every write on staff working hours and time off.

Each function validates the whole request first and changes nothing when
anything is wrong, so a form or an API client gets every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from autoagenda.accounts import permissions
from autoagenda.accounts.models import StaffMembership, User
from autoagenda.core.errors import ApplicationError
from autoagenda.core.timeutils import format_hhmm
from autoagenda.locations.models import Location, Weekday
from autoagenda.scheduling.models import TimeOff, WorkingHours

MINUTES_PER_DAY = 1440
REASON_MAX = 200


@dataclass(frozen=True)
class HoursEntry:
    """One weekly interval at one location, in local wall-clock minutes."""

    location_id: int
    weekday: int
    start: int
    end: int


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def working_hours_errors(entries: Sequence[HoursEntry], *, kept: Sequence[HoursEntry] = ()) -> dict[str, list[str]]:
    """Problems with a weekly plan, keyed `<index>.<field>` by position in `entries`.

    A person cannot be in two places at once, so overlaps are refused on one
    weekday across locations too, including against `kept` (intervals at
    locations this request does not replace).
    """
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    valid: list[tuple[int, int, int, int]] = []  # weekday, start, end, index (-1: kept)
    for index, entry in enumerate(entries):
        ok = True
        if entry.weekday not in Weekday.values:
            add(f"{index}.weekday", _("The weekday must be from 1 (Monday) to 7 (Sunday)."))
            ok = False
        if not _is_int(entry.start) or not 0 <= entry.start < MINUTES_PER_DAY:
            add(f"{index}.start", _("The start must be a time from 00:00 to 23:59."))
            ok = False
        if not _is_int(entry.end) or not 0 < entry.end <= MINUTES_PER_DAY:
            add(f"{index}.end", _("The end must be a time from 00:01 to 24:00."))
            ok = False
        if ok and entry.end <= entry.start:
            add(f"{index}.end", _("The end must be after the start."))
            ok = False
        if ok:
            valid.append((entry.weekday, entry.start, entry.end, index))
    valid.extend((k.weekday, k.start, k.end, -1) for k in kept)
    valid.sort()
    reach: tuple[int, int, int, int] | None = None  # the interval reaching furthest so far that weekday
    for current in valid:
        if reach is None or reach[0] != current[0]:
            reach = current
            continue
        if current[1] < reach[2]:
            index = current[3] if current[3] >= 0 else reach[3]
            if index >= 0:  # two kept intervals are not this request's doing
                add(
                    f"{index}.start",
                    _("%(day)s %(start)s–%(end)s overlaps %(other_start)s–%(other_end)s.")
                    % {
                        "day": Weekday(current[0]).label,
                        "start": format_hhmm(current[1]),
                        "end": format_hhmm(current[2]),
                        "other_start": format_hhmm(reach[1]),
                        "other_end": format_hhmm(reach[2]),
                    },
                )
        if current[2] > reach[2]:
            reach = current
    return errors


def _replace(*, user: User, scope: set[int], entries: list[HoursEntry]) -> list[WorkingHours]:
    kept = [
        HoursEntry(h.location_id, h.weekday, h.start_minute, h.end_minute)
        for h in WorkingHours.objects.filter(user=user).exclude(location_id__in=scope)
    ]
    errors = working_hours_errors(entries, kept=kept)
    if errors:
        raise ApplicationError("invalid", _("The working hours were not saved."), errors=errors)
    rows = [
        WorkingHours(user=user, location_id=e.location_id, weekday=e.weekday, start_minute=e.start, end_minute=e.end)
        for e in sorted(entries, key=lambda e: (e.location_id, e.weekday, e.start))
    ]
    with transaction.atomic():
        WorkingHours.objects.filter(user=user, location_id__in=scope).delete()
        WorkingHours.objects.bulk_create(rows)
    return rows


def _worked_location_ids(user: User) -> set[int]:
    return set(StaffMembership.objects.filter(user=user).values_list("location_id", flat=True))


def working_hours_replace(
    *, actor: Any, user: User, location: Location, intervals: Iterable[tuple[int, int, int]]
) -> list[WorkingHours]:
    """Replace `user`'s weekly hours at one location; none left means they work its opening hours."""
    permissions.require(permissions.can_manage_staff_schedule(actor, user))
    permissions.require(permissions.can_manage_location(actor, location))
    if location.pk not in _worked_location_ids(user):
        raise ApplicationError.invalid(
            "location", _("%(name)s does not work at %(location)s.") % {"name": str(user), "location": location.name}
        )
    entries = [HoursEntry(location.pk, weekday, start, end) for weekday, start, end in intervals]
    return _replace(user=user, scope={location.pk}, entries=entries)


def working_hours_set(*, actor: Any, user: User, entries: Iterable[HoursEntry]) -> list[WorkingHours]:
    """Replace all of `user`'s weekly hours that `actor` may set (admins: every location).

    A manager replaces the hours at the locations they manage where `user`
    works; hours at other locations stay as they are. Naming a location the
    user does not work at is 400; one where they work but the actor does not
    manage is 403.
    """
    permissions.require(permissions.can_manage_staff_schedule(actor, user))
    plan = list(entries)
    worked = _worked_location_ids(user)
    scope = set(permissions.schedule_locations_for(actor, user).values_list("id", flat=True))
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(plan):
        if entry.location_id not in worked:
            errors[f"{index}.location"] = [_("This staff member does not work at this location.")]
        elif entry.location_id not in scope:
            raise PermissionDenied
    if errors:
        raise ApplicationError("invalid", _("The working hours were not saved."), errors=errors)
    return _replace(user=user, scope=scope, entries=plan)


def time_off_add(*, actor: Any, user: User, start: datetime, end: datetime, reason: str = "") -> TimeOff:
    """Admins, managers where `user` works, and staff members for themselves record an absence."""
    permissions.require(permissions.can_manage_time_off(actor, user))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    for field, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime):
            errors[field] = [_("Enter a date and time.")]
        elif value.tzinfo is None or value.utcoffset() is None:
            errors[field] = [_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00.")]
    if not errors and end <= start:
        errors["end"] = [_("The end must be after the start.")]
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("Use at most %(limit)s characters.") % {"limit": REASON_MAX}]
    if errors:
        raise ApplicationError("invalid", _("The time off was not saved."), errors=errors)
    with transaction.atomic():
        return TimeOff.objects.create(
            user=user, start=start, end=end, reason=reason, created_by=actor if isinstance(actor, User) else None
        )


def time_off_delete(*, actor: Any, time_off: TimeOff) -> None:
    permissions.require(permissions.can_manage_time_off(actor, time_off.user))
    with transaction.atomic():
        time_off.delete()
