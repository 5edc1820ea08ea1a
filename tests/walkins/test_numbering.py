"""Ticket numbers: A-001, A-002… from a locked counter, restarting at the location's local midnight, per letter."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.walkins import services
from autoagenda.walkins.models import Ticket, TicketCounter
from tests.walkins.factories import QueueFactory

SANTIAGO = ZoneInfo("America/Santiago")


@pytest.fixture
def queue(cast):
    return QueueFactory(location=cast.location, prefix="A", name="Recepción de vehículos")


def issue(cast, queue, **kwargs):
    return services.ticket_issue(actor=cast.receptionist, queue=queue, **kwargs)


def test_numbers_count_up_from_one_and_read_like_a_001(cast, queue):
    codes = [issue(cast, queue).code for _ in range(3)]
    assert codes == ["A-001", "A-002", "A-003"]
    assert TicketCounter.objects.get(location=cast.location, prefix="A").last_number == 3


def test_a_number_past_999_keeps_all_its_digits(cast, queue):
    ticket = issue(cast, queue)
    ticket.number = 1000
    assert ticket.code == "A-1000"
    ticket.number = 7
    assert ticket.code == "A-007"


def test_each_letter_has_its_own_numbers(cast, queue):
    parts = QueueFactory(location=cast.location, prefix="R", name="Repuestos")
    assert [issue(cast, queue).code, issue(cast, parts).code, issue(cast, queue).code] == ["A-001", "R-001", "A-002"]


def test_each_location_has_its_own_numbers(cast, queue):
    there = QueueFactory(location=cast.other_location, prefix="A")
    issue(cast, queue)
    other = services.ticket_issue(actor=cast.other_receptionist, queue=there)
    assert other.code == "A-001"


def test_numbers_restart_at_the_locations_local_midnight_not_at_utc_midnight(cast, queue):
    # 23:50 in Santiago (UTC-3 in December) is already 02:50 UTC of the next day.
    with time_machine.travel(datetime(2026, 12, 1, 23, 50, tzinfo=SANTIAGO), tick=False):
        first = issue(cast, queue)
        second = issue(cast, queue)
    with time_machine.travel(datetime(2026, 12, 2, 0, 0, 30, tzinfo=SANTIAGO), tick=False):
        after_midnight = issue(cast, queue)
    assert (first.code, second.code, after_midnight.code) == ("A-001", "A-002", "A-001")
    assert first.local_date.isoformat() == "2026-12-01"
    assert after_midnight.local_date.isoformat() == "2026-12-02"


def test_utc_midnight_does_not_restart_the_numbers(cast, queue):
    with time_machine.travel(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), tick=False):  # 20:59 in Santiago
        issue(cast, queue)
    with time_machine.travel(datetime(2026, 12, 2, 0, 1, tzinfo=UTC), tick=False):  # 21:01 in Santiago
        assert issue(cast, queue).code == "A-002"


def test_madrid_restarts_at_madrid_midnight(cast):
    queue = QueueFactory(location=cast.other_location, prefix="C")
    madrid = ZoneInfo("Europe/Madrid")
    with time_machine.travel(datetime(2026, 12, 1, 23, 59, tzinfo=madrid), tick=False):
        services.ticket_issue(actor=cast.admin, queue=queue)
    with time_machine.travel(datetime(2026, 12, 2, 0, 0, tzinfo=madrid), tick=False):
        assert services.ticket_issue(actor=cast.admin, queue=queue).code == "C-001"


def test_a_new_day_also_restarts_after_a_dst_change(cast, queue):
    # Santiago springs forward at 00:00 on 2026-09-06: that local day starts at 01:00.
    with time_machine.travel(datetime(2026, 9, 5, 23, 30, tzinfo=SANTIAGO), tick=False):
        issue(cast, queue)
    with time_machine.travel(datetime(2026, 9, 6, 1, 5, tzinfo=SANTIAGO), tick=False):
        ticket = issue(cast, queue)
    assert (ticket.code, ticket.local_date.isoformat()) == ("A-001", "2026-09-06")


def test_renaming_the_letter_starts_that_letters_own_count(cast, queue):
    issue(cast, queue)
    services.queue_update(actor=cast.manager, queue=queue, prefix="B")
    ticket = issue(cast, queue)
    assert ticket.code == "B-001"
    assert Ticket.objects.filter(prefix="A").count() == 1
