"""Booked clients: checking in an appointment puts the client in the queue of its service, with priority.

scheduling's `appointment_set_status` sends `scheduling.events.appointment_status_changed` in its own transaction;
walkins subscribes and calls `walkins.services.ticket_issue_for_check_in` when an appointment becomes
`checked_in`; the tests go through that public entry point.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.scheduling.services import appointment_set_status
from autoagenda.walkins import selectors, services
from autoagenda.walkins.models import Ticket, TicketStatus
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.conftest import SANTIAGO
from tests.walkins.factories import DeskFactory, QueueFactory

NOW = datetime(2026, 12, 1, 8, 50, tzinfo=SANTIAGO)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def service(cast):
    return ServiceFactory(name="Cambio de aceite", locations=[cast.location])


@pytest.fixture
def reception(cast, service):
    return QueueFactory(location=cast.location, prefix="A", name="Recepción de vehículos", services=[service])


@pytest.fixture
def appointment(cast, service):
    cast.client.first_name, cast.client.last_name, cast.client.phone = "Ana", "Rojas", "+56911112222"
    cast.client.save()
    vehicle = VehicleFactory(owner=cast.client, plate="BCDF12")
    return AppointmentFactory(
        location=cast.location,
        service=service,
        client=cast.client,
        vehicle=vehicle,
        start=datetime(2026, 12, 1, 9, 0, tzinfo=SANTIAGO),
    )


def check_in(cast, appointment, who=None):
    return appointment_set_status(actor=who or cast.receptionist, appointment=appointment, status="checked_in")


def test_checking_in_issues_a_priority_ticket_in_the_services_queue(cast, reception, appointment):
    check_in(cast, appointment)
    ticket = Ticket.objects.get(appointment=appointment)
    assert (ticket.queue_id, ticket.code, ticket.status, ticket.priority) == (reception.pk, "A-001", "waiting", True)
    assert (ticket.name, ticket.phone, ticket.plate, ticket.customer_id) == (
        "Ana Rojas",
        "+56911112222",
        "BCDF12",
        cast.client.pk,
    )
    assert ticket.issued_by_id == cast.receptionist.pk


def test_a_mechanic_checking_a_client_in_also_queues_them(cast, reception, appointment):
    appointment.mechanic = cast.mechanic  # a mechanic checks in only the appointments assigned to them
    appointment.save()
    check_in(cast, appointment, who=cast.mechanic)
    assert Ticket.objects.filter(appointment=appointment, priority=True).exists()


def test_the_checked_in_client_is_called_before_earlier_walk_ins(cast, reception, appointment, clock):
    walk_in = services.ticket_issue(actor=cast.receptionist, queue=reception)
    clock.shift(timedelta(minutes=5))
    check_in(cast, appointment)
    desk = DeskFactory(location=cast.location)
    first = services.ticket_call_next(actor=cast.mechanic, desk=desk)
    assert first.appointment_id == appointment.pk
    assert services.ticket_call_next(actor=cast.mechanic, desk=desk).pk == walk_in.pk


def test_no_queue_serves_the_service_no_ticket(cast, appointment):
    QueueFactory(location=cast.location, prefix="R")  # serves other things
    check_in(cast, appointment)
    assert appointment.status == "checked_in"
    assert not Ticket.objects.exists()


def test_a_closed_queue_does_not_take_checked_in_clients(cast, reception, appointment):
    reception.is_active = False
    reception.save()
    check_in(cast, appointment)
    assert not Ticket.objects.exists()


def test_the_first_queue_by_position_serves_a_service_two_queues_share(cast, service, appointment):
    QueueFactory(location=cast.location, prefix="B", position=2, services=[service])
    first = QueueFactory(location=cast.location, prefix="C", position=1, services=[service])
    check_in(cast, appointment)
    assert Ticket.objects.get().queue_id == first.pk


def test_a_refused_check_in_issues_nothing(cast, reception, appointment):
    appointment.status = "completed"
    appointment.save()
    with pytest.raises(ApplicationError):
        check_in(cast, appointment)
    assert not Ticket.objects.exists()


def test_other_status_changes_issue_nothing(cast, reception, appointment):
    appointment_set_status(actor=cast.receptionist, appointment=appointment, status="no_show")
    assert not Ticket.objects.exists()


def test_the_hook_gives_one_ticket_per_appointment(cast, reception, appointment):
    first = services.ticket_issue_for_check_in(actor=cast.receptionist, appointment=appointment)
    again = services.ticket_issue_for_check_in(actor=cast.receptionist, appointment=appointment)
    assert first.pk == again.pk
    assert selectors.ticket_position(first) == 1
    assert first.status == TicketStatus.WAITING
