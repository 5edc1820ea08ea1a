"""Live in every deployment: two ASGI server processes on one Redis and one database.

A desk calls through process 1's API; a screen connected to process 2 hears it (and the other way round);
desks on both processes pressing "call next" at once never get the same person.
This is what `uvicorn --workers N` or several web containers behind a load balancer look like.
"""

from __future__ import annotations

import json
import threading
import urllib.error
from typing import Any

import pytest
from websockets.sync.client import connect

from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.walkins import services
from autoagenda.walkins.models import Ticket
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


def test_desks_pressing_call_next_at_once_on_two_server_processes_never_share_a_ticket(cast, settings):
    """Six desks, three on each process, press "call next" together for four waiting people: four calls, four
    different people, each at one desk; the two desks left over hear that nobody waits (204)."""
    reception = QueueFactory(location=cast.location, name="Recepción de vehículos", prefix="A")
    desks = [DeskFactory(location=cast.location, name=f"Mesón {number}") for number in range(1, 7)]
    waiting = [services.ticket_issue(actor=cast.receptionist, queue=reception) for _ in range(4)]
    token = token_pair_for_login(cast.receptionist).access
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    with AsgiServer(redis_url=settings.REDIS_URL) as one, AsgiServer(redis_url=settings.REDIS_URL) as two:
        servers = (one, two)
        for server in servers:  # both processes are up before the race starts
            assert server.get("/health/", timeout=START_S)[0] == 200
        barrier = threading.Barrier(len(desks))

        def press(index: int, desk_pk: int) -> None:
            barrier.wait(timeout=30)
            try:
                answer = servers[index % 2].post(f"/api/v1/desks/{desk_pk}/call-next/", token=token)
            except urllib.error.HTTPError as error:
                answer = (error.code, error.read().decode())
            with lock:
                answers.append(answer)

        threads = [threading.Thread(target=press, args=(i, desk.pk)) for i, desk in enumerate(desks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(status for status, _body in answers) == [200, 200, 200, 200, 204, 204], answers
    called = [body["number"] for status, body in answers if status == 200]
    assert sorted(called) == sorted(ticket.code for ticket in waiting)
    rows = Ticket.objects.filter(pk__in=[ticket.pk for ticket in waiting])
    assert sorted(rows.values_list("status", flat=True)) == ["called"] * 4
    assert len(set(rows.values_list("desk_id", flat=True))) == 4
