"""Many people booking the same last place at the same instant: exactly as many win as there are places.

Real threads, real transactions, each with its own connection; a barrier releases them together. The same
tests run on SQLite (IMMEDIATE transactions queue the writers) and on PostgreSQL (the BookingDay row lock,
and the exclusion constraint behind it) depending on DATABASE_URL.
"""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from autoagenda.accounts.models import Role
from autoagenda.core.errors import ApplicationError
from autoagenda.scheduling.models import Appointment, AppointmentStatusChange
from autoagenda.scheduling.services import appointment_book, appointment_reschedule
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import LocationFactory
from tests.scheduling.factories import AppointmentFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
START = datetime(2026, 12, 1, 9, 0, tzinfo=SCL)
THREADS = 25


def race(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run every call in its own thread, released together; ("ok", result) or ("refused", code) per call."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("not run", None)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
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
    assert not [r for r in results if r[0] in ("crashed", "not run")], results
    return results


def bookers(location, service, count=THREADS, **kwargs):
    clients = [UserFactory() for _ in range(count)]
    return [
        (
            lambda client=client: appointment_book(
                actor=client, location=location, service=service, start=START, **kwargs
            )
        )
        for client in clients
    ]


@pytest.fixture
def location():
    return LocationFactory()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_twenty_five_people_racing_for_one_mechanics_last_slot_leave_one_booking(location):
    mechanic = StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location])
    results = race(bookers(location, service))
    outcomes = Counter(kind if kind == "ok" else value for kind, value in results)
    assert outcomes == {"ok": 1, "slot_unavailable": THREADS - 1}
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().mechanic == mechanic
    assert AppointmentStatusChange.objects.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_with_two_free_mechanics_exactly_two_win_on_different_mechanics(location):
    mechanics = {StaffFactory(role=Role.MECHANIC, location=location).pk for _ in range(2)}
    service = ServiceFactory(locations=[location])
    results = race(bookers(location, service))
    winners = [value for kind, value in results if kind == "ok"]
    assert len(winners) == 2
    assert {w.mechanic_id for w in winners} == mechanics
    assert Counter(value for kind, value in results if kind == "refused") == {"slot_unavailable": THREADS - 2}
    assert Appointment.objects.count() == AppointmentStatusChange.objects.count() == 2


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_capacity_of_one_per_hour_lets_exactly_one_of_three_free_mechanics_be_booked(location):
    location.max_appointments_per_hour = 1
    location.save()
    for _ in range(3):
        StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location])
    results = race(bookers(location, service))
    outcomes = Counter(kind if kind == "ok" else value for kind, value in results)
    assert outcomes == {"ok": 1, "capacity_reached": THREADS - 1}
    assert Appointment.objects.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_chosen_mechanic_is_given_to_one_person_only(location):
    StaffFactory(role=Role.MECHANIC, location=location)
    chosen = StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location])
    results = race(bookers(location, service, count=10, mechanic=chosen))
    assert [value.mechanic_id for kind, value in results if kind == "ok"] == [chosen.pk]
    assert Appointment.objects.filter(mechanic=chosen).count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_one_mechanic_booked_at_two_locations_at_the_same_time_ends_up_in_one_place(location):
    """Two locations' day locks do not exclude each other: SQLite's single writer or PostgreSQL's constraint does."""
    second = LocationFactory()
    StaffFactory(role=Role.MECHANIC, location=[location, second])
    service = ServiceFactory(locations=[location, second])
    calls = bookers(location, service, count=6) + bookers(second, service, count=6)
    results = race(calls)
    assert sum(kind == "ok" for kind, _ in results) == 1
    assert {value for kind, value in results if kind == "refused"} == {"slot_unavailable"}
    assert Appointment.objects.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_moves_racing_onto_the_same_free_slot_leave_one_there(location):
    StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location], requires_mechanic=False)
    location.max_appointments_per_hour = 1
    location.save()
    appointments = [
        AppointmentFactory(location=location, service=service, client=UserFactory(), start=START.replace(hour=h))
        for h in (10, 11, 14, 15, 16)
    ]
    calls = [
        (lambda a=a: appointment_reschedule(actor=a.client, appointment=a, start=START.replace(hour=9, minute=30)))
        for a in appointments
    ]
    results = race(calls)
    assert Counter(kind if kind == "ok" else value for kind, value in results) == {"ok": 1, "capacity_reached": 4}
    assert Appointment.objects.filter(local_hour=9).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_booking_made_behind_the_services_back(location):
    mechanic = StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location], duration_minutes=60, buffer_minutes=15)
    AppointmentFactory(location=location, service=service, mechanic=mechanic, start=START)
    # Starts inside the first one's buffer (10:00-10:15): the constraint compares [start, occupied_until).
    with pytest.raises(IntegrityError, match="scheduling_appointment_mechanic_no_overlap"), transaction.atomic():
        AppointmentFactory(location=location, service=service, mechanic=mechanic, start=START.replace(hour=10))
    # Touching is not overlapping; inactive bookings and other mechanics do not count.
    AppointmentFactory(location=location, service=service, mechanic=mechanic, start=START.replace(hour=10, minute=15))
    AppointmentFactory(location=location, service=service, mechanic=mechanic, start=START, status="cancelled")
    AppointmentFactory(location=location, service=service, mechanic=StaffFactory(location=location), start=START)
    assert Appointment.objects.filter(mechanic=mechanic).count() == 3


def _backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_booking_at_another_location_waits_for_the_mechanic_instead_of_slipping_past(location, monkeypatch):
    """The interleaving behind last session's deadlock, forced: booking 1 has re-checked the mechanic at
    location A and not inserted yet; booking 2 of the same mechanic at location B must wait (the day locks
    differ, the mechanic lock is shared), then see booking 1 and be refused. Without the mechanic lock,
    booking 2 would pass its re-check, insert and win while booking 1 holds its place."""
    from autoagenda.scheduling.services import appointments as services

    other = LocationFactory()
    mechanic = StaffFactory(role=Role.MECHANIC, location=[location, other])
    service = ServiceFactory(locations=[location, other])
    first_checked, first_go = threading.Event(), threading.Event()
    original = services._choose_mechanic

    def choose_then_hold(*args: Any, **kwargs: Any) -> Any:
        chosen = original(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_checked.set()
            assert first_go.wait(timeout=30)
        return chosen

    monkeypatch.setattr(services, "_choose_mechanic", choose_then_hold)
    results: dict[str, tuple[str, Any]] = {}

    def book(name: str, where: Any) -> None:
        try:
            results[name] = ("ok", appointment_book(actor=UserFactory(), location=where, service=service, start=START))
        except ApplicationError as exc:
            results[name] = ("refused", exc.code)
        except Exception as exc:  # reported by the assertion below
            results[name] = ("crashed", repr(exc))
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        first = threading.Thread(target=book, args=("first", location), name="first")
        second = threading.Thread(target=book, args=("second", other), name="second")
        first.start()
        assert first_checked.wait(timeout=30)
        second.start()
        # Wait (bounded) until the second booking is queued behind a lock the first one holds.
        waiting = threading.Event()
        for _ in range(500):
            if _backends_waiting_for_a_lock() >= 1:
                break
            waiting.wait(0.02)
        assert _backends_waiting_for_a_lock() == 1
        assert second.is_alive()
        first_go.set()
        first.join(timeout=60)
        second.join(timeout=60)
    assert results["first"][0] == "ok", results
    assert results["second"] == ("refused", "slot_unavailable")
    assert list(Appointment.objects.values_list("location_id", "mechanic_id")) == [(location.pk, mechanic.pk)]


@pytest.mark.postgres
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_bookings_on_different_days_at_one_location_do_not_wait_for_each_other(location, monkeypatch):
    """Booking 1 has made its last write (its availability counters) and not committed yet; booking 2, on
    another day at the same location, takes other day, mechanic and counter rows, so it books and commits
    meanwhile. A counter for the whole location would make it wait for booking 1's commit."""
    from autoagenda.scheduling import freshness

    StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location])
    first_bumped, first_go = threading.Event(), threading.Event()
    original = freshness._bump_now

    def bump_then_hold(scopes: Any) -> None:
        original(scopes)
        if threading.current_thread().name == "first":
            first_bumped.set()
            assert first_go.wait(timeout=30)

    monkeypatch.setattr(freshness, "_bump_now", bump_then_hold)
    results: dict[str, tuple[str, Any]] = {}

    def book(name: str, start: datetime) -> None:
        try:
            booked = appointment_book(actor=UserFactory(), location=location, service=service, start=start)
            results[name] = ("ok", booked.local_date)
        except ApplicationError as exc:
            results[name] = ("refused", exc.code)
        except Exception as exc:  # reported by the assertion below
            results[name] = ("crashed", repr(exc))
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        first = threading.Thread(target=book, args=("first", START), name="first")
        second = threading.Thread(target=book, args=("second", START.replace(day=2)), name="second")
        first.start()
        try:
            assert first_bumped.wait(timeout=30)
            second.start()
            second.join(timeout=20)
            assert not second.is_alive(), "the second booking waited for the first one's commit"
            assert results["second"][0] == "ok", results
            assert _backends_waiting_for_a_lock() == 0
        finally:
            first_go.set()
            first.join(timeout=60)
            second.join(timeout=60)
    assert results["first"][0] == "ok", results
    assert sorted(Appointment.objects.values_list("local_date", flat=True)) == [
        START.date(),
        START.date().replace(day=2),
    ]
