"""Reads of work orders, always scoped to what the user may see, with their joins spelled out.

Boards and lists load their cards in a constant number of queries (select_related for the header, one prefetch
per kind of child), whatever the number of cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from autoagenda.accounts.models import User
from autoagenda.inventory.models import QUANTITY_DIGITS, QUANTITY_PLACES, Product, StockLevel
from autoagenda.inventory.permissions import products_visible_to
from autoagenda.locations.models import Location
from autoagenda.scheduling.models import Appointment
from autoagenda.walkins.models import Ticket, TicketEvent
from autoagenda.workorders.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Comment,
    CommentVisibility,
    EstimateVersion,
    LaborLine,
    PartLine,
    StatusChange,
    TimeEntry,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import get_work_order_for_user, sees_internal_comments, work_orders_visible_to
from autoagenda.workorders.totals import Totals, hours_between, totals_of

HEADER = ("location", "client", "vehicle", "mechanic")
# billing's reverse OneToOne (`Invoice.work_order`, related_name="invoice"), joined for the API's `invoice` id: a
# name in a query, not an import (workorders sits below billing).
INVOICE = "invoice"
# What a job-board card shows (the board loads hundreds: only these columns, no location per card).
CARD_HEADER = ("client", "vehicle", "mechanic")
_PERSON = ("first_name", "last_name", "email")
CARD_FIELDS = (
    "number",
    "status",
    "promised_by",
    "created_at",
    "location_id",
    "appointment_id",
    "mechanic_id",
    *(f"vehicle__{name}" for name in ("plate", "make", "model")),
    *(f"client__{name}" for name in _PERSON),
    *(f"mechanic__{name}" for name in _PERSON),
)
BOARD_COLUMNS = OPEN_STATUSES  # draft, estimate sent, approved, in progress, completed (ready for pickup)


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def work_orders_for(
    user: Any,
    *,
    status: str | Iterable[str] | None = None,
    mechanic_id: int | None = None,
    location_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str = "",
) -> QuerySet[WorkOrder]:
    """The list of GET /api/v1/work-orders/ and the pages: newest first. `date_from`/`date_to` (inclusive) are
    creation dates in the location's zone when `location_id` is given, else in the site's TIME_ZONE."""
    rows = work_orders_visible_to(user).select_related(*HEADER, INVOICE)
    if status:
        rows = rows.filter(status__in=[status] if isinstance(status, str) else list(status))
    if mechanic_id is not None:
        rows = rows.filter(mechanic_id=mechanic_id)
    zone = ZoneInfo(settings.TIME_ZONE)
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
        location = Location.objects.filter(pk=location_id).first()
        if location is not None:
            zone = location.zone
    if date_from is not None:
        rows = rows.filter(created_at__gte=_day_bounds(date_from, zone)[0])
    if date_to is not None:
        rows = rows.filter(created_at__lt=_day_bounds(date_to, zone)[1])
    search = " ".join(search.split())
    if search:
        plate = "".join(ch for ch in search.upper() if ch.isalnum())
        match = Q(number__icontains=search) | Q(client__first_name__icontains=search)
        match |= Q(client__last_name__icontains=search) | Q(description__icontains=search)
        if plate:
            match |= Q(vehicle__plate__icontains=plate)
        rows = rows.filter(match)
    return rows.order_by("-created_at", "-id")


def comments_for(user: Any, work_order: WorkOrder) -> QuerySet[Comment]:
    rows = Comment.objects.filter(work_order=work_order).select_related("author", "work_order__location")
    if not sees_internal_comments(user):
        rows = rows.filter(visibility=CommentVisibility.CLIENT)
    return rows.order_by("created_at", "id")


def work_order_detail(user: Any, pk: Any) -> WorkOrder:
    """One work order with everything its page shows (404/visibility as get_work_order_for_user)."""
    work_order = get_work_order_for_user(user, pk)
    comments = Comment.objects.select_related("author").order_by("created_at", "id")
    if not sees_internal_comments(user):
        comments = comments.filter(visibility=CommentVisibility.CLIENT)
    return (
        WorkOrder.objects.select_related(*HEADER, INVOICE, "appointment", "ticket", "service", "created_by")
        .prefetch_related(
            Prefetch("labor_lines", queryset=LaborLine.objects.order_by("id")),
            Prefetch("part_lines", queryset=part_lines()),
            Prefetch("comments", queryset=comments),
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("changed_by").order_by("changed_at", "id"),
            ),
            Prefetch(
                "time_entries", queryset=TimeEntry.objects.select_related("mechanic").order_by("started_at", "id")
            ),
            Prefetch("estimates", queryset=EstimateVersion.objects.prefetch_related("decisions").order_by("number")),
        )
        .get(pk=work_order.pk)
    )


def part_lines() -> QuerySet[PartLine]:
    """Part lines with their product and `available`: on hand − reserved of the product at the work order's
    location (one subquery, so a list of work orders stays one query for all its part lines)."""
    quantity = DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    level = StockLevel.objects.filter(product=OuterRef("product_id"), location=OuterRef("work_order__location_id"))
    free = Subquery(level.annotate(free=F("quantity") - F("reserved")).values("free")[:1], output_field=quantity)
    return (
        PartLine.objects.select_related("product")
        .annotate(available=Coalesce(free, Value(Decimal(0)), output_field=quantity))
        .order_by("id")
    )


def available_for(line: PartLine) -> Decimal:
    """One line's `available` when it was not read through `part_lines()`."""
    if line.product_id is None:
        return Decimal(0)
    level = StockLevel.objects.filter(product_id=line.product_id, location_id=line.work_order.location_id).first()
    return level.available if level is not None else Decimal(0)


def with_lines(rows: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """A list of work orders with what their API rows show: lines (parts with `available`) and clocks."""
    return rows.prefetch_related(
        Prefetch("labor_lines", queryset=LaborLine.objects.order_by("id")),
        Prefetch("part_lines", queryset=part_lines()),
        Prefetch("time_entries", queryset=TimeEntry.objects.order_by("started_at", "id")),
    )


def product_for_user(user: Any, pk: Any) -> Product | None:
    """A product named on a page's part form, if the user may see it (the service checks it is of use here)."""
    return products_visible_to(user).filter(pk=pk).first()


def labor_lines_of(work_order: WorkOrder) -> QuerySet[LaborLine]:
    return LaborLine.objects.filter(work_order=work_order).order_by("id")


def part_lines_of(work_order: WorkOrder) -> QuerySet[PartLine]:
    return part_lines().filter(work_order=work_order)


def time_entries_of(work_order: WorkOrder) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.filter(work_order=work_order)
        .select_related("work_order__location")
        .order_by("started_at", "id")
    )


def estimates_of(work_order: WorkOrder) -> QuerySet[EstimateVersion]:
    return (
        EstimateVersion.objects.filter(work_order=work_order)
        .select_related("work_order__location")
        .prefetch_related("decisions")
        .order_by("number")
    )


def totals_for(work_order: WorkOrder) -> Totals:
    """Labor, parts, tax and total of the current lines (uses prefetched lines when present)."""
    return totals_of(
        [(line.net, line.tax) for line in work_order.labor_lines.all()],
        [(line.net, line.tax) for line in work_order.part_lines.all()],
    )


@dataclass(frozen=True)
class Hours:
    billed: Decimal  # the labor lines' hours
    clocked: Decimal  # the time entries, a running clock up to now


def hours_for(work_order: WorkOrder, *, now: datetime | None = None) -> Hours:
    now = now or timezone.now()
    billed = sum((line.hours for line in work_order.labor_lines.all()), Decimal(0))
    clocked = sum(
        (hours_between(entry.started_at, entry.stopped_at or now) for entry in work_order.time_entries.all()),
        Decimal(0),
    )
    return Hours(billed=billed, clocked=clocked)


def running_entry(work_order: WorkOrder, mechanic: User) -> TimeEntry | None:
    return TimeEntry.objects.filter(work_order=work_order, mechanic=mechanic, stopped_at__isnull=True).first()


def current_estimate(work_order: WorkOrder) -> EstimateVersion | None:
    return EstimateVersion.objects.filter(work_order=work_order, superseded_at__isnull=True).first()


def work_order_for_appointment(user: Any, appointment: Appointment) -> WorkOrder | None:
    return work_orders_visible_to(user).filter(appointment=appointment).first()


def work_order_for_ticket(user: Any, ticket: Ticket) -> WorkOrder | None:
    return work_orders_visible_to(user).filter(ticket=ticket).first()


# --- Boards -------------------------------------------------------------------------------------------------------


@dataclass
class Column:
    status: str
    label: str
    cards: list[WorkOrder] = field(default_factory=list)


def _cards(rows: QuerySet[WorkOrder], now: datetime) -> QuerySet[WorkOrder]:
    running = TimeEntry.objects.filter(stopped_at__isnull=True).select_related("mechanic")
    return rows.select_related(*HEADER).prefetch_related(Prefetch("time_entries", queryset=running, to_attr="running"))


def is_late(work_order: WorkOrder, now: datetime) -> bool:
    """Promised and not done by then (completed and delivered are done)."""
    done = work_order.status in (WorkOrderStatus.COMPLETED, *CLOSED_STATUSES)
    return work_order.promised_by is not None and work_order.promised_by < now and not done


def job_board(
    user: Any, location: Location, *, mechanic_id: int | None = None, now: datetime | None = None
) -> list[Column]:
    """The desk's kanban of one location: one column per open status, cards by promise time (then age).

    Two queries whatever the number of cards (the work orders with their header; the running clocks). The caller
    authorized the location (`can_run_work_orders` or staff of it)."""
    now = now or timezone.now()
    rows = work_orders_visible_to(user).filter(location=location, status__in=BOARD_COLUMNS)
    if mechanic_id is not None:
        rows = rows.filter(mechanic_id=mechanic_id)
    rows = (
        _cards(rows, now)
        .select_related(None)
        .select_related(*CARD_HEADER)
        .only(*CARD_FIELDS)
        .order_by(F("promised_by").asc(nulls_last=True), "created_at", "id")
    )
    columns: dict[str, Column] = {
        status: Column(status=status, label=str(WorkOrderStatus(status).label)) for status in BOARD_COLUMNS
    }
    for work_order in rows:
        columns[work_order.status].cards.append(work_order)
    return list(columns.values())


def mechanic_board(user: Any, *, now: datetime | None = None) -> list[WorkOrder]:
    """The mechanic's open jobs (not yet completed), by promise time; `running` lists the running clocks, `parts`
    the part lines (with what is available of their products)."""
    now = now or timezone.now()
    active = (
        WorkOrderStatus.DRAFT,
        WorkOrderStatus.ESTIMATE_SENT,
        WorkOrderStatus.APPROVED,
        WorkOrderStatus.IN_PROGRESS,
    )
    rows = work_orders_visible_to(user).filter(mechanic=user, status__in=active)
    rows = (
        _cards(rows, now)
        .select_related("appointment")
        .prefetch_related(Prefetch("part_lines", queryset=part_lines(), to_attr="parts"))
    )
    return list(rows.order_by(F("promised_by").asc(nulls_last=True), "created_at", "id"))


def mechanic_appointments_today(user: Any, *, now: datetime | None = None) -> list[Appointment]:
    """Today's appointments assigned to the mechanic (each location's own date), by start."""
    now = now or timezone.now()
    rows = (
        Appointment.objects.filter(
            mechanic=user, start__gte=now - timedelta(hours=14), start__lt=now + timedelta(hours=24)
        )
        .exclude(status__in=("cancelled", "no_show", "completed"))
        .select_related("location", "service", "client", "vehicle")
        .order_by("start", "id")
    )
    return [a for a in rows if a.local_date == timezone.localtime(now, a.location.zone).date()]


def mechanic_history(user: Any, *, search: str = "") -> QuerySet[WorkOrder]:
    """The work the mechanic finished (completed, delivered) or that was cancelled, newest first."""
    done = (WorkOrderStatus.COMPLETED, *CLOSED_STATUSES)
    return work_orders_for(user, status=done, search=search).filter(mechanic=user)


# --- Timeline -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "status", "comment", "estimate_sent", "estimate_decided", "ticket"
    actor: User | None
    data: dict[str, Any]


def _status_entries(work_order: WorkOrder) -> list[TimelineEntry]:
    rows = StatusChange.objects.filter(work_order=work_order).select_related("changed_by")
    return [
        TimelineEntry(
            c.changed_at, "status", c.changed_by, {"from": c.from_status, "to": c.to_status, "comment": c.comment}
        )
        for c in rows
    ]


def _comment_entries(user: Any, work_order: WorkOrder) -> list[TimelineEntry]:
    return [
        TimelineEntry(c.created_at, "comment", c.author, {"body": c.body, "visibility": c.visibility})
        for c in comments_for(user, work_order)
    ]


def _estimate_entries(work_order: WorkOrder) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for estimate in EstimateVersion.objects.filter(work_order=work_order).select_related("sent_by"):
        data = {"number": estimate.number, "total": estimate.total, "signer_name": estimate.signer_name}
        entries.append(TimelineEntry(estimate.sent_at, "estimate_sent", estimate.sent_by, data))
        if estimate.decided_at is not None:
            entries.append(TimelineEntry(estimate.decided_at, "estimate_decided", None, data))
    return entries


def _ticket_entries(ticket_id: int) -> list[TimelineEntry]:
    rows = TicketEvent.objects.filter(ticket_id=ticket_id).select_related("desk", "actor", "ticket")
    return [
        TimelineEntry(
            e.at,
            "ticket",
            e.actor,
            {"action": e.action, "number": e.ticket.code, "desk": e.desk.name if e.desk is not None else ""},
        )
        for e in rows
    ]


def timeline(user: Any, work_order: WorkOrder) -> list[TimelineEntry]:
    """One line of time for the work-order page: the ticket's steps (issued, called, ready, called for pickup;
    staff only), status moves, comments (the client sees theirs only) and estimates, oldest first."""
    entries = _status_entries(work_order) + _comment_entries(user, work_order) + _estimate_entries(work_order)
    if work_order.ticket_id is not None and sees_internal_comments(user):
        entries += _ticket_entries(work_order.ticket_id)
    return sorted(entries, key=lambda entry: entry.at)


# --- The client's estimate page -----------------------------------------------------------------------------------


def estimate_lines(estimate: EstimateVersion) -> list[dict[str, Any]]:
    """The frozen lines with the client's decision on each (None before deciding)."""
    decided = {f"{d.line_kind}-{d.line_id}": d.decision for d in estimate.decisions.all()}
    return [{**line, "decision": decided.get(line["key"])} for line in estimate.lines]
