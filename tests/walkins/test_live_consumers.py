"""The WebSockets of the walk-in queue, through the project's real ASGI routing (channels.testing).

Screens: `/ws/locations/<id>/display/` (anonymous, any Origin, read-only); staff panels:
`/ws/locations/<id>/desk/` (session login, the location's staff, same-site Origin). Calls go through the
real services and commit for real (transactional tests: the consumers' database_sync_to_async closes
the connection, which would end a test transaction), so their `on_commit` publication runs as in production.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.walkins import live, selectors, services
from config.asgi import application
from tests.walkins.factories import DeskFactory, QueueFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 3  # seconds a receive may wait; every expected message comes well within it


def run(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test body from a plain (sync) pytest test: pytest-django's fixtures stay usable."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        async_to_sync(test)(*args, **kwargs)

    return wrapper


def display(location_id: int, **kwargs: Any) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/locations/{location_id}/display/", **kwargs)


async def watching(location_id: int) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """A connected screen of the location, and the state it got on connecting."""
    screen = display(location_id)
    assert (await screen.connect())[0]
    return screen, await screen.receive_json_from(TIMEOUT)


def desk_socket(location_id: int, session_key: str | None, origin: str = "http://testserver") -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/locations/{location_id}/desk/", headers=headers)


def session_of(web: Any, user: Any) -> str:
    return web(user).cookies["sessionid"].value


@pytest.fixture
def counter(cast):
    """A location with two queues and two desks, and `act(fn)` that runs a service (it publishes on commit)."""
    reception = QueueFactory(location=cast.location, name="Recepción de vehículos", prefix="A", position=1)
    parts = QueueFactory(location=cast.location, name="Repuestos", prefix="R", position=2)
    desk1 = DeskFactory(location=cast.location, name="Mesón 1")
    desk2 = DeskFactory(location=cast.location, name="Mesón 2")

    def act(fn: Callable[[], Any]) -> Any:
        return fn()

    class Counter:
        pass

    c = Counter()
    c.location, c.reception, c.parts, c.desk1, c.desk2 = cast.location, reception, parts, desk1, desk2  # type: ignore[attr-defined]
    c.act = database_sync_to_async(act)  # type: ignore[attr-defined]
    c.staff = cast.receptionist  # type: ignore[attr-defined]
    return c


def issue(counter: Any, queue: Any) -> Callable[[], Any]:
    return lambda: services.ticket_issue(actor=counter.staff, queue=queue)


def call_next(counter: Any, desk: Any) -> Callable[[], Any]:
    return lambda: services.ticket_call_next(actor=counter.staff, desk=desk)


# --- The public display ------------------------------------------------------------------


@run
async def test_a_screen_gets_the_whole_state_with_its_sequence_number_on_connect(counter):
    await counter.act(issue(counter, counter.reception))
    await counter.act(issue(counter, counter.reception))
    await counter.act(call_next(counter, counter.desk1))
    expected = await database_sync_to_async(selectors.display_state)(counter.location.pk)

    screen, message = await watching(counter.location.pk)
    assert message == {"type": "display.state", **expected}
    assert message["seq"] > 0
    assert message["current"]["number"] == "A-001"
    assert message["current"]["desk"] == "Mesón 1"
    assert [w["count"] for w in message["waiting"] if w["prefix"] == "A"] == [1]
    assert await screen.receive_nothing()
    await screen.disconnect()


@run
async def test_a_call_reaches_the_screen_as_a_call_message_then_the_new_state(counter):
    await counter.act(issue(counter, counter.reception))
    screen, first = await watching(counter.location.pk)

    await counter.act(call_next(counter, counter.desk2))

    call = await screen.receive_json_from(TIMEOUT)
    assert call["type"] == "ticket.called"
    assert {k: call[k] for k in ("number", "desk", "recall")} == {"number": "A-001", "desk": "Mesón 2", "recall": False}
    assert call["at"]
    state = await screen.receive_json_from(TIMEOUT)
    assert state["type"] == "display.state"
    assert state["seq"] > first["seq"]
    assert state["current"]["number"] == "A-001"
    assert state["current"]["desk"] == "Mesón 2"
    assert await screen.receive_nothing()
    await screen.disconnect()


@run
async def test_a_recall_is_announced_again_with_recall_true(counter):
    await counter.act(issue(counter, counter.parts))
    ticket = await counter.act(call_next(counter, counter.desk1))
    screen, _ = await watching(counter.location.pk)

    await counter.act(lambda: services.ticket_recall(actor=counter.staff, ticket=ticket))

    call = await screen.receive_json_from(TIMEOUT)
    assert (call["type"], call["number"], call["desk"], call["recall"]) == ("ticket.called", "R-001", "Mesón 1", True)
    assert (await screen.receive_json_from(TIMEOUT))["type"] == "display.state"
    await screen.disconnect()


@run
async def test_changes_without_a_call_send_only_the_new_state(counter):
    screen, before = await watching(counter.location.pk)

    await counter.act(issue(counter, counter.reception))

    state = await screen.receive_json_from(TIMEOUT)
    assert state["type"] == "display.state"
    assert state["seq"] > before["seq"]
    assert [w["count"] for w in state["waiting"] if w["prefix"] == "A"] == [1]
    assert await screen.receive_nothing()
    await screen.disconnect()


@run
async def test_every_screen_of_the_location_hears_a_call_and_another_locations_screen_does_not(counter, cast):
    await counter.act(issue(counter, counter.reception))
    screens = [(await watching(counter.location.pk))[0] for _ in range(3)]
    elsewhere, _ = await watching(cast.other_location.pk)

    await counter.act(call_next(counter, counter.desk1))

    for screen in screens:
        assert (await screen.receive_json_from(TIMEOUT))["number"] == "A-001"
        assert (await screen.receive_json_from(TIMEOUT))["type"] == "display.state"
    assert await elsewhere.receive_nothing()
    for screen in [*screens, elsewhere]:
        await screen.disconnect()


@run
async def test_a_screen_connects_from_any_origin_without_logging_in(counter):
    screen = display(counter.location.pk, headers=[(b"origin", b"http://tv-box.example.org")])
    connected, _ = await screen.connect()
    assert connected
    assert (await screen.receive_json_from(TIMEOUT))["type"] == "display.state"
    await screen.disconnect()


@run
async def test_a_screen_of_an_unknown_or_inactive_location_is_closed(counter, cast):
    cast.other_location.is_active = False
    await database_sync_to_async(cast.other_location.save)()
    for location_id in (987654, cast.other_location.pk):
        screen = display(location_id)
        connected, code = await screen.connect()
        assert not connected
        assert code == 4404
        await screen.disconnect()  # let the refused consumer end, as a closing browser would


@run
async def test_what_a_screen_sends_is_ignored(counter):
    screen, _ = await watching(counter.location.pk)

    await screen.send_json_to({"type": "ticket.called", "number": "Z-999", "desk": "Hacked"})
    await screen.send_to(text_data="not json at all")
    assert await screen.receive_nothing()

    await counter.act(issue(counter, counter.reception))
    await counter.act(call_next(counter, counter.desk1))
    messages = [await screen.receive_json_from(TIMEOUT) for _ in range(3)]
    assert [m["type"] for m in messages] == ["display.state", "ticket.called", "display.state"]
    assert messages[1]["number"] == "A-001"
    await screen.disconnect()


@run
async def test_an_event_the_screen_already_has_neither_chimes_again_nor_rolls_the_state_back(counter):
    """Events that commit while a screen connects arrive after its snapshot: the snapshot already has them."""
    await counter.act(issue(counter, counter.reception))
    await counter.act(call_next(counter, counter.desk1))
    screen, snapshot = await watching(counter.location.pk)
    layer = get_channel_layer()
    stale = {**snapshot, "seq": snapshot["seq"] - 1, "current": None}
    stale.pop("type")
    call = {"type": "ticket.called", "number": "A-001", "desk": "Mesón 1", "at": "x", "recall": False}

    # The call inside the snapshot, delivered late: no second chime, the same state again is harmless.
    same = dict(snapshot)
    same.pop("type")
    await layer.group_send(
        live.display_group(counter.location.pk), {"type": "display.event", "call": call, "state": same}
    )
    assert (await screen.receive_json_from(TIMEOUT))["type"] == "display.state"
    # An older state (a slower process's event): not sent at all.
    await layer.group_send(
        live.display_group(counter.location.pk), {"type": "display.event", "call": None, "state": stale}
    )
    assert await screen.receive_nothing()
    await screen.disconnect()


@run
async def test_the_screen_state_never_names_the_people_waiting(counter):
    await counter.act(
        lambda: services.ticket_issue(
            actor=counter.staff, queue=counter.reception, name="Ana Pizarro", phone="+56 9 1234 5678", plate="HXTZ55"
        )
    )
    await counter.act(call_next(counter, counter.desk1))
    screen = display(counter.location.pk)
    assert (await screen.connect())[0]
    raw = await screen.receive_from(TIMEOUT)
    for private in ("Ana", "Pizarro", "1234", "HXTZ55"):
        assert private not in raw
    await screen.disconnect()


def test_connecting_a_screen_costs_a_bounded_number_of_queries(counter):
    for _ in range(3):
        services.ticket_issue(actor=counter.staff, queue=counter.reception)
        services.ticket_call_next(actor=counter.staff, desk=counter.desk1)

    @run
    async def connect_one() -> None:
        screen, _ = await watching(counter.location.pk)
        await screen.disconnect()

    with CaptureQueriesContext(connection) as queries:
        connect_one()
    assert len(queries) <= 15, [q["sql"] for q in queries]


# --- The staff desk panels ----------------------------------------------------------------


@run
async def test_the_locations_staff_hear_that_something_changed(counter, cast, web):
    sockets = []
    for user in (cast.receptionist, cast.mechanic, cast.manager, cast.admin):
        panel = desk_socket(counter.location.pk, await database_sync_to_async(session_of)(web, user))
        connected, _ = await panel.connect()
        assert connected, user.email
        sockets.append(panel)

    await counter.act(issue(counter, counter.reception))

    expected_seq = await database_sync_to_async(selectors.display_seq)(counter.location.pk)
    for panel in sockets:
        assert await panel.receive_json_from(TIMEOUT) == {"type": "desk.changed", "seq": expected_seq}
        await panel.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "client", "outsider", "other_manager", "other_receptionist"])
def test_others_cannot_open_the_desk_socket(counter, cast, web, who):
    user = cast.by_name(who)
    session = session_of(web, user) if user is not None else None

    @run
    async def scenario() -> None:
        panel = desk_socket(counter.location.pk, session)
        connected, code = await panel.connect()
        assert not connected
        assert code == 4403
        await panel.disconnect()  # let the refused consumer end, as a closing browser would

    scenario()


@run
async def test_the_desk_socket_refuses_another_sites_page(counter, cast, web):
    panel = desk_socket(
        counter.location.pk,
        await database_sync_to_async(session_of)(web, cast.receptionist),
        origin="https://evil.example.com",
    )
    connected, _ = await panel.connect()
    assert not connected
    await panel.disconnect()


@pytest.mark.redis
def test_the_redis_layer_reads_longer_than_it_blocks_waiting_for_messages():
    """An idle screen's consumer waits in a 5 s blocking pop; a shorter socket timeout would kill it every 5 s."""
    layer = get_channel_layer()
    for host in layer.hosts:
        assert host.get("socket_timeout")
        assert host["socket_timeout"] > layer.brpop_timeout


def test_the_screens_of_a_location_share_one_subscription_per_process(counter, settings):
    """The group has one member per server process, however many TVs: each event is received once."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    group = live.display_group(counter.location.pk)

    @run
    async def scenario() -> None:
        layer = get_channel_layer()
        screens = [(await watching(counter.location.pk))[0] for _ in range(5)]
        assert len(layer.groups[group]) == 1
        await counter.act(issue(counter, counter.reception))
        for screen in screens:
            assert (await screen.receive_json_from(TIMEOUT))["type"] == "display.state"
        for screen in screens:
            await screen.disconnect()
        # The last screen out leaves the group.
        assert not layer.groups.get(group)

    scenario()
