from __future__ import annotations

import pytest
import time_machine

from autoagenda.deposits.models import Deposit
from autoagenda.locations.models import DepositMode
from autoagenda.scheduling.services import appointment_book
from tests.catalog.factories import ServiceFactory
from tests.deposits.helpers import NOW, TUESDAY, at


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deposit_location(cast):
    location = cast.location
    location.deposit_mode = DepositMode.PERCENT
    location.deposit_percent = 20
    location.save()
    return location


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location], duration_minutes=60)


@pytest.fixture
def pending(cast, deposit_location, service):
    """The client's own booking on Tuesday at 10:00, waiting for its 5 000 CLP deposit (session `fake_cs_1`)."""
    appointment = appointment_book(actor=cast.client, location=deposit_location, service=service, start=at(TUESDAY, 10))
    deposit = Deposit.objects.get(appointment=appointment)
    Deposit.objects.filter(pk=deposit.pk).update(session_id="fake_cs_1")
    deposit.refresh_from_db()
    return deposit
