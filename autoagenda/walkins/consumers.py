"""WebSocket consumers: the public display and the staff desk panels of one location.

`live.publish` sends to one channel group per location after each commit. The
display gets the whole state (with its sequence number) on connect and after
every event, so a screen that reconnects after a network blip or a server
restart re-syncs by itself and never shows a stale call.

Screens share one subscription per server process and location (`DisplayFeed`):
the group has one member per process rather than one per TV, each event is
received and JSON-encoded once per process, and every screen just gets the two
ready-made frames. With 200 screens that is what keeps a call under 100 ms
(bench/display.py). The feed also renews its group membership, which the channel
layers otherwise drop after a day (`group_expiry`), and a TV stays on for weeks.

A screen joins the feed *before* its initial state is read: an event that
commits in between arrives after the snapshot, and the `seq` comparison drops
the ones the snapshot already contains, so a screen neither misses a call nor
chimes twice for one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import BaseChannelLayer
from django.http import Http404

from autoagenda.locations.permissions import get_location_for_display
from autoagenda.walkins import selectors
from autoagenda.walkins.live import desk_group, display_group
from autoagenda.walkins.permissions import can_watch_desk_panel

logger = logging.getLogger(__name__)

# Close codes in the application range (4000–4999) so a client can tell "go away" from a network failure.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403

# A feed renews its group membership this often (the layers forget members after `group_expiry`, a day).
GROUP_RENEW_SECONDS = 15 * 60
# After an error reading the channel layer (Redis restarting), wait this long before reading again.
LAYER_RETRY_SECONDS = 1.0

# Messages whose handlers never touch the database. Channels closes stale database connections before every
# handler, a hop to the single sync thread per message, queued in front of the desks' own HTTP requests.
NO_DATABASE_MESSAGES = frozenset({"desk.changed", "websocket.receive"})


class _LiveConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] in NO_DATABASE_MESSAGES:
            handler = getattr(self, message["type"].replace(".", "_"), None)
            if handler is not None:
                await handler(message)
                return
        await super().dispatch(message)


def _public_location_id(location_id: int) -> int | None:
    """The location's id when its display is public (an active location), else None."""
    try:
        return get_location_for_display(location_id).pk
    except Http404:
        return None


def _display_state(location_id: int) -> dict[str, Any]:
    return selectors.display_state(location_id)


def _may_watch_desks(user: Any, location_id: int) -> bool:
    return can_watch_desk_panel(user, location_id)


def _encode(content: Any) -> str:
    return json.dumps(content)  # the same encoding as AsyncJsonWebsocketConsumer.send_json


class DisplayFeed:
    """The display events of one location, received once per process (per event loop) for all its screens."""

    # Event loop → location id → feed. Keyed by loop: each test's event loop (and each server) has its own.
    _feeds: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, DisplayFeed]]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, location_id: int, layer: BaseChannelLayer) -> None:
        self.location_id = location_id
        self.layer = layer
        self.group = display_group(location_id)
        self.screens: set[DisplayConsumer] = set()
        self.ready = asyncio.Event()
        self.channel_name = ""
        self.tasks: list[asyncio.Task[None]] = []

    @classmethod
    async def join(cls, location_id: int, screen: DisplayConsumer) -> DisplayFeed:
        feeds = cls._feeds.setdefault(asyncio.get_running_loop(), {})
        feed = feeds.get(location_id)
        if feed is None:
            feed = feeds[location_id] = cls(location_id, screen.channel_layer)
            feed.screens.add(screen)
            try:
                await feed._start()
            except BaseException:
                feeds.pop(location_id, None)
                raise
        else:
            feed.screens.add(screen)
            await feed.ready.wait()
        return feed

    async def leave(self, screen: DisplayConsumer) -> None:
        self.screens.discard(screen)
        if self.screens:
            return
        feeds = self._feeds.get(asyncio.get_running_loop(), {})
        if feeds.get(self.location_id) is self:
            del feeds[self.location_id]
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        try:
            await self.layer.group_discard(self.group, self.channel_name)
        except Exception:
            logger.warning("display feed of location %s could not leave its group", self.location_id)

    async def _start(self) -> None:
        # The default prefix: channels-redis reads all of a process's channels from one Redis list ("specific.").
        self.channel_name = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel_name)
        self.tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._renew())]
        self.ready.set()

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(GROUP_RENEW_SECONDS)
            try:
                await self.layer.group_add(self.group, self.channel_name)
            except Exception:
                logger.warning("display feed of location %s could not renew its group", self.location_id)

    async def _receive(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("display feed of location %s lost a message", self.location_id)
                await asyncio.sleep(LAYER_RETRY_SECONDS)
                continue
            if message.get("type") == "display.event":
                await self.broadcast(message)

    async def broadcast(self, event: dict[str, Any]) -> None:
        state: dict[str, Any] = event["state"]
        call = event.get("call")
        seq = int(state["seq"])
        call_text = _encode(call) if call else None
        state_text = _encode({**state, "type": "display.state"})
        for screen in list(self.screens):
            try:
                await screen.push(seq, call_text, state_text)
            except Exception:
                # A socket that closed under us; its disconnect removes it from the feed.
                logger.debug("display screen gone", exc_info=True)


class DisplayConsumer(_LiveConsumer):
    """`/ws/locations/<id>/display/`: anonymous and read-only; whatever a client sends is ignored."""

    location_id: int
    feed: DisplayFeed | None = None
    # Highest sequence number sent (states), and the one of the snapshot sent on connect (calls).
    sent_seq: int = -1
    snapshot_seq: int = -1
    # Frames that arrived while the snapshot was being read (None once it is sent).
    pending: list[tuple[int, str | None, str]] | None = None

    async def connect(self) -> None:
        location_id = await database_sync_to_async(_public_location_id)(
            int(self.scope["url_route"]["kwargs"]["location_id"])
        )
        if location_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.location_id = location_id
        self.pending = []
        self.feed = await DisplayFeed.join(location_id, self)
        try:
            state = await database_sync_to_async(_display_state)(location_id)
            await self.accept()
            self.snapshot_seq = int(state["seq"])
            await self._send_state(int(state["seq"]), _encode({**state, "type": "display.state"}))
        except BaseException:
            await self.disconnect(CLOSE_NOT_FOUND)
            raise
        pending, self.pending = self.pending, None
        for frames in pending:
            await self.push(*frames)

    async def disconnect(self, code: int) -> None:
        if self.feed is not None:
            feed, self.feed = self.feed, None
            await feed.leave(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Screens only listen; anything a client sends (JSON or not) is ignored."""

    async def push(self, seq: int, call_text: str | None, state_text: str) -> None:
        """One display event, already encoded by the feed: the call (unless the screen has it), then the state."""
        if self.pending is not None:
            self.pending.append((seq, call_text, state_text))
            return
        if call_text is not None and seq > self.snapshot_seq:
            await self.send(text_data=call_text)
        if seq >= self.sent_seq:
            await self._send_state(seq, state_text)

    async def _send_state(self, seq: int, state_text: str) -> None:
        self.sent_seq = seq
        await self.send(text_data=state_text)


class DeskConsumer(_LiveConsumer):
    """`/ws/locations/<id>/desk/`: the location's staff (session login); tells panels to re-fetch."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        location_id = int(self.scope["url_route"]["kwargs"]["location_id"])
        if not await database_sync_to_async(_may_watch_desks)(user, location_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        group = desk_group(location_id)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Panels act through HTTP (services); the socket only carries news."""

    async def desk_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "desk.changed", "seq": event.get("seq", 0)})
