"""Reads of the notifications app, scoped through notifications/permissions.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from autoagenda.accounts.models import User
from autoagenda.locations.models import Location
from autoagenda.notifications import permissions
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.scheduling.models import Appointment

FEED_PAST_DAYS = 90


def unread_count(user: Any) -> int:
    return permissions.inbox_of(user).filter(read_at__isnull=True).count()


def inbox_for(user: Any, *, unread: bool = False) -> QuerySet[InAppNotification]:
    items = permissions.inbox_of(user)
    if unread:
        items = items.filter(read_at__isnull=True)
    return items.select_related("location").order_by("-created_at", "-id")


def outbox_for(user: Any, *, location: Location | None = None, status: str | None = None) -> QuerySet[Delivery]:
    rows = permissions.outbox_visible_to(user).select_related("location")
    if location is not None:
        rows = rows.filter(location=location)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def feed_appointments(user: User, *, now: datetime | None = None) -> QuerySet[Appointment]:
    """What a person's calendar feed lists: a client's own appointments, a staff member's assigned ones,
    from 90 days back on; cancelled ones stay (marked cancelled) so subscribed calendars drop them."""
    since = (now or timezone.now()) - timedelta(days=FEED_PAST_DAYS)
    owner = {"client": user} if user.is_client else {"mechanic": user}
    return (
        Appointment.objects.filter(start__gte=since, **owner)
        .select_related("location", "service", "mechanic", "vehicle", "client")
        .annotate(ics_sequence=Count("status_changes") - 1)
        .order_by("start", "id")
    )
