"""`/ws/locations/<id>/work-orders/`: the job board's (and the work-order page's) live feed of one location.

Staff of the location only (`permissions.can_watch_board`, session cookie, same origin). Each message only says
what changed (`live.py`); the page re-fetches what it shows, so a missed message costs a moment, nothing more.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from autoagenda.workorders import live
from autoagenda.workorders.permissions import can_watch_board

CLOSE_FORBIDDEN = 4403


class BoardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        location_id = int(self.scope["url_route"]["kwargs"]["location_id"])
        allowed = await database_sync_to_async(can_watch_board)(user, location_id)
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        group = live.group(location_id)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """The page only listens; moves go through HTTP."""

    async def workorder_changed(self, event: dict[str, Any]) -> None:
        await self.send_json(event)
