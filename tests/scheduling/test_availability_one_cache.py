"""One cached answer per availability question: the booking pages and the availability API read the same one.

Same clock and data as test_availability_cache.py: Monday 2026-11-30 noon in Santiago, Tuesday's 09:00–13:00 and
14:00–18:00, a one-hour service.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from autoagenda.accounts.models import Role
from autoagenda.scheduling import selectors
from tests.accounts.factories import StaffFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import LocationFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SCL)
TUESDAY = date(2026, 12, 1)
WEDNESDAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Taller Ñuñoa")


@pytest.fixture
def service(location):
    StaffFactory(role=Role.MECHANIC, location=location)
    return ServiceFactory(name="Cambio de aceite", locations=[location], duration_minutes=60)


def page_starts(location, service, day=TUESDAY):
    slots = selectors.available_slots_for(
        location=location, service=service, first_date=day, last_date=day, now=timezone.now()
    )
    return [slot.start.astimezone(SCL).strftime("%H:%M") for slot in slots]


def api_starts(api, location, service, day=TUESDAY):
    params = {"service": service.pk, "from": day.isoformat(), "to": day.isoformat()}
    response = api(None).get(f"/api/v1/locations/{location.pk}/availability/", params)
    assert response.status_code == 200
    return [slot["start"][11:16] for slot in response.json()["slots"]]


def test_the_pages_read_the_answer_the_api_cached(api, location, service, django_assert_max_num_queries):
    offered = api_starts(api, location, service)
    with django_assert_max_num_queries(1):  # the version counters; the slots come from the API's entry
        assert page_starts(location, service) == offered


def test_the_api_reads_the_answer_the_pages_cached(api, location, service, django_assert_max_num_queries):
    api_starts(api, location, service, WEDNESDAY)  # remembers which location and service this caller sees
    offered = page_starts(location, service)
    with django_assert_max_num_queries(1):  # the version counters; the slots come from the pages' entry
        assert api_starts(api, location, service) == offered
