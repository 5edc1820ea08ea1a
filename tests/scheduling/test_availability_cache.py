"""Cached availability (scheduling/freshness.py) is never stale: every write that changes an answer moves it on.

Each test warms the cache with one question, changes something the way the product does (services, the admin's
saves, bulk writes), and asks again: the answer must be the new truth. Same clock and data as
test_api_availability.py: Tuesday 2026-12-01 in Santiago, 09:00–13:00 and 14:00–18:00, one-hour service.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts import services as accounts_services
from autoagenda.accounts.models import Role
from autoagenda.catalog import services as catalog_services
from autoagenda.core.errors import ApplicationError
from autoagenda.locations import services as location_services
from autoagenda.scheduling import freshness, services
from autoagenda.scheduling.models import Appointment
from tests.accounts.factories import AdminFactory, StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import ClosureFactory, LocationFactory
from tests.scheduling.factories import TimeOffFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SCL)
TUESDAY = "2026-12-01"
NINE = datetime(2026, 12, 1, 9, 0, tzinfo=SCL)


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def location(db):
    return LocationFactory(name="Taller Ñuñoa")


@pytest.fixture
def mechanic(location):
    return StaffFactory(role=Role.MECHANIC, location=location)


@pytest.fixture
def service(location, mechanic):
    return ServiceFactory(name="Cambio de aceite", locations=[location], duration_minutes=60)


@pytest.fixture
def admin(db):
    return AdminFactory()


def starts(api, location, service, day=TUESDAY, **extra):
    params = {"service": service.pk, "from": day, "to": day, **extra}
    response = api(None).get(f"/api/v1/locations/{location.pk}/availability/", params)
    assert response.status_code == 200, response.content
    return [slot["start"][11:16] for slot in response.json()["slots"]]


def test_an_unchanged_question_is_answered_from_the_cache(api, location, service, django_assert_max_num_queries):
    first = starts(api, location, service)
    # One query, the version counters: the location, the service and the slots are all remembered under them.
    with django_assert_max_num_queries(1):
        assert starts(api, location, service) == first


def test_the_notice_is_applied_to_a_cached_answer_for_the_reader_s_own_clock(
    api, location, service, clock, settings, django_assert_max_num_queries
):
    settings.AVAILABILITY_CACHE_SECONDS = 7200  # the cache's own expiry follows the travelling clock too
    today = NOW.date().isoformat()
    assert starts(api, location, service, today)[:2] == ["14:00", "14:30"]  # 12:00 + 60 minutes' notice
    clock.move_to(NOW + timedelta(minutes=75))  # 13:15: 14:00 is now within the notice, 14:30 is not
    with django_assert_max_num_queries(1):
        assert starts(api, location, service, today)[:1] == ["14:30"]


def test_a_new_local_day_is_a_new_question(api, location, service, clock):
    location.booking_horizon_days = 1  # only tomorrow is bookable
    location.save()
    assert starts(api, location, service, "2026-12-02") == []
    clock.move_to(NOW + timedelta(days=1))  # Tuesday noon: Wednesday is within the horizon now
    assert starts(api, location, service, "2026-12-02")[:1] == ["09:00"]


def test_booking_and_cancelling_through_the_services_change_the_answer(api, location, service):
    client = UserFactory()
    assert "09:00" in starts(api, location, service)
    appointment = services.appointment_book(actor=client, location=location, service=service, start=NINE)
    assert "09:00" not in starts(api, location, service)
    services.appointment_cancel(actor=client, appointment=appointment)
    assert "09:00" in starts(api, location, service)


def test_reassigning_frees_the_old_mechanic_at_their_other_location(api, location, service, mechanic, admin):
    """The old mechanic's busy time leaves every location they work at, not only the appointment's."""
    elsewhere = LocationFactory(name="Taller Maipú")
    accounts_services.staff_update(actor=admin, user=mechanic, locations=[location, elsewhere])
    there = ServiceFactory(name="Alineación", locations=[elsewhere], mechanics=[mechanic], duration_minutes=60)
    colleague = StaffFactory(role=Role.MECHANIC, location=location)
    appointment = services.appointment_book(
        actor=admin, client=UserFactory(), location=location, service=service, start=NINE, mechanic=mechanic
    )
    assert "09:00" not in starts(api, elsewhere, there)  # busy at Ñuñoa
    services.appointment_reschedule(actor=admin, appointment=appointment, start=NINE, mechanic=colleague)
    assert Appointment.objects.get(pk=appointment.pk).mechanic_id == colleague.pk
    assert "09:00" in starts(api, elsewhere, there)


def test_a_booking_at_another_location_leaves_this_location_s_answer_cached(api, location, service):
    other = LocationFactory(name="Taller Maipú")
    other_service = ServiceFactory(locations=[other], duration_minutes=60)
    StaffFactory(role=Role.MECHANIC, location=other)
    client = UserFactory()
    starts(api, location, service)
    before, other_before = freshness.versions(location.pk), freshness.versions(other.pk)
    services.appointment_book(actor=client, location=other, service=other_service, start=NINE)
    assert freshness.versions(location.pk) == before
    assert freshness.versions(other.pk).days[NINE.date()] == other_before.days.get(NINE.date(), 0) + 1


def _opening_hours(location, admin, **_):
    location_services.opening_hours_replace(actor=admin, location=location, intervals=[(2, 600, 780)])  # bulk


def _location_setting(location, admin, **_):
    location_services.location_update(actor=admin, location=location, slot_minutes=60)


def _closure(location, **_):
    ClosureFactory(location=location, start=NINE - timedelta(hours=9), end=NINE + timedelta(hours=15))


def _time_off(mechanic, **_):
    TimeOffFactory(user=mechanic, start=NINE, end=NINE + timedelta(hours=2))


def _working_hours(location, mechanic, admin, **_):
    entries = [services.HoursEntry(location_id=location.pk, weekday=2, start=600, end=780)]  # bulk
    services.working_hours_set(actor=admin, user=mechanic, entries=entries)


def _membership(location, mechanic, admin, **_):
    accounts_services.staff_update(actor=admin, user=mechanic, locations=[LocationFactory()])  # bulk


def _deactivated(mechanic, admin, **_):
    accounts_services.user_deactivate(actor=admin, user=mechanic)


def _service_duration(service, admin, **_):
    catalog_services.service_update(actor=admin, service=service, duration_minutes=240)


def _service_mechanics(location, service, **_):
    service.mechanics.set([StaffFactory(role=Role.MECHANIC)])  # someone who does not work here


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_opening_hours, ["10:00", "10:30", "11:00", "11:30", "12:00"]),
        (_location_setting, ["09:00", "10:00", "11:00", "12:00", "14:00"]),
        (_closure, []),
        (_time_off, ["11:00", "11:30", "12:00", "14:00"]),
        (_working_hours, ["10:00", "10:30", "11:00", "11:30", "12:00"]),
        (_membership, []),
        (_deactivated, []),
        (_service_duration, ["09:00", "14:00"]),
        (_service_mechanics, []),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:],
)
def test_every_kind_of_change_reaches_a_cached_answer(api, location, service, mechanic, admin, change, expected):
    assert starts(api, location, service)[:2] == ["09:00", "09:30"]
    change(location=location, service=service, mechanic=mechanic, admin=admin)
    assert starts(api, location, service)[: len(expected) or None] == expected


def test_the_booking_check_sees_a_configuration_change_at_once(location, service):
    """The booking services remember configuration per counter too: a closure added after a booking counts."""
    client = UserFactory()
    services.appointment_book(actor=client, location=location, service=service, start=NINE)
    ClosureFactory(location=location, start=NINE, end=NINE + timedelta(hours=3))
    with pytest.raises(ApplicationError) as refused:
        services.appointment_book(actor=client, location=location, service=service, start=NINE + timedelta(hours=1))
    assert refused.value.code == "slot_unavailable"


def test_clients_signing_up_leave_the_cached_answers_alone(api, location, service):
    before = freshness.versions(location.pk)
    UserFactory()  # a client
    assert freshness.versions(location.pk) == before
