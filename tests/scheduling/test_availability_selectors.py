"""What the availability engine is given: gathered in a fixed number of queries, for the right people and times.

The cast's location is Taller Providencia (America/Santiago, UTC-3 in December), open Monday–Friday
09:00–13:00 and 14:00–18:00 with 30-minute slots; `cast.mechanic` works there.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from autoagenda.accounts.models import Role
from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.scheduling.selectors import (
    appointments_visible_to,
    availability_query,
    available_slots_for,
    get_appointment_for_user,
)
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import ClosureFactory, LocationFactory
from tests.scheduling.factories import AppointmentFactory, TimeOffFactory, WorkingHoursFactory

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)  # Monday morning
TUESDAY = date(2026, 12, 1)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = SCL) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def query(location, service, first=TUESDAY, last=TUESDAY, **kwargs):
    return availability_query(location=location, service=service, first_date=first, last_date=last, now=NOW, **kwargs)


def calendars(q):
    return {m.id: m for m in q.mechanics}


def busy_of(calendar):
    """A calendar's bookings as aware UTC spans, ascending: the selector gives them as integer microseconds."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    spans = [
        *calendar.busy,
        *((epoch + timedelta(microseconds=a), epoch + timedelta(microseconds=b)) for a, b in calendar.busy_us),
    ]
    return sorted(spans)


@pytest.fixture
def service(cast):
    return ServiceFactory(locations=[cast.location, cast.other_location], duration_minutes=60, buffer_minutes=15)


def busy_world(location, mechanics, service, days):
    """Hours, absences and bookings for every mechanic on every day: the rows the queries must not multiply with."""
    for mechanic in mechanics:
        WorkingHoursFactory(user=mechanic, location=location, weekday=2, start_minute=540, end_minute=1080)
        for offset in range(days):
            day = TUESDAY + timedelta(days=offset)
            TimeOffFactory(user=mechanic, start=at(day, 12), end=at(day, 13))
            AppointmentFactory(location=location, service=service, mechanic=mechanic, start=at(day, 9))


# --- query count ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mechanic_count", "days"), [(1, 1), (1, 31), (10, 1), (10, 31)])
def test_the_query_costs_seven_queries_whatever_the_range_and_the_number_of_mechanics(
    db, django_assert_num_queries, mechanic_count, days
):
    """Seven, plus one read of the configuration counter; three when the configuration is remembered."""
    location = LocationFactory(max_appointments_per_day=99)  # a limit, so the bookings are counted
    mechanics = [StaffFactory(role=Role.MECHANIC, location=location) for _ in range(mechanic_count)]
    service = ServiceFactory(locations=[location])
    busy_world(location, mechanics, service, days)
    ClosureFactory(location=location, start=at(TUESDAY, 15), end=at(TUESDAY, 16))
    last = TUESDAY + timedelta(days=days - 1)
    # The configuration counter, opening hours, eligible mechanics, their hours, time off, closures (remembered
    # while the counter stands), busy spans, capacity counts.
    with django_assert_num_queries(8):
        q = availability_query(location=location, service=service, first_date=TUESDAY, last_date=last, now=NOW)
    assert len(q.mechanics) == mechanic_count
    assert all(len(busy_of(m)) == days for m in q.mechanics)
    assert sum(q.appointments_per_date.values()) == mechanic_count * days
    with django_assert_num_queries(3):  # the counter, busy spans, capacity counts
        again = availability_query(location=location, service=service, first_date=TUESDAY, last_date=last, now=NOW)
    assert again == q


def test_a_service_without_a_mechanic_skips_the_mechanic_queries(cast, django_assert_num_queries):
    service = ServiceFactory(locations=[cast.location], requires_mechanic=False)
    with django_assert_num_queries(3):  # the configuration counter, opening hours, closures
        q = query(cast.location, service)
    assert q.mechanics == ()
    assert q.requires_mechanic is False


def test_a_location_without_capacity_limits_counts_nothing(cast, service, django_assert_num_queries):
    assert cast.location.max_appointments_per_hour is None
    assert cast.location.max_appointments_per_day is None
    query(cast.location, service)  # the configuration is remembered now
    with django_assert_num_queries(2):  # the configuration counter and the busy spans: no capacity counts
        q = query(cast.location, service)
    assert q.appointments_per_hour == {}
    assert q.appointments_per_date == {}


# --- the plain settings -----------------------------------------------------------------------------------------


def test_the_query_carries_the_location_and_service_settings(cast, service):
    location = cast.location
    location.max_appointments_per_hour = 2
    location.max_appointments_per_day = 9
    location.save()
    q = query(location, service, last=TUESDAY + timedelta(days=2))
    assert q.zone == SCL
    assert (q.first_date, q.last_date) == (TUESDAY, date(2026, 12, 3))
    assert q.now == NOW
    assert (q.slot_minutes, q.duration_minutes, q.buffer_minutes) == (30, 60, 15)
    assert (q.min_notice_minutes, q.horizon_days) == (60, 60)
    assert (q.max_per_hour, q.max_per_day) == (2, 9)
    assert q.opening[2] == [(540, 780), (840, 1080)]
    assert q.opening[6] == []
    assert q.requires_mechanic is True


# --- eligible mechanics -----------------------------------------------------------------------------------------


def test_without_listed_mechanics_every_active_mechanic_of_the_location_is_eligible(cast, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    StaffFactory(role=Role.MECHANIC, location=cast.location, is_active=False)
    StaffFactory(role=Role.MECHANIC, location=cast.other_location)
    q = query(cast.location, service)
    # Not the manager, the receptionist, the other location's mechanic or the deactivated one.
    assert [m.id for m in q.mechanics] == sorted([cast.mechanic.pk, second.pk])


def test_listed_mechanics_are_eligible_only_where_they_work(cast):
    listed_here = StaffFactory(role=Role.MECHANIC, location=cast.location)
    StaffFactory(role=Role.MECHANIC, location=cast.location)  # works here, not listed
    service = ServiceFactory(
        locations=[cast.location, cast.other_location], mechanics=[listed_here, cast.other_mechanic]
    )
    assert [m.id for m in query(cast.location, service).mechanics] == [listed_here.pk]
    assert [m.id for m in query(cast.other_location, service).mechanics] == [cast.other_mechanic.pk]


def test_a_mechanic_id_narrows_to_that_mechanic_and_an_ineligible_one_leaves_nobody(cast, service):
    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    assert [m.id for m in query(cast.location, service, mechanic_id=second.pk).mechanics] == [second.pk]
    assert query(cast.location, service, mechanic_id=cast.other_mechanic.pk).mechanics == ()
    assert query(cast.location, service, mechanic_id=cast.receptionist.pk).mechanics == ()


# --- hours, time off, busy spans --------------------------------------------------------------------------------


def test_working_hours_are_those_at_this_location_and_none_means_opening_hours(cast, service):
    second = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    WorkingHoursFactory(user=second, location=cast.location, weekday=2, start_minute=600, end_minute=720)
    WorkingHoursFactory(user=second, location=cast.other_location, weekday=3, start_minute=600, end_minute=720)
    mechanics = calendars(query(cast.location, service))
    assert mechanics[second.pk].hours == {2: [(600, 720)]}
    assert mechanics[cast.mechanic.pk].hours is None


def test_time_off_overlapping_the_dates_is_included(cast, service):
    inside = TimeOffFactory(user=cast.mechanic, start=at(TUESDAY, 10), end=at(TUESDAY, 11))
    spanning = TimeOffFactory(user=cast.mechanic, start=at(TUESDAY, 0) - timedelta(days=3), end=at(TUESDAY, 9, 30))
    TimeOffFactory(user=cast.mechanic, start=at(TUESDAY, 0) - timedelta(days=3), end=at(TUESDAY, 0))
    TimeOffFactory(user=cast.mechanic, start=at(TUESDAY, 0) + timedelta(days=2), end=at(TUESDAY, 0) + timedelta(days=3))
    off = calendars(query(cast.location, service))[cast.mechanic.pk].time_off
    assert list(off) == [(spanning.start, spanning.end), (inside.start, inside.end)]


def test_busy_spans_are_active_bookings_at_any_location_until_their_buffer_ends(cast, service):
    mechanic = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    here = AppointmentFactory(location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, 9))
    # 15:00 in Madrid is 11:00 in Santiago: the same person cannot be there and here.
    madrid = ZoneInfo("Europe/Madrid")
    there = AppointmentFactory(
        location=cast.other_location, service=service, mechanic=mechanic, start=at(TUESDAY, 15, zone=madrid)
    )
    AppointmentFactory(
        location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, 11), status="cancelled"
    )
    AppointmentFactory(
        location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, 12), status="no_show"
    )
    AppointmentFactory(location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, 9) + timedelta(3))
    busy = busy_of(calendars(query(cast.location, service))[mechanic.pk])
    assert list(busy) == [(here.start, here.occupied_until), (there.start, there.occupied_until)]
    assert here.occupied_until - here.start == timedelta(minutes=75)


def test_a_booking_late_the_evening_before_that_runs_into_the_day_makes_the_mechanic_busy(cast, service):
    overnight = ServiceFactory(locations=[cast.location], duration_minutes=600)
    late = AppointmentFactory(
        location=cast.location, service=overnight, mechanic=cast.mechanic, start=at(TUESDAY, 22) - timedelta(days=1)
    )
    busy = busy_of(calendars(query(cast.location, service))[cast.mechanic.pk])
    assert list(busy) == [(late.start, late.occupied_until)]


def test_bookings_per_date_count_active_bookings_at_this_location_only(cast, service):
    mechanic = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    wednesday = TUESDAY + timedelta(days=1)
    for hour in (9, 11):
        AppointmentFactory(location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, hour))
    AppointmentFactory(location=cast.location, service=service, mechanic=mechanic, start=at(wednesday, 9))
    AppointmentFactory(
        location=cast.location, service=service, mechanic=mechanic, start=at(TUESDAY, 15), status="cancelled"
    )
    AppointmentFactory(
        location=cast.other_location,
        service=service,
        mechanic=mechanic,
        start=at(TUESDAY, 20, zone=ZoneInfo("Europe/Madrid")),
    )
    counts = calendars(query(cast.location, service, last=wednesday))[mechanic.pk].bookings_per_date
    assert counts == {TUESDAY: 2, wednesday: 1}


# --- capacity, closures, holidays -------------------------------------------------------------------------------


def test_capacity_counts_the_locations_active_appointments_per_hour_and_date(cast, service):
    cast.location.max_appointments_per_day = 10
    cast.location.save()
    no_mechanic = ServiceFactory(locations=[cast.location], requires_mechanic=False)
    AppointmentFactory(location=cast.location, service=no_mechanic, start=at(TUESDAY, 9))
    AppointmentFactory(location=cast.location, service=no_mechanic, start=at(TUESDAY, 9, 30))
    AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 14))
    AppointmentFactory(location=cast.location, service=no_mechanic, start=at(TUESDAY, 10), status="no_show")
    AppointmentFactory(location=cast.other_location, service=service, start=at(TUESDAY, 9, zone=SCL))
    q = query(cast.location, service)
    assert q.appointments_per_hour == {(TUESDAY, 9): 2, (TUESDAY, 14): 1}
    assert q.appointments_per_date == {TUESDAY: 3}


def test_the_excluded_appointment_is_left_out_of_every_count_and_busy_time(cast, service):
    cast.location.max_appointments_per_hour = 5
    cast.location.save()
    moving = AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 9))
    staying = AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 11))
    q = query(cast.location, service, exclude_appointment_id=moving.pk)
    mechanic = calendars(q)[cast.mechanic.pk]
    assert busy_of(mechanic) == [(staying.start, staying.occupied_until)]
    assert mechanic.bookings_per_date == {TUESDAY: 1}
    assert q.appointments_per_hour == {(TUESDAY, 11): 1}
    assert q.appointments_per_date == {TUESDAY: 1}


def test_closures_overlapping_the_dates_are_included(cast, service):
    closure = ClosureFactory(location=cast.location, start=at(TUESDAY, 15), end=at(TUESDAY, 16))
    ClosureFactory(
        location=cast.location, start=at(TUESDAY, 15) + timedelta(days=5), end=at(TUESDAY, 16) + timedelta(5)
    )
    ClosureFactory(location=cast.other_location, start=at(TUESDAY, 10), end=at(TUESDAY, 11))
    assert list(query(cast.location, service).closures) == [(closure.start, closure.end)]


def test_public_holidays_are_given_only_when_the_location_closes_on_them(cast, service):
    december = query(cast.location, service, last=date(2026, 12, 31))
    assert december.holidays == frozenset({date(2026, 12, 8), date(2026, 12, 25)})
    cast.location.use_public_holidays = False
    cast.location.save()
    assert query(cast.location, service, last=date(2026, 12, 31)).holidays == frozenset()


# --- slots --------------------------------------------------------------------------------------------------------


def test_available_slots_are_the_engines_answer_for_the_gathered_data(cast, service):
    AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 9))
    slots = available_slots_for(location=cast.location, service=service, first_date=TUESDAY, last_date=TUESDAY, now=NOW)
    starts = [s.start for s in slots]
    # 09:00 is taken until 10:15 (60 minutes + 15 buffer): the first free start for a 75-minute occupation is 10:30.
    assert starts[0] == at(TUESDAY, 10, 30)
    assert at(TUESDAY, 9, 30) not in starts
    assert starts[0].isoformat() == "2026-12-01T10:30:00-03:00"
    assert slots[0].end == at(TUESDAY, 11, 30)
    assert slots[0].mechanics == (cast.mechanic.pk,)


def test_available_slots_with_an_ineligible_mechanic_are_empty(cast, service):
    slots = available_slots_for(
        location=cast.location,
        service=service,
        first_date=TUESDAY,
        last_date=TUESDAY,
        now=NOW,
        mechanic_id=cast.other_mechanic.pk,
    )
    assert slots == []


# --- appointment lists ---------------------------------------------------------------------------------------------


@pytest.fixture
def appointments(cast, service):
    return {
        "mine": AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(TUESDAY, 9)),
        "outsider": AppointmentFactory(
            location=cast.location, service=service, client=cast.outsider, start=at(TUESDAY, 10)
        ),
        "other_location": AppointmentFactory(
            location=cast.other_location, service=service, client=cast.client, start=at(TUESDAY, 11)
        ),
        "cancelled": AppointmentFactory(
            location=cast.location,
            service=service,
            client=cast.outsider,
            start=at(TUESDAY, 9) + timedelta(days=1),
            status=AppointmentStatus.CANCELLED,
        ),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("client", ["mine", "other_location"]),
        ("outsider", ["outsider", "cancelled"]),
        ("mechanic", ["mine", "outsider", "cancelled"]),
        ("receptionist", ["mine", "outsider", "cancelled"]),
        ("manager", ["mine", "outsider", "cancelled"]),
        ("other_manager", ["other_location"]),
        ("admin", ["mine", "outsider", "other_location", "cancelled"]),
        ("anonymous", []),
    ],
)
def test_appointments_visible_to_each_role(cast, appointments, who, expected):
    user = cast.by_name(who) or AnonymousUser()
    seen = list(appointments_visible_to(user))
    assert {a.pk for a in seen} == {appointments[name].pk for name in expected}
    assert seen == sorted(seen, key=lambda a: (a.start, a.pk))


def test_the_appointment_list_filters_by_location_local_dates_and_status(cast, appointments):
    admin = cast.admin
    assert set(appointments_visible_to(admin, location_id=cast.other_location.pk)) == {appointments["other_location"]}
    wednesday = TUESDAY + timedelta(days=1)
    assert list(appointments_visible_to(admin, first_date=wednesday)) == [appointments["cancelled"]]
    assert appointments["cancelled"] not in appointments_visible_to(admin, last_date=TUESDAY)
    assert list(appointments_visible_to(admin, status="cancelled")) == [appointments["cancelled"]]


def test_the_appointment_list_loads_its_related_rows_in_one_query(cast, service, django_assert_num_queries):
    for hour in range(9, 13):
        AppointmentFactory(
            location=cast.location,
            service=service,
            client=UserFactory(),
            mechanic=StaffFactory(role=Role.MECHANIC, location=cast.location),
            start=at(TUESDAY, hour),
        )
    with django_assert_num_queries(1):
        rows = [
            (a.location.name, a.service.name, a.client.email, a.mechanic.email)
            for a in appointments_visible_to(cast.admin)
        ]
    assert len(rows) == 4


def test_get_appointment_for_user_hides_what_the_user_may_not_see(cast, appointments):
    mine = appointments["mine"]
    assert get_appointment_for_user(cast.client, mine.pk) == mine
    assert get_appointment_for_user(cast.receptionist, str(mine.pk)) == mine
    for user in (cast.outsider, cast.other_manager, cast.other_mechanic):
        with pytest.raises(Http404):
            get_appointment_for_user(user, mine.pk)
    with pytest.raises(Http404):
        get_appointment_for_user(cast.client, "not-a-number")


def test_times_in_the_query_are_aware(cast, service):
    AppointmentFactory(location=cast.location, service=service, mechanic=cast.mechanic, start=at(TUESDAY, 9))
    busy = busy_of(calendars(query(cast.location, service))[cast.mechanic.pk])
    assert all(moment.utcoffset() is not None for span in busy for moment in span)
    assert busy[0][0] == datetime(2026, 12, 1, 12, tzinfo=UTC)
