"""The demo's walk-in queue: three queues and three desks per workshop, and a little history for estimates."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from autoagenda.locations.models import Location
from autoagenda.walkins import selectors, services
from autoagenda.walkins.models import Desk, Queue, Ticket, TicketCounter

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("America/Santiago"))  # a Tuesday


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--force", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_loaded():
    with time_machine.travel(NOW, tick=False):
        load_demo()
        yield


def test_each_workshop_has_reception_parts_and_cashier_queues_and_three_desks(demo_loaded):
    for location in Location.objects.all():
        queues = list(selectors.queues_of(location))
        assert [(q.prefix, q.name) for q in queues] == [
            ("A", "Recepción de vehículos"),
            ("R", "Repuestos"),
            ("C", "Caja"),
        ]
        assert set(queues[0].services.all()) == set(location.services.all())
        desks = {d.name: {q.prefix for q in d.queues.all()} for d in Desk.objects.filter(location=location)}
        assert desks == {"Mesón 1": {"A", "R"}, "Mesón 2": {"A", "R"}, "Caja": {"C"}}


def test_yesterdays_history_makes_the_first_estimates_realistic(demo_loaded):
    location = Location.objects.get(name="Taller Providencia")
    reception = Queue.objects.get(location=location, prefix="A")
    assert selectors.median_service_minutes(reception) == 10.5  # median of 12 8 15 10 9 14 11 7
    assert Ticket.objects.filter(location=location, local_date="2026-11-30").count() == 17


def test_todays_numbers_start_at_one_after_the_demo(demo_loaded):
    location = Location.objects.get(name="Taller Providencia")
    reception = Queue.objects.get(location=location, prefix="A")
    receptionist = location.memberships.get(role="receptionist").user
    with time_machine.travel(NOW, tick=False):
        ticket = services.ticket_issue(actor=receptionist, queue=reception)
    assert ticket.number >= 1
    assert TicketCounter.objects.filter(location=location, local_date="2026-11-30", prefix="A").get().last_number == 8


def test_a_second_run_adds_no_queue_desk_or_ticket(demo_loaded):
    before = Queue.objects.count(), Desk.objects.count(), Ticket.objects.count()
    with time_machine.travel(NOW, tick=False):
        load_demo()
    assert (Queue.objects.count(), Desk.objects.count(), Ticket.objects.count()) == before
