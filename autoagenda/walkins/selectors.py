"""Every read of the walk-in queue: waiting lines, positions, wait estimates and the public display state.

The display state is public: it carries ticket numbers, queue and desk names, never a person's name.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from autoagenda.catalog.models import Service
from autoagenda.core.timeutils import isoformat_in
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.walkins.models import (
    AT_DESK_STATUSES,
    CALL_ACTIONS,
    Desk,
    Queue,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketStatus,
)

# Wait estimates (issue 4): the median service time of the queue's recent done tickets.
ESTIMATE_WINDOW_DAYS = 14
ESTIMATE_MAX_SAMPLES = 200
ESTIMATE_HOUR_MIN_SAMPLES = 10
DEFAULT_SERVICE_MINUTES = 10.0
RECENT_CALLS = 6
# The newest call events read to find the current call and six distinct earlier tickets.
RECENT_EVENTS_SCAN = 60

WAITING_ORDER = ("-priority", "issued_at", "id")


def local_now(location: Location, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(UTC).astimezone(location.zone)


def local_today(location: Location, now: datetime | None = None) -> date:
    """The location's own calendar date: ticket numbers restart at its local midnight."""
    return local_now(location, now).date()


def local_iso(moment: datetime, location: Location) -> str:
    """RFC 3339 with the location's UTC offset at that instant."""
    return isoformat_in(moment, location.zone)


# --- Queues and desks -----------------------------------------------------------------


def queues_of(location: Location | int, *, active_only: bool = False) -> QuerySet[Queue]:
    rows = Queue.objects.filter(location=location).order_by("position", "prefix", "id")
    return rows.filter(is_active=True) if active_only else rows


def desks_of(location: Location | int, *, active_only: bool = False) -> QuerySet[Desk]:
    rows = Desk.objects.filter(location=location).select_related("agent").order_by("name", "id")
    return rows.filter(is_active=True) if active_only else rows


def desk_queue_ids(desk: Desk) -> list[int]:
    """The queues a desk serves: its own list, or every queue of its location when the list is empty."""
    own = list(desk.queues.values_list("id", flat=True))
    if own:
        return own
    return list(Queue.objects.filter(location_id=desk.location_id).values_list("id", flat=True))


def desk_for_agent(user: Any) -> Desk | None:
    """The desk a user sits at now, if any."""
    if getattr(user, "pk", None) is None:
        return None
    return Desk.objects.filter(agent_id=user.pk).select_related("location").first()


def current_ticket(desk: Desk) -> Ticket | None:
    """The ticket called to, or being served at, the desk."""
    return (
        Ticket.objects.filter(desk=desk, status__in=AT_DESK_STATUSES)
        .select_related("queue", "location")
        .order_by("-called_at", "-id")
        .first()
    )


# --- Waiting lines and positions ---------------------------------------------------------


def waiting_in(queue_ids: Iterable[int]) -> QuerySet[Ticket]:
    """Waiting tickets in call order: priority (checked-in booked clients) first, then oldest issue time."""
    return Ticket.objects.filter(queue_id__in=list(queue_ids), status=TicketStatus.WAITING).order_by(*WAITING_ORDER)


def ticket_position(ticket: Ticket) -> int | None:
    """1-based place in its queue's line (1 = next); None unless waiting."""
    if ticket.status != TicketStatus.WAITING:
        return None
    ahead = Ticket.objects.filter(queue_id=ticket.queue_id, status=TicketStatus.WAITING).filter(
        _ahead_of(ticket.priority, ticket.issued_at, ticket.pk)
    )
    return ahead.count() + 1


def _ahead_of(priority: bool, issued_at: datetime, pk: int) -> Q:
    same_rank = Q(priority=priority) & (Q(issued_at__lt=issued_at) | Q(issued_at=issued_at, id__lt=pk))
    if priority:
        return same_rank
    return same_rank | Q(priority=True)  # every priority ticket goes before an ordinary one


def positions_for(tickets: Iterable[Ticket]) -> dict[int, int]:
    """Positions of many waiting tickets with one query per queue (lists, desk panels)."""
    queue_ids = {t.queue_id for t in tickets if t.status == TicketStatus.WAITING}
    positions: dict[int, int] = {}
    for queue_id in queue_ids:
        ids = waiting_in([queue_id]).values_list("id", flat=True)
        positions.update({pk: index for index, pk in enumerate(ids, start=1)})
    return positions


# --- Wait estimates -----------------------------------------------------------------------


def open_desk_count(queue: Queue) -> int:
    """Desks with an agent that serve the queue (their own list names it, or they serve every queue)."""
    return (
        Desk.objects.filter(location_id=queue.location_id, is_active=True, agent__isnull=False)
        .filter(Q(queues=queue) | Q(queues__isnull=True))
        .distinct()
        .count()
    )


def _service_samples(queue: Queue, now: datetime) -> list[tuple[int, float]]:
    """(local hour the service began, minutes it took) of the queue's recent done tickets, newest first."""
    rows = (
        Ticket.objects.filter(
            queue_id=queue.pk,
            status=TicketStatus.DONE,
            finished_at__gte=now - timedelta(days=ESTIMATE_WINDOW_DAYS),
            finished_at__lte=now,
        )
        .filter(Q(started_at__isnull=False) | Q(called_at__isnull=False))
        .order_by("-finished_at", "-id")
        .values_list("started_at", "called_at", "finished_at")[:ESTIMATE_MAX_SAMPLES]
    )
    zone = queue.location.zone
    samples: list[tuple[int, float]] = []
    for started_at, called_at, finished_at in rows:
        began = started_at or called_at
        if began is None or finished_at is None:
            continue
        minutes = (finished_at - began).total_seconds() / 60
        if minutes >= 0:
            samples.append((began.astimezone(zone).hour, minutes))
    return samples


def median_service_minutes(queue: Queue, *, now: datetime | None = None) -> float:
    """Median minutes of the last ≤200 done tickets of 14 days; of this local hour's when it has ≥10; else 10."""
    now = now or timezone.now()
    samples = _service_samples(queue, now)
    if not samples:
        return DEFAULT_SERVICE_MINUTES
    hour = local_now(queue.location, now).hour
    this_hour = [minutes for h, minutes in samples if h == hour]
    if len(this_hour) >= ESTIMATE_HOUR_MIN_SAMPLES:
        return float(statistics.median(this_hour))
    return float(statistics.median(minutes for _h, minutes in samples))


def wait_minutes(median: float, people_ahead: int, open_desks: int) -> int:
    """median × people ahead ÷ open desks (at least one), rounded up: an estimate never promises too little."""
    if people_ahead <= 0:
        return 0
    return math.ceil(round(median * people_ahead / max(open_desks, 1), 6))


def estimated_wait_minutes(queue: Queue, people_ahead: int, *, now: datetime | None = None) -> int:
    return wait_minutes(median_service_minutes(queue, now=now), people_ahead, open_desk_count(queue))


def ticket_estimate(ticket: Ticket, *, now: datetime | None = None) -> int | None:
    """Minutes until a waiting ticket is likely called (people ahead = position - 1); None unless waiting."""
    position = ticket_position(ticket)
    if position is None:
        return None
    return estimated_wait_minutes(ticket.queue, position - 1, now=now)


@dataclass(frozen=True)
class QueueOverview:
    queue: Queue
    waiting: int
    estimated_wait_minutes: int  # for someone who joins now (people ahead = waiting)
    open_desks: int
    median_minutes: float


def queue_overview(location: Location, *, now: datetime | None = None, active_only: bool = True) -> list[QueueOverview]:
    """Per queue: how many wait, how long a newcomer would wait, how many desks are open for it."""
    now = now or timezone.now()
    queues = list(queues_of(location, active_only=active_only).select_related("location"))
    counts = dict(
        Ticket.objects.filter(queue__in=queues, status=TicketStatus.WAITING)
        .values_list("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    open_desks = list(
        Desk.objects.filter(location=location, is_active=True, agent__isnull=False).prefetch_related("queues")
    )
    overview = []
    for queue in queues:
        desks = sum(1 for d in open_desks if not d.queues.all() or any(q.pk == queue.pk for q in d.queues.all()))
        median = median_service_minutes(queue, now=now)
        waiting = counts.get(queue.pk, 0)
        overview.append(
            QueueOverview(
                queue=queue,
                waiting=waiting,
                estimated_wait_minutes=wait_minutes(median, waiting, desks),
                open_desks=desks,
                median_minutes=median,
            )
        )
    return overview


# --- The public display -----------------------------------------------------------------


def display_seq(location_id: int) -> int:
    """The newest ticket event id at the location: a screen ignores any state older than the one it shows."""
    return TicketEvent.objects.filter(location_id=location_id).aggregate(seq=Max("id"))["seq"] or 0


def _call_entry(event: TicketEvent, location: Location) -> dict[str, Any]:
    ticket = event.ticket
    entry: dict[str, Any] = {
        "number": ticket.code,
        "queue": ticket.queue_id,
        "queue_name": ticket.queue.name,
        "desk": event.desk.name if event.desk is not None else "",
        "at": local_iso(event.at, location),
    }
    if event.action == TicketAction.PICKUP_CALLED:
        entry["pickup"] = True  # "car ready, desk 2"
    return entry


def display_state(location_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """The public JSON of GET /api/v1/locations/{id}/display/ and of the display WebSocket.

    `current` is today's newest call (or recall); `recent` the calls of up to six other tickets before it,
    newest first; `waiting` one entry per active queue. `seq` is read first, so the content is never older
    than the sequence number it carries.
    """
    seq = display_seq(location_id)
    location = Location.objects.get(pk=location_id)
    now = now or timezone.now()
    midnight = datetime.combine(local_today(location, now), datetime.min.time(), tzinfo=location.zone)
    events = (
        TicketEvent.objects.filter(location_id=location_id, action__in=CALL_ACTIONS, at__gte=midnight)
        .select_related("ticket__queue", "desk")
        .order_by("-id")[:RECENT_EVENTS_SCAN]
    )
    current: dict[str, Any] | None = None
    recent: list[dict[str, Any]] = []
    seen: set[int] = set()
    for event in events:
        if event.ticket_id in seen:
            continue
        seen.add(event.ticket_id)
        if current is None:
            current = _call_entry(event, location)
        else:
            recent.append(_call_entry(event, location))
            if len(recent) == RECENT_CALLS:
                break
    waiting = [
        {
            "queue": row.queue.pk,
            "prefix": row.queue.prefix,
            "name": row.queue.name,
            "count": row.waiting,
            "estimated_wait_minutes": row.estimated_wait_minutes,
        }
        for row in queue_overview(location, now=now)
    ]
    return {"seq": seq, "current": current, "recent": recent, "waiting": waiting}


# --- Lists ---------------------------------------------------------------------------------


def tickets_filtered(
    rows: QuerySet[Ticket],
    *,
    location_id: int | None = None,
    queue_id: int | None = None,
    desk_id: int | None = None,
    status: str | None = None,
    local_date: date | None = None,
) -> QuerySet[Ticket]:
    """Narrow an already scoped ticket queryset (permissions.tickets_visible_to) by the list's filters."""
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    if queue_id is not None:
        rows = rows.filter(queue_id=queue_id)
    if desk_id is not None:
        rows = rows.filter(desk_id=desk_id)
    if status is not None:
        rows = rows.filter(status=status)
    if local_date is not None:
        rows = rows.filter(local_date=local_date)
    return rows.order_by("-local_date", "-issued_at", "-id")


# --- The API's answers and the ids its bodies name ---------------------------------------------


class WaitEstimates:
    """Median and open desks read once per queue for a whole page of tickets."""

    def __init__(self) -> None:
        self._by_queue: dict[int, tuple[float, int]] = {}

    def minutes(self, queue: Queue, people_ahead: int) -> int:
        if queue.pk not in self._by_queue:
            self._by_queue[queue.pk] = (median_service_minutes(queue), open_desk_count(queue))
        median, desks = self._by_queue[queue.pk]
        return wait_minutes(median, people_ahead, desks)


def desk_for_panel(pk: int) -> Desk:
    """A desk as it is now, with who sits there (the desk panel re-reads it after every action)."""
    return Desk.objects.select_related("location", "agent").get(pk=pk)


def queue_with_location(pk: int) -> Queue:
    return Queue.objects.select_related("location").get(pk=pk)


def ticket_for_answer(pk: int) -> Ticket:
    """A ticket as it is now, with what its answer shows."""
    return Ticket.objects.select_related("location", "queue__location", "desk").get(pk=pk)


def services_offered_at(location: Location, ids: Iterable[int]) -> list[Service]:
    return list(location.services.filter(pk__in=list(ids)))


def queues_named(location_id: int, ids: Iterable[int]) -> list[Queue]:
    """The queues of this location among `ids` (another location's are simply not found)."""
    return list(Queue.objects.filter(location_id=location_id, pk__in=list(ids)).select_related("location"))


# --- The staff pages: reception, the desk panel, the setup lists ----------------------------
#
# Read-only and already authorized by the caller (views go through the permission functions first); they
# only shape the domain reads above for the pages.

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
        Ticket.objects.filter(location=location, local_date=local_today(location))
        .select_related("queue", "desk")
        .order_by("-issued_at", "-id")[:limit]
    )


def ticket_for_print(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("queue__location", "location", "desk").get(pk=ticket.pk)


# --- Desks -------------------------------------------------------------------------


def desks_at(location: Location, *, active_only: bool = False) -> list[Desk]:
    queues = Prefetch("queues", queryset=Queue.objects.order_by("position", "prefix", "id"))
    return list(desks_of(location, active_only=active_only).prefetch_related(queues))


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
    seq = display_seq(location.pk)
    served_ids = desk_queue_ids(desk)
    active = list(queues_of(location, active_only=True))
    served = [q for q in active if q.pk in served_ids]
    current = current_ticket(desk)
    waiting = [
        WaitingRow(ticket=t, waited_minutes=max(0, int((now - t.issued_at).total_seconds() // 60)))
        for t in waiting_in(served_ids).select_related("queue")[:WAITING_SHOWN]
    ]
    by_queue = dict(
        waiting_in(served_ids).order_by().values_list("queue_id").annotate(n=Count("id")).values_list("queue_id", "n")
    )
    closed = Ticket.objects.filter(
        desk=desk,
        local_date=local_today(location, now),
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
        queues_of(location)
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name", "id")))
        .annotate(waiting_count=Count("tickets", filter=Q(tickets__status=TicketStatus.WAITING)))
    )
