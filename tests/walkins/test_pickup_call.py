"""The call back for pickup: whatever a served person waits for is marked ready (by the app that did the work),
then a desk calls them back and the public screen shows it ("car ready, desk 2"). Walk-ins knows nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import live, selectors, services
from autoagenda.walkins.models import TicketAction, TicketEvent, TicketStatus
from tests.walkins.factories import DeskFactory

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def served(cast, reception, desk):
    services.ticket_issue(actor=cast.receptionist, queue=reception, name="Ana")
    ticket = services.ticket_call_next(actor=cast.receptionist, desk=desk)
    return services.ticket_finish(actor=cast.receptionist, ticket=ticket)


def test_a_ready_ticket_is_called_back_to_a_desk_and_the_screen_shows_it(cast, served, clock) -> None:
    counter = DeskFactory(location=cast.location, name="Mesón 2")
    clock.shift(timedelta(minutes=40))
    services.ticket_mark_ready(actor=cast.mechanic, ticket=served)
    services.ticket_call_back(actor=cast.receptionist, ticket=served, desk=counter)
    current = selectors.display_state(cast.location.pk)["current"]
    assert current == {
        "number": "A-001",
        "queue": served.queue_id,
        "queue_name": "Recepción de vehículos",
        "desk": "Mesón 2",
        "at": "2026-12-01T10:40:00-03:00",
        "pickup": True,
    }
    actions = list(TicketEvent.objects.filter(ticket=served).values_list("action", flat=True))
    assert actions[-2:] == [TicketAction.READY, TicketAction.PICKUP_CALLED]
    served.refresh_from_db()
    assert served.status == TicketStatus.DONE  # still done: the call changes no status


def test_marking_ready_twice_keeps_the_first_time(cast, served, clock) -> None:
    services.ticket_mark_ready(actor=None, ticket=served)
    first = served.ready_at
    clock.shift(timedelta(minutes=5))
    services.ticket_mark_ready(actor=None, ticket=served)
    assert served.ready_at == first
    assert TicketEvent.objects.filter(ticket=served, action=TicketAction.READY).count() == 1


def test_nothing_ready_is_409(cast, served, desk) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.ticket_call_back(actor=cast.receptionist, ticket=served, desk=desk)
    assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)


def test_a_ticket_still_waiting_cannot_be_called_back(cast, reception, desk) -> None:
    ticket = services.ticket_issue(actor=cast.receptionist, queue=reception)
    services.ticket_mark_ready(actor=None, ticket=ticket)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_call_back(actor=cast.receptionist, ticket=ticket, desk=desk)
    assert refused.value.code == "invalid_transition"


def test_a_desk_of_another_location_is_400_and_a_client_403(cast, served) -> None:
    services.ticket_mark_ready(actor=None, ticket=served)
    with pytest.raises(ApplicationError) as refused:
        services.ticket_call_back(
            actor=cast.receptionist, ticket=served, desk=DeskFactory(location=cast.other_location)
        )
    assert list(refused.value.errors) == ["desk"]
    with pytest.raises(PermissionDenied):
        services.ticket_call_back(actor=cast.client, ticket=served, desk=DeskFactory(location=cast.location))
    with pytest.raises(PermissionDenied):
        services.ticket_call_back(
            actor=cast.other_receptionist, ticket=served, desk=DeskFactory(location=cast.location)
        )


def test_the_call_is_published_with_pickup_true(cast, served, desk, settings, django_capture_on_commit_callbacks):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.display_group(cast.location.pk), channel)
    services.ticket_mark_ready(actor=None, ticket=served)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_call_back(actor=cast.receptionist, ticket=served, desk=desk)
    message = async_to_sync(layer.receive)(channel)
    assert message["call"] == {
        "type": "ticket.called",
        "number": "A-001",
        "desk": "Mesón 1",
        "at": "2026-12-01T10:00:00-03:00",
        "recall": False,
        "pickup": True,
    }
    async_to_sync(layer.flush)()
