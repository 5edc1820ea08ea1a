"""The public display state: current call, the calls before it, waiting per queue, a sequence number; sent live
to the location's screens and staff panels after commit."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from autoagenda.walkins import live, selectors, services
from autoagenda.walkins.models import TicketEvent
from tests.walkins.conftest import SANTIAGO
from tests.walkins.factories import DeskFactory, QueueFactory

pytestmark = pytest.mark.usefixtures("clock")


def test_an_empty_location_shows_nothing_called_and_its_queues(cast, reception, parts):
    QueueFactory(location=cast.location, prefix="X", is_active=False)
    assert selectors.display_state(cast.location.pk) == {
        "seq": 0,
        "current": None,
        "recent": [],
        "waiting": [
            {
                "queue": reception.pk,
                "prefix": "A",
                "name": "Recepción de vehículos",
                "count": 0,
                "estimated_wait_minutes": 0,
            },
            {"queue": parts.pk, "prefix": "R", "name": "Repuestos", "count": 0, "estimated_wait_minutes": 0},
        ],
    }


def test_the_newest_call_is_current_and_up_to_six_earlier_ones_are_recent(cast, reception, desk, clock):
    for _ in range(9):
        services.ticket_issue(actor=cast.receptionist, queue=reception)
    called = []
    for _ in range(8):
        clock.shift(timedelta(minutes=1))
        called.append(services.ticket_call_next(actor=cast.mechanic, desk=desk))
    state = selectors.display_state(cast.location.pk)
    assert state["current"] == {
        "number": "A-008",
        "queue": reception.pk,
        "queue_name": "Recepción de vehículos",
        "desk": "Mesón 1",
        "at": "2026-12-01T10:08:00-03:00",
    }
    assert [c["number"] for c in state["recent"]] == ["A-007", "A-006", "A-005", "A-004", "A-003", "A-002"]
    assert state["waiting"][0]["count"] == 1
    assert state["seq"] == TicketEvent.objects.latest("id").pk


def test_a_recall_makes_that_ticket_current_again_and_lists_each_ticket_once(cast, reception, desk, clock):
    other_desk = DeskFactory(location=cast.location, name="Mesón 2")
    for _ in range(2):
        services.ticket_issue(actor=cast.receptionist, queue=reception)
    first = services.ticket_call_next(actor=cast.mechanic, desk=desk)
    clock.shift(timedelta(minutes=1))
    services.ticket_call_next(actor=cast.mechanic, desk=other_desk)
    clock.shift(timedelta(minutes=1))
    services.ticket_recall(actor=cast.mechanic, ticket=first)
    state = selectors.display_state(cast.location.pk)
    assert (state["current"]["number"], state["current"]["desk"]) == ("A-001", "Mesón 1")
    assert [(c["number"], c["desk"]) for c in state["recent"]] == [("A-002", "Mesón 2")]


def test_the_display_never_shows_who_is_waiting(cast, reception, desk):
    services.ticket_issue(
        actor=cast.receptionist, queue=reception, name="Ana Secreta", phone="+56911112222", plate="SECR12"
    )
    services.ticket_call_next(actor=cast.mechanic, desk=desk)
    text = json.dumps(selectors.display_state(cast.location.pk))
    for secret in ("Secreta", "+56911112222", "SECR12"):
        assert secret not in text


def test_yesterdays_calls_are_not_on_todays_screen(cast, reception, desk, clock):
    services.ticket_issue(actor=cast.receptionist, queue=reception)
    services.ticket_call_next(actor=cast.mechanic, desk=desk)
    clock.move_to(datetime(2026, 12, 2, 0, 1, tzinfo=SANTIAGO))
    state = selectors.display_state(cast.location.pk)
    assert (state["current"], state["recent"]) == (None, [])
    assert state["seq"] > 0


def test_every_change_raises_the_sequence_number(cast, reception, desk):
    seqs = [selectors.display_seq(cast.location.pk)]
    ticket = services.ticket_issue(actor=cast.receptionist, queue=reception)
    seqs.append(selectors.display_seq(cast.location.pk))
    services.ticket_call_next(actor=cast.mechanic, desk=desk)
    seqs.append(selectors.display_seq(cast.location.pk))
    services.ticket_finish(actor=cast.mechanic, ticket=ticket)
    seqs.append(selectors.display_seq(cast.location.pk))
    assert seqs == sorted(set(seqs))
    assert selectors.display_seq(cast.other_location.pk) == 0


# --- Live events -------------------------------------------------------------------------


@pytest.fixture
def listener(cast, settings):
    """A channel in the location's display and desk groups (in-memory layer: Redis delivery is W2's live tests)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.display_group(cast.location.pk), channel)
    async_to_sync(layer.group_add)(live.desk_group(cast.location.pk), channel)

    def receive():
        return async_to_sync(layer.receive)(channel)

    yield receive
    async_to_sync(layer.flush)()


def test_a_call_is_published_after_commit_with_the_state(
    cast, reception, desk, listener, django_capture_on_commit_callbacks
):
    services.ticket_issue(actor=cast.receptionist, queue=reception)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.ticket_call_next(actor=cast.mechanic, desk=desk)
    assert len(callbacks) == 1
    display, staff = listener(), listener()
    assert display["type"] == "display.event"
    assert display["call"] == {
        "type": "ticket.called",
        "number": "A-001",
        "desk": "Mesón 1",
        "at": "2026-12-01T10:00:00-03:00",
        "recall": False,
    }
    assert display["state"] == selectors.display_state(cast.location.pk)
    assert staff == {"type": "desk.changed", "seq": display["state"]["seq"]}


def test_a_recall_is_published_with_recall_true(cast, reception, desk, listener, django_capture_on_commit_callbacks):
    services.ticket_issue(actor=cast.receptionist, queue=reception)
    ticket = services.ticket_call_next(actor=cast.mechanic, desk=desk)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_recall(actor=cast.mechanic, ticket=ticket)
    assert listener()["call"]["recall"] is True


def test_issuing_publishes_the_state_without_a_call(cast, reception, listener, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_issue(actor=cast.receptionist, queue=reception)
    message = listener()
    assert message["call"] is None
    assert message["state"]["waiting"][0]["count"] == 1


def test_nothing_is_published_when_the_change_fails(cast, reception, desk, django_capture_on_commit_callbacks):
    from autoagenda.core.errors import ApplicationError

    ticket = services.ticket_issue(actor=cast.receptionist, queue=reception)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ApplicationError):
        services.ticket_recall(actor=cast.mechanic, ticket=ticket)
    assert callbacks == []


def test_a_broken_channel_layer_does_not_break_the_request(cast, reception, monkeypatch, caplog):
    class Broken:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", lambda: Broken())
    live.publish(cast.location.pk)
    assert "was not delivered" in caplog.text


def test_the_state_takes_a_fixed_number_of_queries_however_many_tickets(
    cast, reception, parts, desk, django_assert_max_num_queries
):
    for queue in (reception, parts):
        for _ in range(6):
            services.ticket_issue(actor=cast.receptionist, queue=queue)
    for _ in range(8):
        services.ticket_call_next(actor=cast.mechanic, desk=desk)
    with django_assert_max_num_queries(9):  # 7 + one median per queue
        state = selectors.display_state(cast.location.pk)
    assert len(state["recent"]) == 6
