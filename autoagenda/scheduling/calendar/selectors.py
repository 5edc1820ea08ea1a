"""Reads of the staff calendar pages: who and where, the desk's lists, the appointment panel, the client search.

The day grid and the week board are grid.py's. Every read costs a constant number of queries whatever the
number of mechanics or appointments (the tests hold them to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from autoagenda.accounts.models import Role, StaffMembership, User
from autoagenda.accounts.permissions import clients_visible_to, get_visible_or_404
from autoagenda.accounts.services import is_placeholder_email
from autoagenda.catalog.models import Service
from autoagenda.customers.identifiers import normalize_plate
from autoagenda.customers.models import Vehicle
from autoagenda.customers.selectors import clients_by_exact_identifier
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_staffed_by
from autoagenda.scheduling import selectors
from autoagenda.scheduling.models import ALLOWED_TRANSITIONS, Appointment, AppointmentStatus, AppointmentStatusChange

# The buttons the desk and the floor press, in the order they are shown (cancel has its own form).
STATUS_ACTIONS: tuple[str, ...] = (
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


def local_today(location: Location, now: datetime) -> date:
    return now.astimezone(location.zone).date()


def week_start(day: date) -> date:
    """Weeks start on Monday (ISO), as the opening-hours editor does."""
    return day - timedelta(days=day.isoweekday() - 1)


def status_actions(appointment: Appointment) -> list[tuple[str, str]]:
    """The status buttons that make sense now: (status, label), only allowed transitions."""
    allowed = ALLOWED_TRANSITIONS.get(appointment.status, frozenset())
    labels: dict[str, str] = {
        AppointmentStatus.CONFIRMED: _("Confirm"),
        AppointmentStatus.CHECKED_IN: _("Check in"),
        AppointmentStatus.IN_PROGRESS: _("Start"),
        AppointmentStatus.COMPLETED: _("Complete"),
        AppointmentStatus.NO_SHOW: _("No-show"),
    }
    return [(status, labels[status]) for status in STATUS_ACTIONS if status in allowed]


def can_cancel(appointment: Appointment) -> bool:
    return AppointmentStatus.CANCELLED in ALLOWED_TRANSITIONS.get(appointment.status, frozenset())


# --- Who and where --------------------------------------------------------------


def calendar_locations(user: Any) -> list[Location]:
    """The locations whose calendar `user` may open (the switcher)."""
    return list(locations_staffed_by(user).order_by("name", "id"))


def mechanics_at(location: Location) -> list[User]:
    """Who gets a column: the location's mechanics, and staff listed on one of its services, in one query."""
    listed = Service.mechanics.through.objects.filter(service__locations=location, service__is_active=True).values(
        "user_id"
    )
    memberships = (
        StaffMembership.objects.filter(location=location, user__is_active=True)
        .filter(Q(role=Role.MECHANIC) | Q(user_id__in=listed))
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    return [m.user for m in memberships]


def eligible_mechanics(location: Location, service: Service) -> list[User]:
    """Who may do `service` here (rule 3): its listed mechanics, or the location's mechanics when none are listed."""
    if not service.requires_mechanic:
        return []
    listed = set(service.mechanics.values_list("id", flat=True))
    people = mechanics_at(location)
    if listed:
        return [m for m in people if m.pk in listed]
    return [m for m in people if m.role == Role.MECHANIC]


def bookable_services(location: Location) -> list[Service]:
    return list(Service.objects.filter(locations=location, is_active=True).order_by("name", "id"))


# --- Lists: today at the desk, a mechanic's own work ----------------------------


def today_list(user: Any, location: Location, day: date) -> list[Appointment]:
    """The receptionist's list: that day's appointments in time order, in one query."""
    return list(selectors.appointments_visible_to(user, location_id=location.pk, first_date=day, last_date=day))


@dataclass
class MechanicAgenda:
    today: list[Appointment]
    upcoming: list[Appointment]
    history: list[Appointment]


FINISHED = (AppointmentStatus.COMPLETED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


def mechanic_agenda(user: User, today: date, *, upcoming_limit: int = 50, history_limit: int = 30) -> MechanicAgenda:
    """A mechanic's own assigned work: today, what comes next and what is done, in three queries."""
    mine = selectors.appointments_visible_to(user).filter(mechanic=user)
    return MechanicAgenda(
        today=list(mine.filter(local_date=today).exclude(status=AppointmentStatus.CANCELLED)),
        upcoming=list(mine.filter(local_date__gt=today).exclude(status__in=FINISHED)[:upcoming_limit]),
        history=list(
            mine.filter(Q(local_date__lt=today) | Q(local_date=today, status=AppointmentStatus.COMPLETED))
            .exclude(status=AppointmentStatus.CANCELLED)
            .order_by("-start", "-id")[:history_limit]
        ),
    )


# --- The appointment panel ------------------------------------------------------


def appointment_for_panel(user: Any, pk: Any) -> Appointment:
    """The appointment with its history and who made each change, in two queries (404 when not visible)."""
    history = Prefetch(
        "status_changes",
        queryset=AppointmentStatusChange.objects.select_related("changed_by").order_by("changed_at", "id"),
    )
    return get_visible_or_404(
        selectors.appointments_visible_to(user).select_related("created_by").prefetch_related(history), pk
    )


# --- Desk booking: find the client ----------------------------------------------


@dataclass(frozen=True)
class ClientMatch:
    client: User
    vehicles: list[Vehicle]
    email: str  # "" for a desk-created client's placeholder address
    # Served only elsewhere, found by the exact identifier typed: picking them links them to this location.
    # Until then the desk learns nothing it was not told: no vehicles, no contact details.
    elsewhere: bool = False


def clients_matching(actor: Any, query: str, *, limit: int = 8) -> list[ClientMatch]:
    """Clients the actor sees by name, phone, email or a vehicle's plate (every word must match), then
    clients of other locations named exactly by the whole query (full email, E.164 phone, exact plate).

    Three queries at most: the visible matches, their vehicles, the exact matches elsewhere.
    """
    words = query.split()[:5]
    if not words or len(query.strip()) < 2:
        return []
    qs = clients_visible_to(actor).filter(is_active=True)
    for word in words:
        digits = "".join(ch for ch in word if ch.isdigit())
        condition = (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
        if len(digits) >= 3:
            condition |= Q(phone__icontains=digits)
        plate = normalize_plate(word)
        if plate:
            condition |= Q(vehicles__plate__contains=plate)
        qs = qs.filter(condition)
    bookable = Vehicle.objects.filter(archived_at__isnull=True).order_by("plate", "id")
    clients = (
        qs.distinct()
        .prefetch_related(Prefetch("vehicles", queryset=bookable))
        .order_by("first_name", "last_name", "id")[:limit]
    )
    matches = [
        ClientMatch(client=c, vehicles=list(c.vehicles.all()), email="" if is_placeholder_email(c.email) else c.email)
        for c in clients
    ]
    if len(matches) < limit:
        seen = [m.client.pk for m in matches]
        elsewhere = (
            clients_by_exact_identifier(query)
            .exclude(pk__in=seen)
            .exclude(pk__in=clients_visible_to(actor).values("pk"))
            .order_by("first_name", "last_name", "id")[: limit - len(matches)]
        )
        matches.extend(ClientMatch(client=c, vehicles=[], email="", elsewhere=True) for c in elsewhere)
    return matches
