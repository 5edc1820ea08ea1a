"""Reads the work-order pages need beyond selectors.py (the UI's): hours per card, the location's mechanics
and desks, the boards' per-card extras, always in a constant number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.locations.models import Location
from autoagenda.walkins.models import Desk
from autoagenda.workorders.models import ALLOWED_TRANSITIONS, LaborLine, TimeEntry, WorkOrder, WorkOrderStatus
from autoagenda.workorders.selectors import Hours
from autoagenda.workorders.totals import hours_between


def hours_of(work_orders: Sequence[WorkOrder], *, now: datetime | None = None) -> dict[int, Hours]:
    """Billed (labor lines) and clocked (time entries, running ones up to now) hours of each work order: two
    queries whatever the number."""
    now = now or timezone.now()
    ids = [wo.pk for wo in work_orders]
    billed: dict[int, Decimal] = {
        row["work_order_id"]: row["hours"] or Decimal(0)
        for row in LaborLine.objects.filter(work_order_id__in=ids).values("work_order_id").annotate(hours=Sum("hours"))
    }
    clocked: dict[int, Decimal] = {}
    for entry in TimeEntry.objects.filter(work_order_id__in=ids).only("work_order_id", "started_at", "stopped_at"):
        spent = hours_between(entry.started_at, entry.stopped_at or now)
        clocked[entry.work_order_id] = clocked.get(entry.work_order_id, Decimal(0)) + spent
    return {
        pk: Hours(billed=billed.get(pk, Decimal(0)), clocked=clocked.get(pk, Decimal(0)).quantize(Decimal("0.01")))
        for pk in ids
    }


@dataclass
class MechanicDay:
    """The mechanic's open jobs in three groups: today's, then the overdue ones still open, then the later ones."""

    today: list[WorkOrder] = field(default_factory=list)
    earlier: list[WorkOrder] = field(default_factory=list)
    later: list[WorkOrder] = field(default_factory=list)

    @property
    def all(self) -> list[WorkOrder]:
        return [*self.today, *self.earlier, *self.later]


def mechanic_day(cards: Sequence[WorkOrder], now: datetime) -> MechanicDay:
    """Split the mechanic's open jobs (`selectors.mechanic_board`, with their location and appointment) by each
    location's own date: *today* is in progress, promised today, booked today (its appointment) or, without a
    promise, taken in today — by promise time (the appointment's start when there is no promise); *earlier* is
    the rest promised before today or taken in before today without a promise, oldest promise first; *later* is
    promised after today. No query: everything is on the cards."""
    day = MechanicDay()
    for card in cards:
        zone = card.location.zone
        today = timezone.localtime(now, zone).date()
        promised = timezone.localtime(card.promised_by, zone).date() if card.promised_by else None
        booked = card.appointment.local_date if card.appointment_id and card.appointment else None
        taken_in = timezone.localtime(card.created_at, zone).date()
        if (
            card.status == WorkOrderStatus.IN_PROGRESS
            or promised == today
            or booked == today
            or (promised is None and taken_in >= today)
        ):
            day.today.append(card)
        elif promised is not None and promised > today:
            day.later.append(card)
        else:
            day.earlier.append(card)

    def when(card: WorkOrder) -> tuple[int, datetime]:
        moment = card.promised_by or (card.appointment.start if card.appointment_id and card.appointment else None)
        return (0, moment) if moment is not None else (1, card.created_at)

    day.today.sort(key=when)
    day.earlier.sort(key=when)
    day.later.sort(key=when)
    return day


def mechanics_of(location: Location) -> list[User]:
    """Who a work order here may be assigned to: the location's active mechanics, by name."""
    rows = (
        StaffMembership.objects.filter(location=location, role=Role.MECHANIC, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    return [m.user for m in rows]


def desks_of(location: Location) -> list[Desk]:
    return list(Desk.objects.filter(location=location, is_active=True).order_by("name", "id"))


def next_statuses(work_order: WorkOrder) -> list[tuple[str, str]]:
    """The moves the status table allows from where the work order is, in the table's order, with labels."""
    allowed = ALLOWED_TRANSITIONS.get(work_order.status, frozenset())
    return [(s.value, str(s.label)) for s in WorkOrderStatus if s in allowed]


def age_minutes(work_order: WorkOrder, now: datetime) -> int:
    return max(0, int((now - work_order.created_at).total_seconds() // 60))


def describe_age(minutes: int) -> dict[str, Any]:
    """Days, hours or minutes, whichever reads best on a card."""
    if minutes >= 24 * 60:
        return {"unit": "d", "n": minutes // (24 * 60)}
    if minutes >= 60:
        return {"unit": "h", "n": minutes // 60}
    return {"unit": "m", "n": minutes}
