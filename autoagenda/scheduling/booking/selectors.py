"""Reads of the client's booking pages, each scoped through the permission functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import User
from autoagenda.catalog.models import Service
from autoagenda.catalog.permissions import services_visible_to
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import vehicles_visible_to
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import locations_visible_to
from autoagenda.scheduling import selectors
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.services import refuses_mechanic

# Appointments that are still ahead of the client (the list's "Upcoming"); only the first two may move.
OPEN_STATUSES = (
    AppointmentStatus.PENDING,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.IN_PROGRESS,
)
PAST_LIMIT = 50


def bookable_locations(user: Any) -> QuerySet[Location]:
    """Where the client may book: the open locations they see."""
    return locations_visible_to(user).filter(is_active=True).order_by("name", "id")


def own_bookable_vehicles(user: Any) -> QuerySet[Vehicle]:
    return vehicles_visible_to(user).filter(archived_at__isnull=True).order_by("plate", "id")


def services_at(user: Any, location: Location) -> QuerySet[Service]:
    # Its prices per location come along: every page of the booking shows the price at this location.
    return services_visible_to(user).filter(locations=location).prefetch_related("prices").order_by("name", "id")


def eligible_mechanics(location: Location, service: Service) -> list[User]:
    """The people the mechanic select offers: rule 3's eligible mechanics of the service at the location, none
    for a service the booking services would refuse a mechanic for."""
    if refuses_mechanic(service):
        return []
    ids = selectors.eligible_mechanic_ids(location, service, None)
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "id"))


@dataclass(frozen=True)
class MyAppointments:
    upcoming: list[Appointment]
    past: list[Appointment]


def my_appointments(user: Any, now: datetime) -> MyAppointments:
    """A client's own appointments: what is still ahead, then the last `PAST_LIMIT` others, newest first."""
    visible = selectors.appointments_visible_to(user)
    return MyAppointments(
        upcoming=list(visible.filter(status__in=OPEN_STATUSES, end__gt=now)),
        past=list(visible.exclude(status__in=OPEN_STATUSES, end__gt=now).order_by("-start", "-id")[:PAST_LIMIT]),
    )
