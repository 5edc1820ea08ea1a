"""Scheduling's domain events: each appointment service sends one, inside its transaction, and a subscriber that
fails refuses the whole operation (the status, its history and every other write stay as they were).

The clock stands still on Monday 2026-11-30 08:00 in Santiago; the cast's location opens Monday–Friday
09:00–13:00 and 14:00–18:00.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts import events as account_events
from autoagenda.accounts import services as account_services
from autoagenda.core.events import Event
from autoagenda.locations import events as location_events
from autoagenda.locations import services as location_services
from autoagenda.locations.models import OpeningHours
from autoagenda.scheduling import events
from autoagenda.scheduling.models import Appointment, AppointmentStatus, AppointmentStatusChange
from autoagenda.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from autoagenda.walkins import services as walkin_services
from autoagenda.walkins.models import Ticket
from tests.catalog.factories import ServiceFactory
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.factories import QueueFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
TUESDAY = date(2026, 12, 1)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(TUESDAY.year, TUESDAY.month, TUESDAY.day, hour, minute, tzinfo=SCL)


class Refused(Exception):
    """What the failing subscriber raises."""


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def subscribed() -> Iterator[Callable[[Event[Any], Callable[[Any], None]], None]]:
    """Subscribe for this test only."""
    added: list[tuple[Event[Any], Callable[[Any], None]]] = []

    def subscribe(event: Event[Any], subscriber: Callable[[Any], None]) -> None:
        event.subscribe(subscriber)
        added.append((event, subscriber))

    yield subscribe
    for event, subscriber in added:
        event.unsubscribe(subscriber)


@pytest.fixture
def received(subscribed) -> Callable[[Event[Any]], list[Any]]:
    def listen(event: Event[Any]) -> list[Any]:
        payloads: list[Any] = []
        subscribed(event, payloads.append)
        return payloads

    return listen


def refuse(payload: Any) -> None:
    raise Refused


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location], duration_minutes=60)


@pytest.fixture
def appointment(cast, service):
    return AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(9))


def test_booking_sends_appointment_booked_with_the_new_appointment(cast, service, received):
    booked = received(events.appointment_booked)
    appointment = appointment_book(actor=cast.client, location=cast.location, service=service, start=at(10))
    assert [(p.appointment.pk, p.actor) for p in booked] == [(appointment.pk, cast.client)]


def test_moving_sends_appointment_rescheduled_with_where_it_was(cast, appointment, received):
    moved = received(events.appointment_rescheduled)
    appointment_reschedule(actor=cast.receptionist, appointment=appointment, start=at(11))
    [payload] = moved
    assert (payload.appointment.start, payload.previous_start, payload.actor) == (at(11), at(9), cast.receptionist)


def test_cancelling_sends_appointment_cancelled_and_no_status_change(cast, appointment, received):
    cancelled = received(events.appointment_cancelled)
    changed = received(events.appointment_status_changed)
    appointment_cancel(actor=cast.client, appointment=appointment)
    assert [(p.appointment.pk, p.from_status) for p in cancelled] == [(appointment.pk, AppointmentStatus.CONFIRMED)]
    assert changed == []


def test_a_status_change_sends_appointment_status_changed_with_from_and_to(cast, appointment, received):
    changed = received(events.appointment_status_changed)
    appointment_set_status(actor=cast.receptionist, appointment=appointment, status=AppointmentStatus.CHECKED_IN)
    assert [(p.from_status, p.to_status, p.actor) for p in changed] == [
        (AppointmentStatus.CONFIRMED, AppointmentStatus.CHECKED_IN, cast.receptionist)
    ]


def test_walkins_queues_the_checked_in_client_through_its_subscription():
    assert walkin_services.queue_checked_in_client in events.appointment_status_changed.subscribers


def test_a_failing_subscriber_leaves_the_status_and_its_history_unchanged(cast, appointment, subscribed):
    queue = QueueFactory(location=cast.location, prefix="A", services=[appointment.service])
    subscribed(events.appointment_status_changed, refuse)  # after walkins: the ticket is issued, then refused
    with pytest.raises(Refused):
        appointment_set_status(actor=cast.receptionist, appointment=appointment, status=AppointmentStatus.CHECKED_IN)
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CONFIRMED
    assert not AppointmentStatusChange.objects.filter(appointment=appointment).exists()
    assert not Ticket.objects.filter(queue=queue).exists()


def test_a_failing_subscriber_leaves_no_booking_behind(cast, service, subscribed):
    subscribed(events.appointment_booked, refuse)
    with pytest.raises(Refused):
        appointment_book(actor=cast.client, location=cast.location, service=service, start=at(10))
    assert not Appointment.objects.exists()
    assert not cast.client.served_at.exists()


def test_a_failing_subscriber_leaves_a_moved_appointment_where_it_was(cast, appointment, subscribed):
    subscribed(events.appointment_rescheduled, refuse)
    with pytest.raises(Refused):
        appointment_reschedule(actor=cast.receptionist, appointment=appointment, start=at(11))
    assert Appointment.objects.get(pk=appointment.pk).start == at(9)


def test_new_opening_hours_send_availability_inputs_changed_and_a_failing_subscriber_keeps_the_old_ones(
    cast, received, subscribed
):
    before = set(OpeningHours.objects.filter(location=cast.location).values_list("weekday", "start_minute"))
    changed = received(location_events.availability_inputs_changed)
    location_services.opening_hours_replace(actor=cast.manager, location=cast.location, intervals=[(1, 540, 600)])
    assert [p.location_id for p in changed] == [cast.location.pk]
    subscribed(location_events.availability_inputs_changed, refuse)
    with pytest.raises(Refused):
        location_services.opening_hours_replace(actor=cast.manager, location=cast.location, intervals=[(2, 60, 120)])
    assert set(OpeningHours.objects.filter(location=cast.location).values_list("weekday", "start_minute")) == {(1, 540)}
    assert before != {(1, 540)}


def test_new_memberships_send_memberships_changed(cast, received):
    changed = received(account_events.memberships_changed)
    account_services.staff_update(actor=cast.admin, user=cast.mechanic, locations=[cast.location, cast.other_location])
    assert [p.user_id for p in changed] == [cast.mechanic.pk]
