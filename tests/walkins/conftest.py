"""What the walk-in tests share: the moment they run at, the location's usual queues and desk, the usual refusals.

A module freezes time with `pytestmark = pytest.mark.usefixtures("clock")` (or by asking for `clock` to shift it);
it runs at Tuesday 2026-12-01 10:00 in Santiago unless the module overrides the `now` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.walkins.models import Desk, Queue
from tests.conftest import Cast
from tests.matrix import expect
from tests.walkins.factories import DeskFactory, QueueFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SANTIAGO)

STAFF_HERE = ("admin", "manager", "receptionist", "mechanic")
STAFF_THERE = ("other_manager", "other_receptionist", "other_mechanic")
NOT_STAFF = ("client", "outsider")


def matrix(*, anonymous: int, **allowed: int) -> list[Any]:
    """One case per role: `allowed` maps roles at the location to their success status; the rest get refusals.

    Staff here and clients get 403, staff of the other location 404 (they must not learn it exists), anonymous
    `anonymous` (401 on the API, 302 to the login page on the web).
    """
    refused = dict.fromkeys(STAFF_HERE + NOT_STAFF, 403) | dict.fromkeys(STAFF_THERE, 404)
    return expect(refused | {"anonymous": anonymous} | allowed)


def html_of(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock(db: Any, now: datetime) -> Iterator[time_machine.Traveller]:
    with time_machine.travel(now, tick=False) as traveller:
        yield traveller


@pytest.fixture
def reception(cast: Cast) -> Queue:
    return QueueFactory(location=cast.location, prefix="A", name="Recepción de vehículos", position=0)


@pytest.fixture
def parts(cast: Cast) -> Queue:
    return QueueFactory(location=cast.location, prefix="R", name="Repuestos", position=1)


@pytest.fixture
def desk(cast: Cast) -> Desk:
    return DeskFactory(location=cast.location, name="Mesón 1")
