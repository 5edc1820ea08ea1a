from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.billing.models import Invoice
from autoagenda.customers.models import Vehicle
from tests.accounts.factories import ClientLocationFactory
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/Santiago"))


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def vehicle(cast: Any) -> Vehicle:
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    return VehicleFactory(owner=cast.client, plate="BCDF12", make="Toyota", model="Yaris")


@pytest.fixture
def invoice(cast: Any, vehicle: Vehicle, clock: Any) -> Invoice:
    """The cast's location (CLP, 19 %): 1.5 h × 30.000 + 1 × 25.000 = 70.000 net, 13.300 tax, 83.300 total."""
    return complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
