"""The WebSocket route of last resort."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer

CLOSE_NO_SUCH_ROUTE = 4404


class NoSuchRouteConsumer(AsyncWebsocketConsumer):
    """Refuses the handshake of any path no route takes (`/ws/locations/abc/display/`, `/ws/nothing/`).

    Without it Channels' URLRouter raises ValueError("No route found"), which the server turns into an HTTP 500
    with a traceback in the log for what is only a wrong URL. Closing before accepting is a refused handshake
    (HTTP 403 to the browser); nothing is read from the database.
    """

    async def connect(self) -> None:
        await self.close(code=CLOSE_NO_SUCH_ROUTE)
