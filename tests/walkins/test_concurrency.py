"""Desks and receptionists racing: real threads, real transactions, each with its own connection.

Call-next claims race-free (PostgreSQL: desk row lock + `SKIP LOCKED` + a conditional UPDATE; SQLite: IMMEDIATE
transactions queue the writers); numbers come from a locked counter row, so N tickets issued at once are 1..N.
The unmarked tests run on whichever database the run uses (SQLite by default, PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import services
from autoagenda.walkins.models import Desk, Ticket, TicketAction, TicketEvent, TicketStatus
from tests.accounts.factories import StaffFactory
from tests.locations.factories import LocationFactory
from tests.walkins.factories import DeskFactory, QueueFactory

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Santiago"))

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def race(calls: list[Callable[[], Any]], *, refusals: tuple[str, ...] = ()) -> list[Any]:
    """Run every call in its own thread, released together by a barrier; their results in order.

    A refusal (ApplicationError) whose code is in `refusals` is a result ("refused", code); anything else fails.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [("not run",)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except ApplicationError as exc:
            results[index] = ("refused", exc.code)
        except Exception as exc:  # any other error fails the test below, with its message
            results[index] = ("crashed", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    with time_machine.travel(NOW, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not [r for r in results if isinstance(r, tuple) and r[1] not in refusals], results
    return results


@pytest.fixture
def floor():
    location = LocationFactory()
    queue = QueueFactory(location=location, prefix="A")
    agents = [StaffFactory(role=Role.RECEPTIONIST, location=location) for _ in range(10)]
    return location, queue, agents


def issue_waiting(location, queue, agents, count):
    with time_machine.travel(NOW, tick=False):
        return [services.ticket_issue(actor=agents[i % len(agents)], queue=queue) for i in range(count)]


def assert_each_ticket_called_once(results, tickets):
    claimed = [t.pk for t in results if t is not None]
    assert sorted(claimed) == sorted(t.pk for t in tickets)
    calls = Counter(TicketEvent.objects.filter(action=TicketAction.CALLED).values_list("ticket_id", flat=True))
    assert calls == dict.fromkeys((t.pk for t in tickets), 1)
    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()


@pytest.mark.parametrize("desks", [2, 3, 10])
def test_ten_calls_on_several_desks_claim_each_of_five_tickets_exactly_once(floor, desks):
    location, queue, agents = floor
    tickets = issue_waiting(location, queue, agents, 5)
    counters = [DeskFactory(location=location, name=f"Mesón {n}") for n in range(desks)]
    calls = [(lambda i=i: services.ticket_call_next(actor=agents[i], desk=counters[i % desks])) for i in range(10)]
    results = race(calls)
    assert_each_ticket_called_once(results, tickets)
    assert sum(r is None for r in results) == 5
    # Every desk holds at most one current ticket (the others it called were finished by its next call).
    current = Counter(Ticket.objects.filter(status=TicketStatus.CALLED).values_list("desk_id", flat=True))
    assert all(n == 1 for n in current.values())


@pytest.mark.parametrize("count", [12])
def test_tickets_issued_at_once_are_numbered_one_to_n_without_gap_or_duplicate(floor, count):
    """The first issue of the day also races to create the day's counter row."""
    _location, queue, agents = floor
    calls = [(lambda i=i: services.ticket_issue(actor=agents[i % len(agents)], queue=queue)) for i in range(count)]
    results = race(calls)
    assert sorted(t.number for t in results) == list(range(1, count + 1))
    assert sorted(Ticket.objects.values_list("number", flat=True)) == list(range(1, count + 1))


def test_issuing_and_calling_at_once_loses_and_duplicates_nothing(floor):
    location, queue, agents = floor
    tickets = issue_waiting(location, queue, agents, 4)
    counters = [DeskFactory(location=location, name=f"Mesón {n}") for n in range(2)]
    issuers = [(lambda i=i: services.ticket_issue(actor=agents[i], queue=queue)) for i in range(4)]
    callers = [(lambda i=i: services.ticket_call_next(actor=agents[4 + i], desk=counters[i % 2])) for i in range(4)]
    results = race(issuers + callers)
    issued = results[:4]
    assert sorted(t.number for t in tickets + issued) == list(range(1, 9))
    called = [t.pk for t in results[4:] if t is not None]
    assert len(called) == len(set(called))
    calls = Counter(TicketEvent.objects.filter(action=TicketAction.CALLED).values_list("ticket_id", flat=True))
    assert all(n == 1 for n in calls.values())


@pytest.mark.postgres
def test_on_postgresql_call_next_skips_rows_other_desks_hold(floor):
    location, queue, agents = floor
    issue_waiting(location, queue, agents, 1)
    desk = DeskFactory(location=location)
    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        services.ticket_call_next(actor=agents[0], desk=desk)
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "FOR UPDATE SKIP LOCKED" in sql


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_on_postgresql_twenty_desks_racing_for_five_tickets_claim_each_once(floor, round_):
    location, queue, agents = floor
    tickets = issue_waiting(location, queue, agents, 5)
    counters = [DeskFactory(location=location, name=f"Mesón {n}") for n in range(20)]
    staff = agents + [StaffFactory(role=Role.MECHANIC, location=location) for _ in range(10)]
    results = race([(lambda i=i: services.ticket_call_next(actor=staff[i], desk=counters[i])) for i in range(20)])
    assert_each_ticket_called_once(results, tickets)


def test_one_person_sitting_down_at_two_desks_at_once_ends_up_at_one(floor):
    location, _queue, agents = floor
    desks = [DeskFactory(location=location, name=f"Mesón {n}") for n in range(2)]
    results = race([(lambda d=d: services.desk_open(actor=agents[0], desk=d)) for d in desks], refusals=("conflict",))
    assert Desk.objects.filter(agent=agents[0]).count() == 1
    assert any(not isinstance(r, tuple) for r in results)
