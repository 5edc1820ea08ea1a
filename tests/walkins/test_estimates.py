"""Wait estimates: median service minutes of recent done tickets (this hour's when ≥10) × people ahead ÷ open desks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autoagenda.walkins import selectors, services
from tests.accounts.factories import StaffFactory
from tests.walkins.conftest import SANTIAGO
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory, done_ticket

NOW = datetime(2026, 12, 1, 10, 30, tzinfo=SANTIAGO)


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def queue(cast):
    return QueueFactory(location=cast.location, prefix="A")


def open_desk(location, *, queues=(), **kwargs):
    return DeskFactory(location=location, queues=list(queues), agent=StaffFactory(location=location), **kwargs)


def yesterday_at(hour, minute=0):
    return datetime(2026, 11, 30, hour, minute, tzinfo=SANTIAGO)


def test_with_no_history_a_person_takes_ten_minutes(queue):
    assert selectors.median_service_minutes(queue) == 10
    assert selectors.estimated_wait_minutes(queue, 3) == 30  # no open desk counts as one


def test_nobody_ahead_is_no_wait(queue):
    done_ticket(queue, minutes=30, finished_at=yesterday_at(15))
    assert selectors.estimated_wait_minutes(queue, 0) == 0


def test_median_times_people_ahead_divided_by_open_desks(cast, queue):
    for minutes in (4, 6, 20):
        done_ticket(queue, minutes=minutes, finished_at=yesterday_at(15))
    open_desk(cast.location)
    open_desk(cast.location, queues=[queue])
    assert selectors.median_service_minutes(queue) == 6
    assert selectors.estimated_wait_minutes(queue, 3) == 9  # 6 × 3 ÷ 2


def test_a_fraction_of_a_minute_rounds_up(cast, queue):
    done_ticket(queue, minutes=5, finished_at=yesterday_at(15))
    open_desk(cast.location)
    open_desk(cast.location)
    assert selectors.estimated_wait_minutes(queue, 3) == 8  # 7.5


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(queue):
    for minutes in (4, 8, 10, 30):
        done_ticket(queue, minutes=minutes, finished_at=yesterday_at(15))
    assert selectors.median_service_minutes(queue) == 9


def test_service_time_runs_from_the_start_or_else_from_the_call(queue):
    finished = yesterday_at(15)
    TicketFactory(queue=queue, status="done", called_at=finished - timedelta(minutes=12), finished_at=finished)
    assert selectors.median_service_minutes(queue) == 12


def test_this_hours_samples_win_when_there_are_ten(queue):
    for _ in range(10):
        done_ticket(queue, minutes=20, finished_at=yesterday_at(10, 50))  # began 10:30, the hour it is now
    for _ in range(15):
        done_ticket(queue, minutes=5, finished_at=yesterday_at(16))
    assert selectors.median_service_minutes(queue) == 20


def test_nine_samples_in_this_hour_are_not_enough(queue):
    for _ in range(9):
        done_ticket(queue, minutes=20, finished_at=yesterday_at(10, 50))
    for _ in range(15):
        done_ticket(queue, minutes=5, finished_at=yesterday_at(16))
    assert selectors.median_service_minutes(queue) == 5


def test_the_hour_is_the_locations_local_hour(cast):
    madrid = QueueFactory(location=cast.other_location, prefix="M")  # it is 14:30 in Madrid
    for _ in range(10):
        done_ticket(madrid, minutes=25, finished_at=datetime(2026, 11, 30, 14, 55, tzinfo=ZoneInfo("Europe/Madrid")))
    for _ in range(11):
        done_ticket(madrid, minutes=5, finished_at=datetime(2026, 11, 30, 10, 55, tzinfo=ZoneInfo("Europe/Madrid")))
    assert selectors.median_service_minutes(madrid) == 25


def test_only_the_last_fourteen_days_count(queue):
    done_ticket(queue, minutes=60, finished_at=NOW - timedelta(days=14, minutes=1))
    done_ticket(queue, minutes=8, finished_at=NOW - timedelta(days=13))
    assert selectors.median_service_minutes(queue) == 8


def test_only_the_newest_two_hundred_count(queue):
    for index in range(60):
        done_ticket(queue, minutes=60, finished_at=NOW - timedelta(days=5, minutes=index))
    for index in range(200):
        done_ticket(queue, minutes=4, finished_at=NOW - timedelta(days=1, minutes=index))
    assert selectors.median_service_minutes(queue) == 4


def test_no_shows_cancelled_and_other_queues_do_not_count(cast, queue):
    other = QueueFactory(location=cast.location, prefix="B")
    done_ticket(other, minutes=50, finished_at=yesterday_at(15))
    TicketFactory(queue=queue, status="no_show", called_at=yesterday_at(14), finished_at=yesterday_at(15))
    done_ticket(queue, minutes=7, finished_at=yesterday_at(15))
    assert selectors.median_service_minutes(queue) == 7


def test_open_desks_are_those_with_an_agent_that_serve_the_queue(cast, queue):
    other = QueueFactory(location=cast.location, prefix="B")
    open_desk(cast.location)  # serves every queue
    open_desk(cast.location, queues=[queue, other])
    open_desk(cast.location, queues=[other])  # not this queue
    DeskFactory(location=cast.location)  # nobody sits there
    open_desk(cast.location, is_active=False)
    open_desk(cast.other_location)
    assert selectors.open_desk_count(queue) == 2


def test_the_issued_ticket_waits_for_the_people_ahead_of_it(cast, queue):
    for minutes in (6, 6, 6):
        done_ticket(queue, minutes=minutes, finished_at=yesterday_at(15))
    open_desk(cast.location)
    tickets = [services.ticket_issue(actor=cast.receptionist, queue=queue) for _ in range(3)]
    assert [selectors.ticket_position(t) for t in tickets] == [1, 2, 3]
    assert [selectors.ticket_estimate(t) for t in tickets] == [0, 6, 12]


def test_the_overview_per_queue(cast, queue):
    other = QueueFactory(location=cast.location, prefix="B")
    QueueFactory(location=cast.location, prefix="Z", is_active=False)
    done_ticket(queue, minutes=12, finished_at=yesterday_at(15))
    open_desk(cast.location, queues=[queue])
    for _ in range(2):
        services.ticket_issue(actor=cast.receptionist, queue=queue)
    rows = selectors.queue_overview(cast.location)
    assert [(r.queue.prefix, r.waiting, r.estimated_wait_minutes, r.open_desks) for r in rows] == [
        ("A", 2, 24, 1),
        ("B", 0, 0, 0),
    ]
    assert other.pk == rows[1].queue.pk
