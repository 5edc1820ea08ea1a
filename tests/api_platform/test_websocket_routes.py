"""Unknown or malformed WebSocket paths are refused cleanly through the real ASGI application (never a 500)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from autoagenda.core.consumers import CLOSE_NO_SUCH_ROUTE
from config.asgi import application

TIMEOUT = 3

# A consumer closes stale database connections of its thread on every message (Channels' dispatch), so the
# handshake touches the connection when an earlier test left one in asgiref's shared thread: allow it.
pytestmark = pytest.mark.django_db


async def _handshake(path: str) -> tuple[bool, int | str | None]:
    socket = WebsocketCommunicator(application, path)
    try:
        return await socket.connect(TIMEOUT)
    finally:
        await socket.disconnect()


@pytest.mark.parametrize(
    "path",
    [
        "/ws/locations/abc/display/",
        "/ws/locations/abc/desk/",
        "/ws/locations/99999999999999999999/display/",
        "/ws/locations/9223372036854775808/desk/",
        "/ws/locations/0/display/",
        "/ws/locations/1/display/extra/",
        "/ws/unknown/",
        "/ws/",
        "/",
        "/api/v1/locations/1/display/",
    ],
)
def test_a_handshake_to_a_path_no_route_takes_is_refused(path):
    connected, code = async_to_sync(_handshake)(path)
    assert connected is False
    assert code == CLOSE_NO_SUCH_ROUTE


@pytest.mark.django_db(transaction=True)
def test_the_display_route_still_answers_its_own_paths():
    from autoagenda.walkins.consumers import CLOSE_NOT_FOUND

    connected, code = async_to_sync(_handshake)("/ws/locations/424242/display/")
    assert connected is False
    assert code == CLOSE_NOT_FOUND  # the display's own refusal: the route matched
