"""GET /api/v1/locations/{id}/availability/: the slots a visitor may book, built from scenarios (API.md rules 1–12).

Locations come with the factory's hours, Monday–Friday 09:00–13:00 and 14:00–18:00 in America/Santiago (-03:00
in December), 30-minute steps, 60 minutes notice and a 60-day horizon. The clock is fixed with time-machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.accounts.models import Role
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.locations.factories import ClosureFactory, LocationFactory
from tests.scheduling.factories import TimeOffFactory, WorkingHoursFactory

SCL = ZoneInfo("America/Santiago")
MAD = ZoneInfo("Europe/Madrid")
# Monday 2026-11-30, noon in Santiago: Tuesday 2026-12-01 is bookable from 09:00.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SCL)

DAY = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"]
AFTERNOON = ["14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00"]


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def location(db):
    return LocationFactory(name="Taller Ñuñoa")


@pytest.fixture
def mechanic(location):
    return StaffFactory(role=Role.MECHANIC, location=location)


@pytest.fixture
def service(location, mechanic):
    return ServiceFactory(name="Cambio de aceite", locations=[location], duration_minutes=60)


def availability(client, location, service, first, last=None, **extra):
    params = {"service": service.pk, "from": first, "to": last or first, **extra}
    return client.get(f"/api/v1/locations/{location.pk}/availability/", params)


def slots(response):
    assert response.status_code == 200, response.content
    return response.json()["slots"]


def starts(response, day="2026-12-01", offset="-03:00"):
    """The local HH:MM of every slot on `day`, checking each carries `offset`."""
    found = []
    for slot in slots(response):
        if slot["start"].startswith(day):
            assert slot["start"].endswith(offset), slot
            found.append(slot["start"][11:16])
    return found


def book(api, user, location, service, start, **extra):
    body = {"location": location.pk, "service": service.pk, "start": start, **extra}
    return api(user).post("/api/v1/appointments/", body, format="json")


# --- The answer ------------------------------------------------------------------


def test_anyone_gets_the_days_slots_with_the_locations_offset_and_free_mechanics(api, location, mechanic, service):
    response = availability(api(None), location, service, "2026-12-01")
    body = response.json()
    assert response.status_code == 200
    assert body["location"] == location.pk
    assert body["service"] == service.pk
    assert body["timezone"] == "America/Santiago"
    assert body["slots"][0] == {
        "start": "2026-12-01T09:00:00-03:00",
        "end": "2026-12-01T10:00:00-03:00",
        "mechanics": [mechanic.pk],
    }
    # Steps of 30 from each interval's start; a 60-minute service must end by 13:00 and by 18:00.
    assert starts(response) == DAY + AFTERNOON


def test_slots_are_ascending_across_several_days(api, location, service):
    got = slots(availability(api(None), location, service, "2026-12-01", "2026-12-03"))
    assert [s["start"] for s in got] == sorted(s["start"] for s in got)
    assert {s["start"][:10] for s in got} == {"2026-12-01", "2026-12-02", "2026-12-03"}
    assert len(got) == 3 * 14


def test_a_service_does_not_straddle_the_lunch_break(api, location):
    long = ServiceFactory(locations=[location], duration_minutes=90)
    StaffFactory(role=Role.MECHANIC, location=location)
    found = starts(availability(api(None), location, long, "2026-12-01"))
    assert found == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
        "14:00",
        "14:30",
        "15:00",
        "15:30",
        "16:00",
        "16:30",
    ]
    assert "12:00" not in found  # 12:00 + 90 minutes would end at 13:30, in the break


def test_the_weekend_has_no_slots_when_the_location_is_closed(api, location, service):
    assert slots(availability(api(None), location, service, "2026-12-05", "2026-12-06")) == []


def test_a_staff_members_hours_narrow_their_slots(api, location, mechanic, service):
    WorkingHoursFactory(user=mechanic, location=location, weekday=2, start_minute=600, end_minute=720)
    assert starts(availability(api(None), location, service, "2026-12-01")) == ["10:00", "10:30", "11:00"]


def test_time_off_removes_the_mechanics_slots(api, location, mechanic, service):
    TimeOffFactory(user=mechanic, start=datetime(2026, 12, 1, 9, tzinfo=SCL), end=datetime(2026, 12, 1, 13, tzinfo=SCL))
    assert starts(availability(api(None), location, service, "2026-12-01")) == AFTERNOON


# --- Rule 3: mechanics, buffers ------------------------------------------------------


def test_a_booking_and_its_buffer_occupy_the_mechanic(api, location, mechanic):
    service = ServiceFactory(locations=[location], duration_minutes=60, buffer_minutes=30)
    client = UserFactory()
    assert book(api, client, location, service, "2026-12-01T10:00:00-03:00").status_code == 201
    # The mechanic is busy 10:00–11:30; a new booking's own [start, end + 30) must not touch that.
    found = starts(availability(api(client), location, service, "2026-12-01"))
    assert found == ["11:30", "12:00", *AFTERNOON]


def test_a_buffer_may_run_past_closing(api, location, mechanic):
    service = ServiceFactory(locations=[location], duration_minutes=60, buffer_minutes=45)
    assert starts(availability(api(None), location, service, "2026-12-01"))[-1] == "17:00"


def test_slots_list_every_free_eligible_mechanic_ascending(api, location, mechanic, service):
    second = StaffFactory(role=Role.MECHANIC, location=location)
    StaffFactory(role=Role.RECEPTIONIST, location=location)  # not a mechanic: never listed
    got = slots(availability(api(None), location, service, "2026-12-01"))
    assert got[0]["mechanics"] == sorted([mechanic.pk, second.pk])
    assert (
        book(api, UserFactory(), location, service, "2026-12-01T09:00:00-03:00", mechanic=mechanic.pk).status_code
        == 201
    )
    got = slots(availability(api(None), location, service, "2026-12-01"))
    assert got[0] == {
        "start": "2026-12-01T09:00:00-03:00",
        "end": "2026-12-01T10:00:00-03:00",
        "mechanics": [second.pk],
    }
    assert got[1]["mechanics"] == [second.pk]  # 09:30 overlaps the 09:00 booking too
    assert got[2]["mechanics"] == sorted([mechanic.pk, second.pk])


def test_a_service_with_listed_mechanics_only_offers_them(api, location, mechanic):
    chosen = StaffFactory(role=Role.MECHANIC, location=location)
    service = ServiceFactory(locations=[location], mechanics=[chosen])
    assert {tuple(s["mechanics"]) for s in slots(availability(api(None), location, service, "2026-12-01"))} == {
        (chosen.pk,)
    }


def test_asking_for_one_mechanic_lists_only_them(api, location, mechanic, service):
    second = StaffFactory(role=Role.MECHANIC, location=location)
    got = slots(availability(api(None), location, service, "2026-12-01", mechanic=second.pk))
    assert len(got) == 14
    assert {tuple(s["mechanics"]) for s in got} == {(second.pk,)}


def test_asking_for_someone_who_is_no_mechanic_here_gives_no_slots(api, location, service, cast):
    assert slots(availability(api(None), location, service, "2026-12-01", mechanic=cast.other_mechanic.pk)) == []


def test_a_service_that_needs_no_mechanic_lists_none_and_needs_no_staff(api):
    place = LocationFactory()
    wash = ServiceFactory(locations=[place], requires_mechanic=False, duration_minutes=30)
    got = slots(availability(api(None), place, wash, "2026-12-01"))
    assert got[0] == {"start": "2026-12-01T09:00:00-03:00", "end": "2026-12-01T09:30:00-03:00", "mechanics": []}
    assert len(got) == 16


def test_without_a_mechanic_a_service_that_needs_one_has_no_slots(api):
    place = LocationFactory()
    service = ServiceFactory(locations=[place])
    assert slots(availability(api(None), place, service, "2026-12-01")) == []


# --- Rule 4: capacity ------------------------------------------------------------------


def test_a_full_hour_is_not_offered(api, location, mechanic, service):
    StaffFactory(role=Role.MECHANIC, location=location)
    location.max_appointments_per_hour = 1
    location.save()
    assert book(api, UserFactory(), location, service, "2026-12-01T10:00:00-03:00").status_code == 201
    found = starts(availability(api(None), location, service, "2026-12-01"))
    # 10:00 and 10:30 start in the full 10 o'clock hour; another mechanic is free but the hour is not.
    assert found == ["09:00", "09:30", "11:00", "11:30", "12:00", *AFTERNOON]


def test_a_full_day_is_not_offered(api, location, mechanic, service):
    location.max_appointments_per_day = 1
    location.save()
    assert book(api, UserFactory(), location, service, "2026-12-01T15:00:00-03:00").status_code == 201
    assert starts(availability(api(None), location, service, "2026-12-01", "2026-12-02")) == []
    assert starts(availability(api(None), location, service, "2026-12-01", "2026-12-02"), day="2026-12-02") == [
        *DAY,
        *AFTERNOON,
    ]


# --- Rule 5: notice and horizon -------------------------------------------------------


def test_a_start_exactly_at_the_notice_is_offered(api, location, service):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=SCL), tick=False):
        assert starts(availability(api(None), location, service, "2026-12-01"))[0] == "09:00"


def test_a_start_a_second_inside_the_notice_is_not(api, location, service):
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, 1, tzinfo=SCL), tick=False):
        assert starts(availability(api(None), location, service, "2026-12-01"))[0] == "09:30"


def test_past_slots_of_today_are_not_offered(api, location, service):
    with time_machine.travel(datetime(2026, 12, 1, 14, 10, tzinfo=SCL), tick=False):
        assert starts(availability(api(None), location, service, "2026-12-01")) == ["15:30", "16:00", "16:30", "17:00"]


def test_dates_past_the_horizon_are_not_offered(api, location, service):
    location.booking_horizon_days = 3  # today is Monday 2026-11-30: Thursday 2026-12-03 is the last date
    location.save()
    got = slots(availability(api(None), location, service, "2026-12-01", "2026-12-07"))
    assert {s["start"][:10] for s in got} == {"2026-12-01", "2026-12-02", "2026-12-03"}


# --- Rule 2: closures and public holidays -----------------------------------------------


def test_a_closure_removes_the_slots_it_touches(api, location, service):
    ClosureFactory(
        location=location, start=datetime(2026, 12, 1, 10, tzinfo=SCL), end=datetime(2026, 12, 1, 12, tzinfo=SCL)
    )
    assert starts(availability(api(None), location, service, "2026-12-01")) == ["09:00", "12:00", *AFTERNOON]


def test_a_whole_day_closure_leaves_the_next_day_open(api, location, service):
    ClosureFactory(
        location=location,
        date=datetime(2026, 12, 1).date(),
        start=datetime(2026, 12, 1, tzinfo=SCL),
        end=datetime(2026, 12, 2, tzinfo=SCL),
    )
    got = slots(availability(api(None), location, service, "2026-12-01", "2026-12-02"))
    assert {s["start"][:10] for s in got} == {"2026-12-02"}


def test_a_chilean_public_holiday_has_no_slots(api, location, service):
    with time_machine.travel(datetime(2026, 9, 14, 12, tzinfo=SCL), tick=False):
        got = slots(availability(api(None), location, service, "2026-09-17", "2026-09-18"))
    assert {s["start"][:10] for s in got} == {"2026-09-17"}  # the 18th is Independence Day
    assert got[0]["start"] == "2026-09-17T09:00:00-03:00"


def test_a_location_that_works_on_public_holidays_offers_them(api, location, service):
    location.use_public_holidays = False
    location.save()
    with time_machine.travel(datetime(2026, 9, 14, 12, tzinfo=SCL), tick=False):
        got = slots(availability(api(None), location, service, "2026-09-17", "2026-09-18"))
    assert {s["start"][:10] for s in got} == {"2026-09-17", "2026-09-18"}


# --- Rules 1, 8, 9: daylight saving time ------------------------------------------------


def test_santiagos_spring_forward_day_starts_at_the_first_existing_step(api):
    # Sunday 2026-09-06: clocks jump from 00:00 (-04:00) to 01:00 (-03:00).
    place = LocationFactory(hours=[(7, 0, 240)])
    StaffFactory(role=Role.MECHANIC, location=place)
    service = ServiceFactory(locations=[place], duration_minutes=60)
    with time_machine.travel(datetime(2026, 9, 1, 12, tzinfo=UTC), tick=False):
        got = slots(availability(api(None), place, service, "2026-09-06"))
    assert [s["start"] for s in got] == [
        "2026-09-06T01:00:00-03:00",
        "2026-09-06T01:30:00-03:00",
        "2026-09-06T02:00:00-03:00",
        "2026-09-06T02:30:00-03:00",
        "2026-09-06T03:00:00-03:00",
    ]
    assert not any("T00:" in s["start"] for s in got)
    assert got[0]["end"] == "2026-09-06T02:00:00-03:00"


def test_santiagos_fall_back_day_offers_a_repeated_hour_once(api):
    # Sunday 2026-04-05: at 00:00 (-03:00) clocks go back to 23:00 (-04:00) of Saturday.
    place = LocationFactory(hours=[(6, 1320, 1440)], use_public_holidays=False)  # Holy Saturday
    StaffFactory(role=Role.MECHANIC, location=place)
    service = ServiceFactory(locations=[place], duration_minutes=30)
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=UTC), tick=False):
        got = slots(availability(api(None), place, service, "2026-04-04"))
    found = [s["start"] for s in got]
    assert len(found) == len(set(found))
    assert found[0] == "2026-04-04T22:00:00-03:00"
    assert found.count("2026-04-04T23:00:00-03:00") == 1
    assert "2026-04-04T23:00:00-04:00" not in found  # the second 23:00 is not offered again
    # Rule 8: 23:30 (-03:00) plus 30 real minutes is the second 23:00, not midnight.
    assert (got[-1]["start"], got[-1]["end"]) == ("2026-04-04T23:30:00-03:00", "2026-04-04T23:00:00-04:00")


def test_madrids_spring_forward_slots_change_offset_and_keep_their_real_duration(api):
    # Sunday 2026-03-29: clocks jump from 02:00 (+01:00) to 03:00 (+02:00).
    place = LocationFactory(timezone="Europe/Madrid", country="ES", hours=[(7, 60, 300)])
    StaffFactory(role=Role.MECHANIC, location=place)
    service = ServiceFactory(locations=[place], duration_minutes=60)
    with time_machine.travel(datetime(2026, 3, 25, 12, tzinfo=MAD), tick=False):
        response = availability(api(None), place, service, "2026-03-29")
    got = slots(response)
    assert response.json()["timezone"] == "Europe/Madrid"
    assert [(s["start"], s["end"]) for s in got] == [
        ("2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"),
        ("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"),
        ("2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"),
        ("2026-03-29T03:30:00+02:00", "2026-03-29T04:30:00+02:00"),
        ("2026-03-29T04:00:00+02:00", "2026-03-29T05:00:00+02:00"),
    ]


# --- Booking and cancelling move slots in and out ----------------------------------------


def test_a_booked_slot_disappears_and_cancelling_brings_it_back(api, location, service):
    client = UserFactory()
    before = starts(availability(api(None), location, service, "2026-12-01"))
    response = book(api, client, location, service, "2026-12-01T11:00:00-03:00")
    assert response.status_code == 201
    after = starts(availability(api(None), location, service, "2026-12-01"))
    # One mechanic: 10:30 and 11:30 overlap the 11:00 booking as well.
    assert after == [s for s in before if s not in ("10:30", "11:00", "11:30")]
    assert api(client).post(f"/api/v1/appointments/{response.json()['id']}/cancel/", {}).status_code == 200
    assert starts(availability(api(None), location, service, "2026-12-01")) == before


# --- Rule 12: validation ---------------------------------------------------------------


def test_sixty_two_dates_are_allowed(api, location, service):
    response = availability(api(None), location, service, "2026-12-01", "2027-01-31")
    assert response.status_code == 200
    assert response.json()["slots"]


def test_sixty_three_dates_are_refused(api, location, service):
    response = availability(api(None), location, service, "2026-12-01", "2027-02-01")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["to"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-12-01"}, "to"),
        ({"to": "2026-12-01"}, "from"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to"),
        ({"from": "01/12/2026", "to": "2026-12-01"}, "from"),
        ({"from": "2026-02-30", "to": "2026-12-01"}, "from"),
        ({"from": "2026-12-01", "to": "2026-12-01T09:00"}, "to"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "from"),
        ({"from": "1900-01-01", "to": "1900-03-03"}, "from"),  # before 2000 (core.bounds)
        ({"from": "2100-12-31", "to": "2101-01-01"}, "to"),  # after 2100
        ({"from": "2026-12-01", "to": "2026-12-01", "mechanic": "x"}, "mechanic"),
        ({"from": "2026-12-01", "to": "2026-12-01", "mechanic": "9223372036854775808"}, "mechanic"),
        ({"from": "2026-12-01", "to": "2026-12-01", "service": "99999999999999999999"}, "service"),
    ],
)
def test_it_refuses_bad_dates_and_ids_with_an_error_on_the_field(api, location, service, params, field):
    response = api(None).get(f"/api/v1/locations/{location.pk}/availability/", {"service": service.pk, **params})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


@pytest.mark.parametrize(("first", "last"), [("2000-01-01", "2000-03-02"), ("2100-11-01", "2100-12-31")])
def test_far_away_dates_answer_no_slots_rather_than_an_error(api, location, service, first, last):
    assert slots(availability(api(None), location, service, first, last)) == []


def test_a_missing_service_is_refused(api, location):
    response = api(None).get(
        f"/api/v1/locations/{location.pk}/availability/", {"from": "2026-12-01", "to": "2026-12-01"}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["service"]


@pytest.mark.parametrize("which", ["unknown", "elsewhere", "inactive", "not_a_number"])
def test_a_service_not_offered_at_the_location_is_refused(api, location, service, which):
    other = ServiceFactory(locations=[LocationFactory()])
    service_id = {
        "unknown": 987654,
        "elsewhere": other.pk,
        "inactive": ServiceFactory(locations=[location], is_active=False).pk,
        "not_a_number": "oil",
    }[which]
    response = api(None).get(
        f"/api/v1/locations/{location.pk}/availability/",
        {"service": service_id, "from": "2026-12-01", "to": "2026-12-01"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["service"]


def test_an_unknown_location_is_not_found(api, service):
    response = api(None).get(
        "/api/v1/locations/987654/availability/", {"service": service.pk, "from": "2026-12-01", "to": "2026-12-01"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_inactive_location_is_not_found_for_visitors(api, location, service):
    location.is_active = False
    location.save()
    assert availability(api(None), location, service, "2026-12-01").status_code == 404
    assert availability(api(UserFactory()), location, service, "2026-12-01").status_code == 404


def test_the_query_count_does_not_grow_with_the_range_or_the_mechanics(
    api, location, service, django_assert_max_num_queries
):
    for _ in range(5):
        StaffFactory(role=Role.MECHANIC, location=location)
    anonymous = api(None)
    # Cold: the version counters (read again for the cached slots under the rendered answer), the location,
    # the service, the configuration counter and the selector's seven queries.
    with django_assert_max_num_queries(12):
        response = availability(anonymous, location, service, "2026-12-01", "2027-01-31")
    assert len(slots(response)) > 100
    # Warm: nothing changed, so the answer comes from the cache after one read of the counters.
    with django_assert_max_num_queries(1):
        again = availability(anonymous, location, service, "2026-12-01", "2027-01-31")
    assert slots(again) == slots(response)
