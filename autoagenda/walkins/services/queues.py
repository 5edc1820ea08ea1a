"""Queues: opening and changing the lines tickets wait in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service
from autoagenda.locations.models import Location
from autoagenda.walkins.models import (
    PREFIXES,
    Queue,
)
from autoagenda.walkins.permissions import can_manage_queues
from autoagenda.walkins.services.base import (
    QUEUE_NAME_MAX,
    _clean_name,
    _publish_after_commit,
    _raise_if_errors,
    _save_unique,
)


def _clean_prefix(value: Any, location: Location, errors: dict[str, list[str]], *, exclude: int | None = None) -> str:
    prefix = str(value or "").strip().upper()
    if prefix not in PREFIXES:
        errors["prefix"] = [_("Use one letter from A to Z.")]
    elif Queue.objects.filter(location=location, prefix=prefix).exclude(pk=exclude or 0).exists():
        errors["prefix"] = [_("Another queue at this location already uses this letter.")]
    return prefix


def _check_services(services: Iterable[Service], location: Location, errors: dict[str, list[str]]) -> list[Service]:
    chosen = list(services)
    offered = set(location.services.values_list("id", flat=True))
    if any(s.pk not in offered for s in chosen):
        errors["services"] = [_("Choose services offered at this location.")]
    return chosen


def queue_create(
    *, actor: Any, location: Location, name: str, prefix: str, services: Iterable[Service] = (), position: int = 0
) -> Queue:
    """Admins and the location's managers open a queue; its prefix letter is unique at the location."""
    require(can_manage_queues(actor, location))
    errors: dict[str, list[str]] = {}
    name = _clean_name(name, QUEUE_NAME_MAX, errors)
    prefix = _clean_prefix(prefix, location, errors)
    chosen = _check_services(services, location, errors)
    _raise_if_errors(errors, _("The queue was not saved."))
    with transaction.atomic():
        queue = Queue(location=location, name=name, prefix=prefix, position=position)
        _save_unique(queue, "prefix", _("Another queue at this location already uses this letter."))
        queue.services.set(chosen)
        _publish_after_commit(location.pk)
    return queue


def queue_update(
    *,
    actor: Any,
    queue: Queue,
    name: str | None = None,
    prefix: str | None = None,
    services: Iterable[Service] | None = None,
    is_active: bool | None = None,
    position: int | None = None,
) -> Queue:
    """Change what is given (None leaves a field as it is). Tickets keep the prefix they were issued with."""
    require(can_manage_queues(actor, queue.location))
    errors: dict[str, list[str]] = {}
    if name is not None:
        queue.name = _clean_name(name, QUEUE_NAME_MAX, errors)
    if prefix is not None:
        queue.prefix = _clean_prefix(prefix, queue.location, errors, exclude=queue.pk)
    chosen = _check_services(services, queue.location, errors) if services is not None else None
    _raise_if_errors(errors, _("The queue was not saved."))
    if is_active is not None:
        queue.is_active = is_active
    if position is not None:
        queue.position = position
    with transaction.atomic():
        _save_unique(queue, "prefix", _("Another queue at this location already uses this letter."))
        if chosen is not None:
            queue.services.set(chosen)
        _publish_after_commit(queue.location_id)
    return queue
