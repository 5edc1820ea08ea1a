"""`/ws/notifications/`: the bell's live count, one group per signed-in user (session cookie, same-origin).

On connect and after every change to the person's inbox (live.py) the socket sends
`{"type": "inbox.unread", "unread": n, "changed": bool}`; the count is re-read from the database each time,
so a page can never show a number another process's message made stale.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from autoagenda.notifications import selectors
from autoagenda.notifications.live import inbox_group

CLOSE_FORBIDDEN = 4403


class InboxConsumer(AsyncJsonWebsocketConsumer):
    user_id: int

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        group = inbox_group(user.pk)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)
        await self.accept()
        await self._send_count(changed=False)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """The page only listens; reading and deleting go through HTTP."""

    async def inbox_changed(self, event: dict[str, Any]) -> None:
        await self._send_count(changed=True)

    async def _send_count(self, *, changed: bool) -> None:
        user = self.scope["user"]
        count = await database_sync_to_async(selectors.unread_count)(user)
        await self.send_json({"type": "inbox.unread", "unread": count, "changed": changed})
