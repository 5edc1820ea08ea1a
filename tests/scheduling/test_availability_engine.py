"""Examples for the pure availability engine (API.md, "Availability rules"); no database involved."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from autoagenda.scheduling.availability import (
    CAPACITY_REACHED,
    SLOT_UNAVAILABLE,
    AvailabilityQuery,
    MechanicCalendar,
    Slot,
    available_slots,
    free_mechanics_at,
    least_loaded,
    refusal_for,
)

SANTIAGO = ZoneInfo("America/Santiago")
MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
WEEK = {weekday: [(9 * 60, 13 * 60), (14 * 60, 18 * 60)] for weekday in range(1, 8)}


def pick_mechanic(query: AvailabilityQuery, start: datetime) -> int | None:
    """Rule 3 as the booking services apply it: `least_loaded` among the free eligible mechanics."""
    return least_loaded(query, start, free_mechanics_at(query, start))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SANTIAGO)


def make_query(**changes: Any) -> AvailabilityQuery:
    base = AvailabilityQuery(
        zone=SANTIAGO,
        first_date=MONDAY,
        last_date=MONDAY,
        now=at(MONDAY - timedelta(days=7), 8),
        slot_minutes=30,
        duration_minutes=60,
        buffer_minutes=0,
        opening=WEEK,
        closures=(),
        holidays=frozenset(),
        min_notice_minutes=0,
        horizon_days=60,
        max_per_hour=None,
        max_per_day=None,
        appointments_per_hour={},
        appointments_per_date={},
        requires_mechanic=False,
        mechanics=(),
    )
    return replace(base, **changes)


def clock_times(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


MORNING_AND_AFTERNOON = [
    "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
    "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00",
]  # fmt: skip


class TestGridAndOpeningHours:
    def test_it_steps_from_the_start_of_each_interval_and_keeps_the_service_inside_one(self) -> None:
        slots = available_slots(make_query())

        assert clock_times(slots) == MORNING_AND_AFTERNOON
        assert refusal_for(make_query(), at(MONDAY, 12, 30)) == SLOT_UNAVAILABLE  # would run into the break
        assert refusal_for(make_query(), at(MONDAY, 17, 30)) == SLOT_UNAVAILABLE  # would run past closing

    def test_it_answers_in_the_location_zone_with_the_end_on_the_real_timeline(self) -> None:
        first = available_slots(make_query())[0]

        assert first.start.isoformat() == "2026-12-07T09:00:00-03:00"
        assert first.end.isoformat() == "2026-12-07T10:00:00-03:00"
        assert first.start.tzinfo is SANTIAGO
        assert first.end.tzinfo is SANTIAGO
        assert first.mechanics == ()

    def test_it_steps_from_an_interval_start_that_is_not_on_the_hour(self) -> None:
        query = make_query(opening={1: [(9 * 60 + 10, 11 * 60)]}, slot_minutes=20, duration_minutes=40)

        assert clock_times(available_slots(query)) == ["09:10", "09:30", "09:50", "10:10"]
        assert refusal_for(query, at(MONDAY, 9, 0)) == SLOT_UNAVAILABLE  # off the grid

    def test_it_offers_nothing_on_a_day_without_opening_hours(self) -> None:
        query = make_query(opening={2: WEEK[2]}, last_date=TUESDAY)

        assert {slot.start.date() for slot in available_slots(query)} == {TUESDAY}

    def test_an_interval_ending_at_midnight_allows_a_service_that_ends_exactly_then(self) -> None:
        query = make_query(opening={1: [(22 * 60, 24 * 60)]})

        slots = available_slots(query)

        assert clock_times(slots) == ["22:00", "22:30", "23:00"]
        assert slots[-1].end.isoformat() == "2026-12-08T00:00:00-03:00"

    def test_overlapping_intervals_never_offer_a_start_twice(self) -> None:
        query = make_query(opening={1: [(9 * 60, 11 * 60), (10 * 60, 12 * 60)]})

        assert clock_times(available_slots(query)) == ["09:00", "09:30", "10:00", "10:30", "11:00"]

    def test_refusal_accepts_the_same_instant_in_any_zone_but_not_off_the_minute(self) -> None:
        query = make_query()

        assert refusal_for(query, datetime(2026, 12, 7, 12, 0, tzinfo=UTC)) is None  # 09:00-03:00
        assert refusal_for(query, at(MONDAY, 9).replace(second=1)) == SLOT_UNAVAILABLE
        assert refusal_for(query, datetime(2026, 12, 7, 9, 0)) == SLOT_UNAVAILABLE  # naive on purpose

    def test_refusal_covers_only_the_dates_of_the_query(self) -> None:
        assert refusal_for(make_query(), at(TUESDAY, 9)) == SLOT_UNAVAILABLE
        assert refusal_for(make_query(last_date=TUESDAY), at(TUESDAY, 9)) is None

    def test_it_refuses_a_non_positive_slot_length_loudly(self) -> None:
        with pytest.raises(ValueError, match="slot_minutes"):
            available_slots(make_query(slot_minutes=0))


class TestClosuresAndHolidays:
    def test_a_closure_removes_the_slots_it_overlaps_and_touching_is_fine(self) -> None:
        query = make_query(closures=[(at(MONDAY, 10, 30), at(MONDAY, 11, 30))])

        offered = clock_times(available_slots(query))

        assert "09:30" in offered  # ends 10:30, when the closure begins
        assert "11:30" in offered  # begins when the closure ends
        assert {"10:00", "10:30", "11:00"}.isdisjoint(offered)
        assert refusal_for(query, at(MONDAY, 10)) == SLOT_UNAVAILABLE

    def test_a_closure_spanning_several_days_closes_all_of_them(self) -> None:
        query = make_query(
            last_date=MONDAY + timedelta(days=3),
            closures=[(at(MONDAY, 0), at(MONDAY + timedelta(days=2), 12))],
        )

        slots = available_slots(query)

        assert slots[0].start == at(MONDAY + timedelta(days=2), 12)
        assert {slot.start.date() for slot in slots} == {MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)}

    def test_a_public_holiday_closes_the_whole_local_date(self) -> None:
        query = make_query(last_date=TUESDAY, holidays=frozenset({MONDAY}))

        slots = available_slots(query)

        assert {slot.start.date() for slot in slots} == {TUESDAY}
        assert refusal_for(query, at(MONDAY, 9)) == SLOT_UNAVAILABLE


class TestNoticeAndHorizon:
    def test_a_start_exactly_at_now_plus_notice_is_offered(self) -> None:
        query = make_query(now=at(MONDAY, 8), min_notice_minutes=60)

        assert clock_times(available_slots(query))[0] == "09:00"
        assert refusal_for(query, at(MONDAY, 9)) is None

    def test_one_minute_less_notice_pushes_the_first_slot_back(self) -> None:
        query = make_query(now=at(MONDAY, 8, 1), min_notice_minutes=60)

        assert clock_times(available_slots(query))[0] == "09:30"
        assert refusal_for(query, at(MONDAY, 9)) == SLOT_UNAVAILABLE

    def test_past_starts_are_never_offered(self) -> None:
        query = make_query(now=at(MONDAY, 11, 15))

        assert clock_times(available_slots(query))[0] == "11:30"
        assert refusal_for(query, at(MONDAY, 9)) == SLOT_UNAVAILABLE

    def test_the_horizon_counts_from_today_in_the_location_zone(self) -> None:
        # 02:00 UTC on Tuesday is still Monday 23:00 in Santiago, so a one-day horizon reaches Tuesday only.
        query = make_query(
            first_date=MONDAY,
            last_date=MONDAY + timedelta(days=3),
            now=datetime(2026, 12, 8, 2, 0, tzinfo=UTC),
            horizon_days=1,
        )

        assert {slot.start.date() for slot in available_slots(query)} == {TUESDAY}
        assert refusal_for(query, at(TUESDAY, 17)) is None
        assert refusal_for(query, at(TUESDAY + timedelta(days=1), 9)) == SLOT_UNAVAILABLE

    def test_a_zero_horizon_offers_only_the_rest_of_today(self) -> None:
        query = make_query(last_date=TUESDAY, now=at(MONDAY, 16), horizon_days=0)

        assert clock_times(available_slots(query)) == ["16:00", "16:30", "17:00"]


class TestCapacity:
    def test_a_full_hour_removes_only_the_starts_in_that_clock_hour(self) -> None:
        query = make_query(max_per_hour=2, appointments_per_hour={(MONDAY, 10): 2, (MONDAY, 11): 1})

        offered = clock_times(available_slots(query))

        assert {"09:30", "11:00", "11:30"} <= set(offered)
        assert {"10:00", "10:30"}.isdisjoint(offered)
        assert refusal_for(query, at(MONDAY, 10)) == CAPACITY_REACHED

    def test_a_full_day_removes_the_whole_date(self) -> None:
        query = make_query(last_date=TUESDAY, max_per_day=5, appointments_per_date={MONDAY: 5, TUESDAY: 4})

        assert {slot.start.date() for slot in available_slots(query)} == {TUESDAY}
        assert refusal_for(query, at(MONDAY, 9)) == CAPACITY_REACHED

    def test_no_limit_means_no_limit(self) -> None:
        query = make_query(appointments_per_hour={(MONDAY, 9): 99}, appointments_per_date={MONDAY: 999})

        assert clock_times(available_slots(query)) == MORNING_AND_AFTERNOON

    def test_capacity_is_named_only_when_it_is_the_only_reason(self) -> None:
        full = {"max_per_hour": 1, "appointments_per_hour": {(MONDAY, 9): 1, (MONDAY, 12): 1}}

        assert refusal_for(make_query(**full), at(MONDAY, 9)) == CAPACITY_REACHED
        assert refusal_for(make_query(**full), at(MONDAY, 9, 15)) == SLOT_UNAVAILABLE  # off the grid
        assert refusal_for(make_query(**full), at(MONDAY, 12, 30)) == SLOT_UNAVAILABLE  # runs into the break
        past = make_query(**full, now=at(MONDAY, 10))
        assert refusal_for(past, at(MONDAY, 9)) == SLOT_UNAVAILABLE
        nobody_free = make_query(
            **full,
            requires_mechanic=True,
            mechanics=[MechanicCalendar(id=1, hours=None, busy=[(at(MONDAY, 9), at(MONDAY, 10))])],
        )
        assert refusal_for(nobody_free, at(MONDAY, 9)) == SLOT_UNAVAILABLE


class TestMechanics:
    def test_slots_list_the_free_eligible_mechanics_ascending(self) -> None:
        query = make_query(
            requires_mechanic=True,
            mechanics=[
                MechanicCalendar(id=9, hours=None, busy=[(at(MONDAY, 9), at(MONDAY, 10))]),
                MechanicCalendar(id=4, hours=None),
                MechanicCalendar(id=7, hours=None, time_off=[(at(MONDAY, 14), at(MONDAY, 23))]),
            ],
        )

        by_time = {slot.start.strftime("%H:%M"): slot.mechanics for slot in available_slots(query)}

        assert by_time["09:00"] == (4, 7)
        assert by_time["10:00"] == (4, 7, 9)
        assert by_time["14:00"] == (4, 9)
        assert free_mechanics_at(query, at(MONDAY, 9)) == (4, 7)

    def test_a_slot_without_any_free_mechanic_is_not_offered(self) -> None:
        query = make_query(
            requires_mechanic=True,
            mechanics=[MechanicCalendar(id=1, hours=None, busy=[(at(MONDAY, 9), at(MONDAY, 13))])],
        )

        assert clock_times(available_slots(query))[0] == "14:00"
        assert refusal_for(query, at(MONDAY, 9)) == SLOT_UNAVAILABLE

    def test_a_service_needing_a_mechanic_offers_nothing_without_eligible_mechanics(self) -> None:
        assert available_slots(make_query(requires_mechanic=True, mechanics=())) == []

    def test_a_service_without_mechanic_ignores_mechanics_and_lists_none(self) -> None:
        busy = MechanicCalendar(id=1, hours={}, busy=[(at(MONDAY, 0), at(MONDAY, 23))])
        query = make_query(requires_mechanic=False, mechanics=[busy])

        slots = available_slots(query)

        assert clock_times(slots) == MORNING_AND_AFTERNOON
        assert all(slot.mechanics == () for slot in slots)
        assert free_mechanics_at(query, at(MONDAY, 9)) == ()
        assert pick_mechanic(query, at(MONDAY, 9)) is None

    def test_a_chosen_mechanic_is_the_only_one_listed(self) -> None:
        chosen = MechanicCalendar(id=15, hours={1: [(10 * 60, 12 * 60)]})
        query = make_query(requires_mechanic=True, mechanics=[chosen])

        slots = available_slots(query)

        assert clock_times(slots) == ["10:00", "10:30", "11:00"]
        assert {slot.mechanics for slot in slots} == {(15,)}

    def test_a_mechanic_must_work_the_whole_service_but_not_the_buffer(self) -> None:
        mechanic = MechanicCalendar(id=3, hours={1: [(9 * 60, 11 * 60)]})
        query = make_query(requires_mechanic=True, mechanics=[mechanic], buffer_minutes=30)

        assert clock_times(available_slots(query)) == ["09:00", "09:30", "10:00"]

    def test_a_mechanic_on_time_off_is_not_offered_and_touching_is_fine(self) -> None:
        mechanic = MechanicCalendar(id=3, hours=None, time_off=[(at(MONDAY, 10), at(MONDAY, 11))])
        query = make_query(requires_mechanic=True, mechanics=[mechanic], opening={1: [(9 * 60, 13 * 60)]})

        assert clock_times(available_slots(query)) == ["09:00", "11:00", "11:30", "12:00"]

    def test_a_mechanic_with_hours_works_only_those_even_inside_opening_hours(self) -> None:
        mechanic = MechanicCalendar(id=3, hours={2: [(9 * 60, 18 * 60)]})  # Tuesdays only
        query = make_query(requires_mechanic=True, mechanics=[mechanic], last_date=TUESDAY)

        assert {slot.start.date() for slot in available_slots(query)} == {TUESDAY}


class TestBuffers:
    def test_the_new_booking_buffer_must_not_reach_an_existing_booking(self) -> None:
        existing = MechanicCalendar(id=1, hours=None, busy=[(at(MONDAY, 11), at(MONDAY, 12, 15))])
        with_buffer = make_query(requires_mechanic=True, mechanics=[existing], buffer_minutes=15)
        without = replace(with_buffer, buffer_minutes=0)

        assert "09:30" in clock_times(available_slots(with_buffer))  # 09:30-10:30 + 15 ends 10:45
        assert refusal_for(with_buffer, at(MONDAY, 10)) == SLOT_UNAVAILABLE  # its buffer reaches 11:15
        assert refusal_for(without, at(MONDAY, 10)) is None  # ends 11:00, touching is fine

    def test_an_existing_booking_occupies_its_mechanic_until_its_own_buffer_ends(self) -> None:
        # Booked 09:00-10:00 with a 15-minute buffer: occupied until 10:15.
        existing = MechanicCalendar(id=1, hours=None, busy=[(at(MONDAY, 9), at(MONDAY, 10, 15))])
        query = make_query(requires_mechanic=True, mechanics=[existing], slot_minutes=15)

        offered = clock_times(available_slots(query))

        assert "10:00" not in offered
        assert "10:15" in offered

    def test_a_buffer_may_run_past_closing_and_past_the_mechanics_hours(self) -> None:
        mechanic = MechanicCalendar(id=1, hours={1: [(9 * 60, 13 * 60)]})
        query = make_query(requires_mechanic=True, mechanics=[mechanic], buffer_minutes=45)

        slots = available_slots(query)

        assert clock_times(slots)[-1] == "12:00"
        assert slots[-1].end == at(MONDAY, 13)

    def test_a_buffer_reaching_a_closure_is_fine(self) -> None:
        query = make_query(buffer_minutes=30, closures=[(at(MONDAY, 10), at(MONDAY, 11))])

        assert refusal_for(query, at(MONDAY, 9)) is None


class TestPickMechanic:
    def mechanics(self, bookings: dict[int, int]) -> list[MechanicCalendar]:
        return [
            MechanicCalendar(id=mechanic_id, hours=None, bookings_per_date={MONDAY: count, TUESDAY: 0})
            for mechanic_id, count in bookings.items()
        ]

    def test_it_picks_the_free_mechanic_with_the_fewest_bookings_that_date(self) -> None:
        query = make_query(requires_mechanic=True, mechanics=self.mechanics({3: 2, 8: 1, 5: 4}))

        assert pick_mechanic(query, at(MONDAY, 9)) == 8

    def test_ties_go_to_the_lowest_id(self) -> None:
        query = make_query(requires_mechanic=True, mechanics=self.mechanics({8: 1, 5: 1, 9: 3}))

        assert pick_mechanic(query, at(MONDAY, 9)) == 5

    def test_a_mechanic_without_bookings_that_date_counts_as_zero(self) -> None:
        calendars = [
            *self.mechanics({2: 1}),
            MechanicCalendar(id=6, hours=None, bookings_per_date={TUESDAY: 7}),
        ]
        query = make_query(requires_mechanic=True, mechanics=calendars)

        assert pick_mechanic(query, at(MONDAY, 9)) == 6

    def test_it_only_picks_among_the_free_ones(self) -> None:
        least_loaded_but_busy = MechanicCalendar(
            id=1, hours=None, busy=[(at(MONDAY, 9), at(MONDAY, 10))], bookings_per_date={MONDAY: 0}
        )
        query = make_query(requires_mechanic=True, mechanics=[least_loaded_but_busy, *self.mechanics({4: 3})])

        assert pick_mechanic(query, at(MONDAY, 9)) == 4
        assert pick_mechanic(query, at(MONDAY, 10)) == 1

    def test_it_gives_none_when_nobody_is_free(self) -> None:
        busy = MechanicCalendar(id=1, hours=None, busy=[(at(MONDAY, 0), at(MONDAY, 23))])
        query = make_query(requires_mechanic=True, mechanics=[busy])

        assert free_mechanics_at(query, at(MONDAY, 9)) == ()
        assert pick_mechanic(query, at(MONDAY, 9)) is None


class TestOrderIndependence:
    def test_the_answer_does_not_depend_on_the_order_of_the_inputs(self) -> None:
        calendars = [
            MechanicCalendar(
                id=mechanic_id,
                hours=None,
                busy=[(at(MONDAY, hour), at(MONDAY, hour + 1)) for hour in (9 + mechanic_id, 15, 11)],
                time_off=[(at(TUESDAY, 14), at(TUESDAY, 16)), (at(MONDAY, 16), at(MONDAY, 17))],
            )
            for mechanic_id in (2, 1, 3)
        ]
        query = make_query(
            last_date=TUESDAY,
            requires_mechanic=True,
            mechanics=calendars,
            closures=[(at(TUESDAY, 9), at(TUESDAY, 10)), (at(MONDAY, 17), at(MONDAY, 18))],
        )
        reordered = replace(
            query,
            opening={weekday: list(reversed(intervals)) for weekday, intervals in WEEK.items()},
            closures=list(reversed(query.closures)),
            mechanics=[
                replace(calendar, busy=list(reversed(calendar.busy)), time_off=list(reversed(calendar.time_off)))
                for calendar in reversed(calendars)
            ],
        )

        assert available_slots(reordered) == available_slots(query)
        assert [slot.start for slot in available_slots(query)] == sorted(slot.start for slot in available_slots(query))
