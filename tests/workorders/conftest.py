from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.customers.models import Vehicle
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
from tests.accounts.factories import ClientLocationFactory
from tests.customers.factories import VehicleFactory

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Santiago"))


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def vehicle(cast: Any) -> Vehicle:
    """The cast's client's car; the client is served at the cast's location."""
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    return VehicleFactory(owner=cast.client, plate="BCDF12", mileage=85000)


@pytest.fixture
def work_order(cast: Any, vehicle: Vehicle, clock: Any) -> WorkOrder:
    """A draft made by the service (numbered, with its history row), assigned to the cast's mechanic."""
    return services.work_order_create(
        actor=cast.receptionist,
        location=cast.location,
        vehicle=vehicle,
        description="Ruido al frenar",
        mechanic=cast.mechanic,
    )
