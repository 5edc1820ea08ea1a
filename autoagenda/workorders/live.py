"""Live events of work orders, sent after commit to one channel group per location (the job board listens).

The message only says what changed (`{"type": "workorder.changed", "work_order", "status", "number"}`); the
board re-fetches what it shows, so a missed message costs nothing but a moment. Consumers are the UI's; they
join `group(location_id)` after authorizing with `permissions.can_watch_board`.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

CHANGED = "workorder.changed"


def group(location_id: int) -> str:
    return f"workorders.location.{location_id}"


def publish(location_id: int, message: dict[str, Any]) -> None:
    """Send now; a failure to reach the channel layer is logged, never raised (the change is committed)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group(location_id), {"type": CHANGED, **message})
    except Exception:
        logger.exception("work-order live event for location %s was not delivered", location_id)


def _version_key(location_id: int) -> str:
    return f"workorders:board-version:{location_id}"


def board_version(location_id: int) -> int | None:
    """The location's board version: every change of one of its work orders moves it (`changed_on_commit`), so
    a job board rendered under one version is exact until the next. None when the cache cannot be read (then
    nothing is served from it)."""
    try:
        return int(cache.get(_version_key(location_id), 0))
    except Exception:
        logger.exception("job-board version of location %s unreadable", location_id)
        return None


def bump_board_version(location_id: int) -> None:
    key = _version_key(location_id)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the cache is shared by the web processes (Redis in production); never fail a change
        logger.exception("job-board version of location %s not moved", location_id)


def board_touched(location_id: int) -> None:
    """A work order or its clock was written some other way than a service's `changed` (the admin, a bulk
    write): the boards of its location are rendered afresh (now, and again after the commit)."""
    bump_board_version(location_id)
    transaction.on_commit(lambda: bump_board_version(location_id))


def board_touched_by(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of WorkOrder and TimeEntry (connected in WorkordersConfig.ready)."""
    location_id = getattr(instance, "location_id", None)
    if location_id is None and getattr(instance, "work_order_id", None) is not None:
        from autoagenda.workorders.models import WorkOrder

        location_id = WorkOrder.objects.filter(pk=instance.work_order_id).values_list("location_id", flat=True).first()
    if location_id is not None:
        board_touched(location_id)


def changed_on_commit(location_id: int, *, work_order: int, status: str, number: str, what: str) -> None:
    """Tell the location's boards once the transaction commits (nothing when it rolls back).

    The board version moves twice: now (so this transaction's own reads never get an older board) and after the
    commit (so a board rendered by someone else while this transaction ran, from the data before it, is never
    served again)."""
    message = {"work_order": work_order, "status": status, "number": number, "what": what}
    bump_board_version(location_id)

    def after_commit() -> None:
        bump_board_version(location_id)
        publish(location_id, message)

    transaction.on_commit(after_commit)
