"""The appointments a user may see, for lists and for fetching one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.permissions import get_visible_or_404
from autoagenda.scheduling.models import Appointment
from autoagenda.scheduling.permissions import scope_appointments


def appointments_visible_to(
    user: Any,
    *,
    location_id: int | None = None,
    first_date: date | None = None,
    last_date: date | None = None,
    status: str | None = None,
) -> QuerySet[Appointment]:
    """The appointments `user` may see (client: own; staff: their locations; admin: all), for lists.

    `first_date`/`last_date` are local dates of the start, inclusive.
    """
    qs = scope_appointments(Appointment.objects.all(), user)
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    if first_date is not None:
        qs = qs.filter(local_date__gte=first_date)
    if last_date is not None:
        qs = qs.filter(local_date__lte=last_date)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.select_related("location", "service", "client", "mechanic", "vehicle").order_by("start", "id")


def get_appointment_for_user(user: Any, pk: Any) -> Appointment:
    """404 when `user` may not see it (someone else's, another location's), exactly as if it did not exist."""
    return get_visible_or_404(appointments_visible_to(user), pk)
