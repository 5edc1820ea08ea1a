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


def changed_on_commit(location_id: int, *, work_order: int, status: str, number: str, what: str) -> None:
    """Tell the location's boards once the transaction commits (nothing when it rolls back)."""
    message = {"work_order": work_order, "status": status, "number": number, "what": what}
    transaction.on_commit(lambda: publish(location_id, message))
