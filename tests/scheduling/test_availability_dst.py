"""DST examples with exact UTC offsets (API.md rules 1, 8 and 9).

Wall times step on the local clock, a time that does not exist is never offered, a repeated one is offered once
(its first occurrence), and durations are elapsed time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from autoagenda.scheduling.availability import (
    CAPACITY_REACHED,
    SLOT_UNAVAILABLE,
    AvailabilityQuery,
    MechanicCalendar,
    Slot,
    available_slots,
    free_mechanics_at,
    refusal_for,
)

SANTIAGO = ZoneInfo("America/Santiago")
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")

SANTIAGO_SPRING = date(2026, 9, 6)  # Sunday: 00:00 jumps to 01:00 (-04:00 -> -03:00)
SANTIAGO_FALL_SATURDAY = date(2026, 4, 4)  # 24:00 goes back to 23:00 (-03:00 -> -04:00)
MADRID_SPRING = date(2026, 3, 29)  # 02:00 jumps to 03:00 (+01:00 -> +02:00)
MADRID_FALL = date(2026, 10, 25)  # 03:00 goes back to 02:00 (+02:00 -> +01:00)
NEW_YORK_SPRING = date(2026, 3, 8)  # 02:00 jumps to 03:00 (-05:00 -> -04:00)
NEW_YORK_FALL = date(2026, 11, 1)  # 02:00 goes back to 01:00 (-04:00 -> -05:00)


def make_query(
    zone: ZoneInfo, day: date, opening: dict[int, list[tuple[int, int]]], **changes: Any
) -> AvailabilityQuery:
    base = AvailabilityQuery(
        zone=zone,
        first_date=day,
        last_date=day,
        now=datetime(2026, 1, 1, tzinfo=zone),
        slot_minutes=30,
        duration_minutes=30,
        buffer_minutes=0,
        opening=opening,
        closures=(),
        holidays=frozenset(),
        min_notice_minutes=0,
        horizon_days=365,
        max_per_hour=None,
        max_per_day=None,
        appointments_per_hour={},
        appointments_per_date={},
        requires_mechanic=False,
        mechanics=(),
    )
    return replace(base, **changes)


def starts(slots: list[Slot]) -> list[str]:
    return [slot.start.isoformat() for slot in slots]


def ends(slots: list[Slot]) -> list[str]:
    return [slot.end.isoformat() for slot in slots]


def elapsed(slot: Slot) -> timedelta:
    """Real time between the ends: subtracting two datetimes of one zone would give wall-clock time."""
    return slot.end.astimezone(UTC) - slot.start.astimezone(UTC)


def hhmm(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


class TestSantiagoSpringForward:
    def test_an_interval_beginning_in_the_gap_starts_at_the_first_existing_step(self) -> None:
        query = make_query(SANTIAGO, SANTIAGO_SPRING, {7: [(hhmm(0), hhmm(6))]}, duration_minutes=60)

        slots = available_slots(query)

        assert starts(slots)[:3] == [
            "2026-09-06T01:00:00-03:00",
            "2026-09-06T01:30:00-03:00",
            "2026-09-06T02:00:00-03:00",
        ]
        assert starts(slots)[-1] == "2026-09-06T05:00:00-03:00"
        assert len(slots) == 9

    def test_a_saturday_slot_crossing_midnight_lasts_its_real_duration(self) -> None:
        query = make_query(
            SANTIAGO, SANTIAGO_SPRING - timedelta(days=1), {6: [(hhmm(22), hhmm(24))]}, duration_minutes=60
        )

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-09-05T22:00:00-04:00",
            "2026-09-05T22:30:00-04:00",
            "2026-09-05T23:00:00-04:00",
        ]
        assert ends(slots)[-1] == "2026-09-06T01:00:00-03:00"  # 24:00 Saturday is the first instant of Sunday
        assert all(elapsed(slot) == timedelta(minutes=60) for slot in slots)

    def test_a_mechanic_whose_hours_begin_in_the_gap_works_from_the_first_existing_instant(self) -> None:
        mechanic = MechanicCalendar(id=5, hours={7: [(hhmm(0), hhmm(3))]})
        query = make_query(
            SANTIAGO, SANTIAGO_SPRING, {7: [(hhmm(0), hhmm(6))]}, requires_mechanic=True, mechanics=[mechanic]
        )

        assert starts(available_slots(query)) == [
            "2026-09-06T01:00:00-03:00",
            "2026-09-06T01:30:00-03:00",
            "2026-09-06T02:00:00-03:00",
            "2026-09-06T02:30:00-03:00",
        ]


class TestSantiagoFallBack:
    def test_the_repeated_hour_is_offered_once_at_its_first_occurrence(self) -> None:
        query = make_query(SANTIAGO, SANTIAGO_FALL_SATURDAY, {6: [(hhmm(22), hhmm(24))]})

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-04-04T22:00:00-03:00",
            "2026-04-04T22:30:00-03:00",
            "2026-04-04T23:00:00-03:00",
            "2026-04-04T23:30:00-03:00",
        ]
        assert refusal_for(query, datetime.fromisoformat("2026-04-04T23:00:00-03:00")) is None
        assert refusal_for(query, datetime.fromisoformat("2026-04-04T23:00:00-04:00")) == SLOT_UNAVAILABLE

    def test_a_slot_in_the_repeated_hour_ends_on_the_real_timeline(self) -> None:
        query = make_query(SANTIAGO, SANTIAGO_FALL_SATURDAY, {6: [(hhmm(22), hhmm(24))]}, duration_minutes=60)

        slots = available_slots(query)

        assert starts(slots)[-1] == "2026-04-04T23:30:00-03:00"
        assert ends(slots)[-1] == "2026-04-04T23:30:00-04:00"  # the clock repeated 23:00-24:00
        assert all(elapsed(slot) == timedelta(minutes=60) for slot in slots)

    def test_sunday_begins_once_after_the_repeated_hour(self) -> None:
        query = make_query(SANTIAGO, SANTIAGO_FALL_SATURDAY + timedelta(days=1), {7: [(hhmm(0), hhmm(2))]})

        assert starts(available_slots(query)) == [
            "2026-04-05T00:00:00-04:00",
            "2026-04-05T00:30:00-04:00",
            "2026-04-05T01:00:00-04:00",
            "2026-04-05T01:30:00-04:00",
        ]

    def test_a_busy_mechanic_in_the_first_occurrence_is_busy_only_then(self) -> None:
        first_occurrence = (
            datetime.fromisoformat("2026-04-04T23:00:00-03:00"),
            datetime.fromisoformat("2026-04-04T23:30:00-03:00"),
        )
        mechanic = MechanicCalendar(id=2, hours=None, busy=[first_occurrence])
        query = make_query(
            SANTIAGO, SANTIAGO_FALL_SATURDAY, {6: [(hhmm(22), hhmm(24))]}, requires_mechanic=True, mechanics=[mechanic]
        )

        assert starts(available_slots(query)) == [
            "2026-04-04T22:00:00-03:00",
            "2026-04-04T22:30:00-03:00",
            "2026-04-04T23:30:00-03:00",
        ]


class TestMadridSpringForward:
    def test_times_in_the_gap_are_not_offered_and_a_slot_across_it_lasts_sixty_minutes(self) -> None:
        query = make_query(MADRID, MADRID_SPRING, {7: [(hhmm(1), hhmm(5))]}, duration_minutes=60)

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-03-29T01:00:00+01:00",
            "2026-03-29T01:30:00+01:00",
            "2026-03-29T03:00:00+02:00",
            "2026-03-29T03:30:00+02:00",
            "2026-03-29T04:00:00+02:00",
        ]
        assert ends(slots)[1] == "2026-03-29T03:30:00+02:00"
        assert ends(slots)[0] == "2026-03-29T03:00:00+02:00"
        assert all(elapsed(slot) == timedelta(minutes=60) for slot in slots)

    def test_an_interval_ending_in_the_gap_ends_at_the_first_existing_instant(self) -> None:
        query = make_query(MADRID, MADRID_SPRING, {7: [(hhmm(0), hhmm(2, 30))]}, duration_minutes=60)

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-03-29T00:00:00+01:00",
            "2026-03-29T00:30:00+01:00",
            "2026-03-29T01:00:00+01:00",  # ends at 03:00+02:00, the instant 02:30 maps to
        ]

    def test_an_interval_starting_in_the_gap_steps_on_its_own_grid(self) -> None:
        query = make_query(MADRID, MADRID_SPRING, {7: [(hhmm(2, 30), hhmm(6))]}, slot_minutes=60, duration_minutes=60)

        assert starts(available_slots(query)) == [
            "2026-03-29T03:30:00+02:00",
            "2026-03-29T04:30:00+02:00",
        ]

    def test_notice_counts_real_time_across_the_gap(self) -> None:
        # 00:30 UTC is 01:30+01:00; an hour later it is 03:30+02:00.
        query = make_query(
            MADRID,
            MADRID_SPRING,
            {7: [(hhmm(1), hhmm(5))]},
            now=datetime.fromisoformat("2026-03-29T00:30:00+00:00"),
            min_notice_minutes=60,
        )

        assert starts(available_slots(query))[0] == "2026-03-29T03:30:00+02:00"


class TestMadridFallBack:
    def test_the_repeated_hour_is_offered_once_with_the_summer_offset(self) -> None:
        query = make_query(MADRID, MADRID_FALL, {7: [(hhmm(1), hhmm(4))]})

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-10-25T01:00:00+02:00",
            "2026-10-25T01:30:00+02:00",
            "2026-10-25T02:00:00+02:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T03:00:00+01:00",
            "2026-10-25T03:30:00+01:00",
        ]
        assert refusal_for(query, datetime.fromisoformat("2026-10-25T02:00:00+01:00")) == SLOT_UNAVAILABLE

    def test_a_slot_through_the_change_ends_in_winter_time_after_sixty_real_minutes(self) -> None:
        query = make_query(MADRID, MADRID_FALL, {7: [(hhmm(1), hhmm(4))]}, duration_minutes=60)

        by_start = {slot.start.isoformat(): slot.end.isoformat() for slot in available_slots(query)}

        assert by_start["2026-10-25T02:30:00+02:00"] == "2026-10-25T02:30:00+01:00"

    def test_the_repeated_clock_hour_is_one_capacity_bucket(self) -> None:
        query = make_query(
            MADRID,
            MADRID_FALL,
            {7: [(hhmm(1), hhmm(4))]},
            max_per_hour=1,
            appointments_per_hour={(MADRID_FALL, 2): 1},
        )

        assert "2026-10-25T02:00:00+02:00" not in starts(available_slots(query))
        assert refusal_for(query, datetime.fromisoformat("2026-10-25T02:30:00+02:00")) == CAPACITY_REACHED
        assert refusal_for(query, datetime.fromisoformat("2026-10-25T03:00:00+01:00")) is None

    def test_an_existing_booking_in_the_second_occurrence_blocks_only_real_overlaps(self) -> None:
        second_occurrence = (
            datetime.fromisoformat("2026-10-25T02:00:00+01:00"),
            datetime.fromisoformat("2026-10-25T02:30:00+01:00"),
        )
        mechanic = MechanicCalendar(id=1, hours=None, busy=[second_occurrence])
        query = make_query(MADRID, MADRID_FALL, {7: [(hhmm(1), hhmm(4))]}, requires_mechanic=True, mechanics=[mechanic])

        assert free_mechanics_at(query, datetime.fromisoformat("2026-10-25T02:00:00+02:00")) == (1,)
        assert "2026-10-25T02:00:00+02:00" in starts(available_slots(query))


class TestNewYork:
    def test_spring_forward_skips_two_oclock(self) -> None:
        query = make_query(NEW_YORK, NEW_YORK_SPRING, {7: [(hhmm(1), hhmm(4))]}, duration_minutes=60)

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-03-08T01:00:00-05:00",
            "2026-03-08T01:30:00-05:00",
            "2026-03-08T03:00:00-04:00",
        ]
        assert ends(slots) == [
            "2026-03-08T03:00:00-04:00",
            "2026-03-08T03:30:00-04:00",
            "2026-03-08T04:00:00-04:00",
        ]

    def test_fall_back_offers_one_oclock_once_in_daylight_time(self) -> None:
        query = make_query(NEW_YORK, NEW_YORK_FALL, {7: [(hhmm(0), hhmm(3))]})

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-11-01T00:00:00-04:00",
            "2026-11-01T00:30:00-04:00",
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:30:00-04:00",
            "2026-11-01T02:00:00-05:00",
            "2026-11-01T02:30:00-05:00",
        ]
        assert refusal_for(query, datetime.fromisoformat("2026-11-01T01:30:00-05:00")) == SLOT_UNAVAILABLE

    def test_a_whole_day_has_one_hour_fewer_starts_in_spring_and_the_same_in_fall(self) -> None:
        whole_day = {7: [(hhmm(0), hhmm(24))]}
        spring = available_slots(make_query(NEW_YORK, NEW_YORK_SPRING, whole_day, slot_minutes=60, duration_minutes=60))
        fall = available_slots(make_query(NEW_YORK, NEW_YORK_FALL, whole_day, slot_minutes=60, duration_minutes=60))

        assert len(spring) == 23
        assert len(fall) == 24
        assert spring[-1].end.isoformat() == "2026-03-09T00:00:00-04:00"
        assert fall[-1].end.isoformat() == "2026-11-02T00:00:00-05:00"


class TestHalfHourChange:
    def test_lord_howe_skips_half_an_hour_and_an_interval_bound_in_it_moves_to_its_end(self) -> None:
        lord_howe = ZoneInfo("Australia/Lord_Howe")  # 2026-10-04: 02:00 jumps to 02:30 (+10:30 -> +11:00)
        query = make_query(lord_howe, date(2026, 10, 4), {7: [(hhmm(1), hhmm(2, 15)), (hhmm(2, 15), hhmm(3, 30))]})

        slots = available_slots(query)

        assert starts(slots) == [
            "2026-10-04T01:00:00+10:30",
            "2026-10-04T01:30:00+10:30",  # ends at 02:30+11:00, the instant 02:15 maps to
            "2026-10-04T02:45:00+11:00",  # the second interval's grid: 02:15 does not exist
        ]
        assert ends(slots)[1] == "2026-10-04T02:30:00+11:00"
