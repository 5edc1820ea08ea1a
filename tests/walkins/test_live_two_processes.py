"""Live in every deployment: two ASGI server processes on one Redis and one database.

A desk calls through process 1's API; a screen connected to process 2 hears it (and the other way round).
This is what `uvicorn --workers N` or several web containers behind a load balancer look like.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.walkins import services
from tests.walkins.asgi_server import AsgiServer
from tests.walkins.factories import DeskFactory, QueueFactory

pytestmark = [pytest.mark.redis, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

START_S = 60  # a cold process imports Django first; the request waits in the socket's backlog meanwhile
MESSAGE_S = 5


def _next(screen: Any) -> dict[str, Any]:
    return json.loads(screen.recv(timeout=MESSAGE_S))


def test_a_call_through_one_server_process_reaches_a_screen_on_another(cast, settings):
    reception = QueueFactory(location=cast.location, name="Recepción de vehículos", prefix="A")
    desk = DeskFactory(location=cast.location, name="Mesón 1")
    services.ticket_issue(actor=cast.receptionist, queue=reception)
    token = token_pair_for_login(cast.receptionist).access
    display_path = f"/ws/locations/{cast.location.pk}/display/"

    with AsgiServer(redis_url=settings.REDIS_URL) as one, AsgiServer(redis_url=settings.REDIS_URL) as two:
        assert one.process is not None
        assert two.process is not None
        assert one.process.pid != two.process.pid
        with connect(two.ws_url + display_path, open_timeout=START_S) as on_two:
            assert _next(on_two)["type"] == "display.state"
            # Process 1 starts too before the call is timed (its first request waits in the backlog).
            assert one.get("/health/", timeout=START_S)[0] == 200

            status, ticket = one.post(f"/api/v1/desks/{desk.pk}/call-next/", token=token)

            assert status == 200
            assert ticket["number"] == "A-001"
            call = _next(on_two)
            assert {k: call[k] for k in ("type", "number", "desk", "recall")} == {
                "type": "ticket.called",
                "number": "A-001",
                "desk": "Mesón 1",
                "recall": False,
            }
            state = _next(on_two)
            assert state["type"] == "display.state"
            assert state["current"]["number"] == "A-001"

            # And back: a recall through process 2 reaches a screen on process 1 (and the one on 2).
            with connect(one.ws_url + display_path, open_timeout=START_S) as on_one:
                assert _next(on_one)["seq"] == state["seq"]
                status, _ = two.post(f"/api/v1/tickets/{ticket['id']}/recall/", token=token, timeout=START_S)
                assert status == 200
                for screen in (on_one, on_two):
                    call = _next(screen)
                    assert (call["type"], call["number"], call["recall"]) == ("ticket.called", "A-001", True)
                    assert _next(screen)["seq"] > state["seq"]
