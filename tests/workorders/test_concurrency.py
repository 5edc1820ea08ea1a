"""Work-order numbers under concurrent creation: real threads, real transactions, each with its own connection.

The counter row (location, year) is taken with `select_for_update`, so N creations at once get 1..N with no gap
and no repeat; a creation refused inside its transaction (the second work order for one appointment) gives its
number back with the rollback. On PostgreSQL the row lock decides; on SQLite the IMMEDIATE transaction queues the
writers (the unmarked test runs on whichever database the run uses).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
from tests.accounts.factories import ClientLocationFactory
from tests.customers.factories import VehicleFactory
from tests.races import race
from tests.scheduling.factories import AppointmentFactory
from tests.workorders.conftest import NOW

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _creations(cast: Any, count: int) -> list[Callable[[], Any]]:
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    vehicles = [VehicleFactory(owner=cast.client) for _ in range(count)]
    return [
        (
            lambda v=v: (
                services.work_order_create(
                    actor=cast.receptionist, location=cast.location, vehicle=v, description="Frenos"
                ).sequence
            )
        )
        for v in vehicles
    ]


def _check_gap_free(cast: Any, expected: int) -> None:
    numbers = sorted(WorkOrder.objects.filter(location=cast.location).values_list("sequence", flat=True))
    assert numbers == list(range(1, expected + 1))


def test_concurrent_creations_get_consecutive_numbers(cast) -> None:
    results = race(_creations(cast, 6), frozen_at=NOW)
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    _check_gap_free(cast, 6)


@pytest.mark.postgres
def test_on_postgresql_many_creations_at_once_leave_no_gap_even_when_some_are_refused(cast) -> None:
    calls = _creations(cast, 10)
    vehicle = VehicleFactory(owner=cast.client)
    appointment = AppointmentFactory(
        location=cast.location,
        client=cast.client,
        vehicle=vehicle,
        start=NOW + timedelta(hours=1),
        status=AppointmentStatus.CHECKED_IN,
    )
    twice = [
        lambda: services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment).sequence
        for _ in range(4)
    ]
    results = race(calls + twice, frozen_at=NOW)
    crashed = [r for r in results if isinstance(r, tuple) and r[0] == "crashed"]
    assert not crashed
    refusals = [r for r in results if isinstance(r, tuple)]
    assert refusals == [("refused", "conflict")] * 3  # one work order per appointment
    _check_gap_free(cast, 11)
    assert WorkOrder.objects.filter(appointment=appointment).count() == 1
