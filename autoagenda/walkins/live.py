"""Live events of the walk-in queue, sent after commit to one channel group per location.

Screens (`display.location.<id>`) get the call, if any, and the full display state with its sequence number,
so a screen that missed messages re-syncs from the next one; staff panels (`desk.location.<id>`) only learn
that something changed and re-fetch. The state is computed once per event, however many screens listen.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from autoagenda.locations.models import Location
from autoagenda.walkins import selectors

logger = logging.getLogger(__name__)

DISPLAY_EVENT = "display.event"
DESK_CHANGED = "desk.changed"
TICKET_CALLED = "ticket.called"


def display_group(location_id: int) -> str:
    return f"display.location.{location_id}"


def desk_group(location_id: int) -> str:
    return f"desk.location.{location_id}"


def call_message(*, number: str, desk: str, at: datetime, location: Location, recall: bool) -> dict[str, Any]:
    """The WebSocket message of a call (API.md): `{"type": "ticket.called", "number", "desk", "at", "recall"}`."""
    return {
        "type": TICKET_CALLED,
        "number": number,
        "desk": desk,
        "at": selectors.local_iso(at, location),
        "recall": recall,
    }


def publish(location_id: int, *, call: dict[str, Any] | None = None) -> None:
    """Tell the location's screens and staff panels; called from `transaction.on_commit`.

    A failure to reach the channel layer is logged, never raised: the change is already committed, and
    screens re-sync from the next event or when they reconnect.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        state = selectors.display_state(location_id)
        async_to_sync(layer.group_send)(
            display_group(location_id), {"type": DISPLAY_EVENT, "call": call, "state": state}
        )
        async_to_sync(layer.group_send)(desk_group(location_id), {"type": DESK_CHANGED, "seq": state["seq"]})
    except Exception:
        logger.exception("walk-in live event for location %s was not delivered", location_id)
