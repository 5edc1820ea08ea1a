"""What the staff pages of the walk-in queue read: reception, the desk panel, the setup lists.

Read-only and already authorized by the caller (views go through
`permissions` first); the domain reads (waiting order, positions, wait
estimates) are `selectors`', this module only shapes them for the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from autoagenda.catalog.models import Service
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.walkins import selectors
from autoagenda.walkins.models import Desk, Queue, Ticket, TicketStatus

WAITING_SHOWN = 50
RECENT_AT_DESK = 5


def staff_locations(user: Any) -> list[Location]:
    """The location switcher: where `user` works (admins: every location)."""
    return list(locations_staffed_by(user).order_by("name", "id"))


def services_at(location: Location) -> QuerySet[Service]:
    return Service.objects.filter(locations=location).order_by("name", "id").distinct()


def recent_issued(location: Location, *, limit: int = 6) -> list[Ticket]:
    """Today's last tickets at the location, newest first: the reception's reprint list."""
    return list(
        Ticket.objects.filter(location=location, local_date=selectors.local_today(location))
        .select_related("queue", "desk")
        .order_by("-issued_at", "-id")[:limit]
    )


def ticket_for_print(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("queue__location", "location", "desk").get(pk=ticket.pk)


# --- Desks -------------------------------------------------------------------------


def desks_at(location: Location, *, active_only: bool = False) -> list[Desk]:
    queues = Prefetch("queues", queryset=Queue.objects.order_by("position", "prefix", "id"))
    return list(selectors.desks_of(location, active_only=active_only).prefetch_related(queues))


@dataclass(frozen=True)
class WaitingRow:
    ticket: Ticket
    waited_minutes: int


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    waiting: int


@dataclass(frozen=True)
class DeskPanel:
    """Everything the desk panel fragment shows, read in a fixed number of queries."""

    desk: Desk
    current: Ticket | None
    waiting: list[WaitingRow]
    counts: list[QueueCount]
    transfer_queues: list[Queue]
    recent: list[Ticket]
    served_today: int
    seq: int

    @property
    def waiting_total(self) -> int:
        return sum(c.waiting for c in self.counts)


def desk_panel(desk: Desk, *, now: datetime | None = None) -> DeskPanel:
    now = now or timezone.now()
    location = desk.location
    # Read the sequence number first: the panel is never older than the seq it carries.
    seq = selectors.display_seq(location.pk)
    served_ids = selectors.desk_queue_ids(desk)
    active = list(selectors.queues_of(location, active_only=True))
    served = [q for q in active if q.pk in served_ids]
    current = selectors.current_ticket(desk)
    waiting = [
        WaitingRow(ticket=t, waited_minutes=max(0, int((now - t.issued_at).total_seconds() // 60)))
        for t in selectors.waiting_in(served_ids).select_related("queue")[:WAITING_SHOWN]
    ]
    by_queue = dict(
        selectors.waiting_in(served_ids)
        .order_by()
        .values_list("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    closed = Ticket.objects.filter(
        desk=desk,
        local_date=selectors.local_today(location, now),
        status__in=(TicketStatus.DONE, TicketStatus.NO_SHOW),
    )
    recent = list(closed.select_related("queue").order_by("-finished_at", "-id")[:RECENT_AT_DESK])
    return DeskPanel(
        desk=desk,
        current=current,
        waiting=waiting,
        counts=[QueueCount(queue=q, waiting=by_queue.get(q.pk, 0)) for q in served],
        transfer_queues=[q for q in active if current is None or q.pk != current.queue_id],
        recent=recent,
        served_today=closed.filter(status=TicketStatus.DONE).count(),
        seq=seq,
    )


# --- Setup (managers) ----------------------------------------------------------------


def setup_queues(location: Location) -> list[Queue]:
    return list(
        selectors.queues_of(location)
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name", "id")))
        .annotate(waiting_count=Count("tickets", filter=Q(tickets__status=TicketStatus.WAITING)))
    )
