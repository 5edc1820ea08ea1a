"""The job board's WebSocket `/ws/locations/<id>/work-orders/`: the location's staff get a message for every change
of one of its work orders (after commit); anyone else is refused (4403)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from autoagenda.workorders import services
from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 3


def board_socket(location_id: int, session_key: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/locations/{location_id}/work-orders/", headers=headers)


def session_of(web: Any, user: Any) -> str:
    return web(user).cookies["sessionid"].value


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "manager", "admin"])
def test_the_locations_staff_hear_every_move(cast, web, work_order, who):
    session = session_of(web, cast.by_name(who))

    async def scenario() -> None:
        board = board_socket(cast.location.pk, session)
        connected, _code = await board.connect()
        assert connected
        await database_sync_to_async(services.work_order_transition)(
            actor=cast.mechanic, work_order=work_order, status="in_progress"
        )
        message = await board.receive_json_from(TIMEOUT)
        assert message["type"] == "workorder.changed"
        assert message["work_order"] == work_order.pk
        assert message["status"] == "in_progress"
        await board.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("who", ["anonymous", "client", "outsider", "other_manager", "other_receptionist"])
def test_others_cannot_open_the_board_socket(cast, web, who):
    user = cast.by_name(who)
    session = session_of(web, user) if user is not None else None

    async def scenario() -> None:
        board = board_socket(cast.location.pk, session)
        connected, code = await board.connect()
        assert not connected
        assert code == 4403
        await board.disconnect()

    async_to_sync(scenario)()
