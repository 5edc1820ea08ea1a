"""Availability is remembered per (location, service, local day): a window is assembled from its days, and a
booking moves the counter of the day it touches only (scheduling/selectors/slots.py, freshness.py).

Monday 2026-11-30 noon in Santiago; the location opens Monday–Friday 09:00–13:00 and 14:00–18:00; one mechanic,
a one-hour service.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from autoagenda.accounts.models import Role
from autoagenda.scheduling import freshness, selectors, services
from autoagenda.scheduling.selectors import slots as slots_module
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import LocationFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SCL)
TUESDAY, FRIDAY = date(2026, 12, 1), date(2026, 12, 4)


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
    return ServiceFactory(name="Cambio de aceite", locations=[location], duration_minutes=60, buffer_minutes=10)


@pytest.fixture
def computed(monkeypatch):
    """The (first, last) ranges of days the selector computes, i.e. did not find remembered."""
    ranges: list[tuple[date, date]] = []
    original = slots_module._day_answers

    def spy(**kwargs):
        ranges.append((kwargs["first_date"], kwargs["last_date"]))
        return original(**kwargs)

    monkeypatch.setattr(slots_module, "_day_answers", spy)
    return ranges


def window(location, service):
    return selectors.slots_ignoring_notice(
        location=location, service=service, first_date=TUESDAY, last_date=FRIDAY, now=timezone.now()
    )


def starts_on(bookable, day):
    return [slot.start.strftime("%H:%M") for slot in bookable.slots if slot.start.date() == day]


def test_a_booking_recomputes_its_own_day_only_and_that_day_s_answer_is_right(location, service, computed):
    before = window(location, service)
    assert computed == [(TUESDAY, FRIDAY)]  # nothing remembered yet: the four days in one pass
    assert "09:00" in starts_on(before, TUESDAY)
    remembered = dict(slots_module._days)

    services.appointment_book(
        actor=UserFactory(), location=location, service=service, start=datetime(2026, 12, 1, 9, 0, tzinfo=SCL)
    )
    after = window(location, service)

    assert computed == [(TUESDAY, FRIDAY), (TUESDAY, TUESDAY)]  # only the booked day was computed again
    added = [key for key in slots_module._days if key not in remembered]
    assert [key[-2] for key in added] == [TUESDAY]  # one new entry: Tuesday under its new day counter
    assert all(slots_module._days[key] is answer for key, answer in remembered.items())  # the others untouched
    # The booked day: 09:00 and 09:30 overlap the booking (09:00-10:10 with its buffer), 10:00 would end
    # inside it too; 10:30 is free again. The other days are as they were.
    assert starts_on(after, TUESDAY)[:2] == ["10:30", "11:00"]
    for day in (TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=2), FRIDAY):
        assert starts_on(after, day) == starts_on(before, day)
    fresh = selectors.available_slots_for(
        location=location, service=service, first_date=TUESDAY, last_date=FRIDAY, now=timezone.now()
    )
    assert [slot.start for slot in fresh] == [slot.start for slot in after.slots]


def test_the_day_counters_a_booking_moves_are_its_own_day_s(location, service):
    before = freshness.versions(location.pk)
    services.appointment_book(
        actor=UserFactory(), location=location, service=service, start=datetime(2026, 12, 2, 15, 0, tzinfo=SCL)
    )
    after = freshness.versions(location.pk)
    assert {day for day in after.days if after.days[day] != before.days.get(day, 0)} == {date(2026, 12, 2)}
    assert after.config == before.config


def _statement(sql: str) -> str:
    return " ".join(sql.split()).upper()


def test_a_booking_moves_its_counters_in_one_statement_just_before_it_commits(location, service):
    """The counters are rows other writers may share: they are locked from the booking's last statement on,
    not from its save (after which come its history, the client's link and the notifications)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        services.appointment_book(
            actor=UserFactory(), location=location, service=service, start=datetime(2026, 12, 2, 15, 0, tzinfo=SCL)
        )
    statements = [_statement(query["sql"]) for query in captured.captured_queries]
    bumps = [
        index for index, sql in enumerate(statements) if "SCHEDULING_AVAILABILITYVERSION" in sql and "INSERT" in sql
    ]
    assert len(bumps) == 1
    after = statements[bumps[0] + 1 :]
    assert all(sql.startswith(("COMMIT", "RELEASE SAVEPOINT")) for sql in after), after


def test_a_booking_keeps_no_counter_for_its_whole_location(location, service):
    """Only its days' counters move: a per-location counter would be one row every booking there locks."""
    from autoagenda.scheduling.models import AvailabilityVersion

    before = dict(AvailabilityVersion.objects.values_list("scope", "version"))
    services.appointment_book(
        actor=UserFactory(), location=location, service=service, start=datetime(2026, 12, 2, 15, 0, tzinfo=SCL)
    )
    after = dict(AvailabilityVersion.objects.values_list("scope", "version"))
    assert {scope for scope in after if after[scope] != before.get(scope)} == {
        freshness.day_scope(location.pk, date(2026, 12, 2))
    }
