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

from autoagenda.accounts.models import StaffMembership, User
from autoagenda.accounts.permissions import require
from autoagenda.core import bounds
from autoagenda.core.errors import ApplicationError
from autoagenda.core.weekly import weekly_plan_errors
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_manage_location
from autoagenda.scheduling import freshness
from autoagenda.scheduling.models import TimeOff, WorkingHours
from autoagenda.scheduling.permissions import can_manage_staff_schedule, can_manage_time_off, schedule_locations_for

REASON_MAX = 200


@dataclass(frozen=True)
class HoursEntry:
    """One weekly interval at one location, in local wall-clock minutes."""

    location_id: int
    weekday: int
    start: int
    end: int


def working_hours_errors(entries: Sequence[HoursEntry], *, kept: Sequence[HoursEntry] = ()) -> dict[str, list[str]]:
    """Problems with a weekly plan, keyed `<index>.<field>` by position in `entries`.

    A person cannot be in two places at once, so overlaps are refused on one
    weekday across locations too, including against `kept` (intervals at
    locations this request does not replace).
    """
    return weekly_plan_errors(
        [(e.weekday, e.start, e.end) for e in entries], kept=[(k.weekday, k.start, k.end) for k in kept]
    )


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
        freshness.config_changed()  # bulk_create sends no signals
    return rows


def _worked_location_ids(user: User) -> set[int]:
    return set(StaffMembership.objects.filter(user=user).values_list("location_id", flat=True))


def working_hours_replace(
    *, actor: Any, user: User, location: Location, intervals: Iterable[tuple[int, int, int]]
) -> list[WorkingHours]:
    """Replace `user`'s weekly hours at one location; none left means they work its opening hours."""
    require(can_manage_staff_schedule(actor, user))
    require(can_manage_location(actor, location))
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
    require(can_manage_staff_schedule(actor, user))
    plan = list(entries)
    worked = _worked_location_ids(user)
    scope = set(schedule_locations_for(actor, user).values_list("id", flat=True))
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
    require(can_manage_time_off(actor, user))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    for field, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime):
            errors[field] = [_("Enter a date and time.")]
        elif value.tzinfo is None or value.utcoffset() is None:
            errors[field] = [_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00.")]
    if not errors:
        errors.update(bounds.span_errors(start, end))
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("Use at most %(limit)s characters.") % {"limit": REASON_MAX}]
    if errors:
        raise ApplicationError("invalid", _("The time off was not saved."), errors=errors)
    with transaction.atomic():
        return TimeOff.objects.create(
            user=user, start=start, end=end, reason=reason, created_by=actor if isinstance(actor, User) else None
        )


def time_off_delete(*, actor: Any, time_off: TimeOff) -> None:
    require(can_manage_time_off(actor, time_off.user))
    with transaction.atomic():
        time_off.delete()
