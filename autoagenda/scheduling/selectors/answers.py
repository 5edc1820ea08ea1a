"""The availability API's answer: the busiest read of the product, one query when nothing changed.

Which location a caller sees and which services it offers are configuration, remembered under the version
counters read first (scheduling/freshness.py); the slots are the one cached answer the pages share
(`slots.BookableSlots`), cut for the request's own `now`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.http import Http404

from autoagenda.catalog.models import Service
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import get_location_for_user
from autoagenda.scheduling import freshness
from autoagenda.scheduling.selectors.slots import earliest_start, slots_ignoring_notice


def _visible_location(user: Any, pk: int) -> Location | None:
    try:
        return get_location_for_user(user, pk)
    except Http404:
        return None


def availability_location(user: Any, pk: int) -> tuple[Location, freshness.Versions]:
    """The location whose availability `user` asks for (404 when they may not see it), with the version counters
    read first: the busiest read of the product costs that one query when nothing changed, since which location
    a caller sees is configuration, remembered under them."""
    known = freshness.versions(pk)
    location = freshness.remembered(
        ("visible-location", getattr(user, "pk", None), pk),
        lambda: _visible_location(user, pk),
        config_version=known.config,
    )
    if location is None:
        raise Http404
    return location, known


def offered_service(location: Location, pk: int, known: freshness.Versions) -> Service | None:
    """The service `pk` if it is on sale at `location` (for anyone who sees the location, a visible service too);
    configuration, so remembered under the counters the caller read."""
    return freshness.remembered(
        ("offered-service", location.pk, pk),
        lambda: location.services.filter(pk=pk, is_active=True).first(),
        config_version=known.config,
    )


def availability_json(
    *,
    location: Location,
    service: Service,
    first_date: date,
    last_date: date,
    mechanic_id: int | None,
    now: datetime,
    known: freshness.Versions,
) -> str:
    """The availability API's answer (API.md) as JSON text: the cached slots, cut for this request's `now`."""
    bookable = slots_ignoring_notice(
        location=location,
        service=service,
        first_date=first_date,
        last_date=last_date,
        now=now,
        mechanic_id=mechanic_id,
        known=known,
    )
    head = json.dumps(
        {"location": location.pk, "service": service.pk, "timezone": location.timezone}, separators=(",", ":")
    )
    return f'{head[:-1]},"slots":[{bookable.json_from(earliest_start(location, now))}]}}'
