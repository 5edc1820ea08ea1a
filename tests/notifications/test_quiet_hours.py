"""SMS and WhatsApp wait out the location's quiet hours, on its wall clock, DST days included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from autoagenda.notifications.quiet_hours import hold_back, hold_back_for, is_quiet
from tests.locations.factories import LocationFactory

SCL = ZoneInfo("America/Santiago")
MAD = ZoneInfo("Europe/Madrid")
NIGHT = {"start": 21 * 60, "end": 8 * 60}


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        ((20, 59), False),
        ((21, 0), True),
        ((23, 30), True),
        ((0, 0), True),
        ((7, 59), True),
        ((8, 0), False),
        ((13, 0), False),
    ],
)
def test_the_default_window_runs_from_21_to_08(local, quiet):
    when = datetime(2026, 12, 1, *local, tzinfo=SCL)
    assert is_quiet(when, zone=SCL, **NIGHT) is quiet


def test_a_message_due_in_the_evening_waits_until_08_next_morning():
    due = datetime(2026, 12, 1, 22, 15, tzinfo=SCL)
    assert hold_back(due, zone=SCL, **NIGHT) == datetime(2026, 12, 2, 8, 0, tzinfo=SCL)


def test_a_message_due_after_midnight_waits_until_08_the_same_morning():
    due = datetime(2026, 12, 2, 3, 0, tzinfo=SCL)
    assert hold_back(due, zone=SCL, **NIGHT) == datetime(2026, 12, 2, 8, 0, tzinfo=SCL)


def test_a_message_outside_the_window_goes_when_it_is_due():
    due = datetime(2026, 12, 2, 9, 30, tzinfo=SCL)
    assert hold_back(due, zone=SCL, **NIGHT) == due


def test_a_window_inside_the_day_works_too():
    due = datetime(2026, 12, 2, 13, 30, tzinfo=SCL)
    assert hold_back(due, zone=SCL, start=13 * 60, end=15 * 60) == datetime(2026, 12, 2, 15, 0, tzinfo=SCL)


def test_equal_start_and_end_mean_no_quiet_hours():
    due = datetime(2026, 12, 2, 3, 0, tzinfo=SCL)
    assert hold_back(due, zone=SCL, start=0, end=0) == due


def test_on_santiagos_spring_forward_night_the_message_still_goes_at_08_on_the_clock():
    """Chile moves its clocks from 24:00 to 01:00 on 2026-09-06: that night lasts one hour less."""
    due = datetime(2026, 9, 5, 22, 0, tzinfo=SCL)  # Saturday 22:00, UTC-4
    sent = hold_back(due, zone=SCL, **NIGHT)
    assert sent.astimezone(SCL).replace(tzinfo=None) == datetime(2026, 9, 6, 8, 0)
    assert sent == datetime(2026, 9, 6, 11, 0, tzinfo=UTC)  # UTC-3 from then on
    assert (sent - due.astimezone(UTC)).total_seconds() == 9 * 3600  # 10 wall-clock hours, 9 real ones


def test_on_madrids_fall_back_night_the_message_goes_at_08_on_the_clock():
    """Spain turns its clocks back from 03:00 to 02:00 on 2026-10-25: that night lasts one hour more."""
    due = datetime(2026, 10, 24, 23, 0, tzinfo=MAD)
    sent = hold_back(due, zone=MAD, **NIGHT)
    assert sent == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert (sent - due.astimezone(UTC)).total_seconds() == 10 * 3600


def test_a_window_that_ends_in_a_dst_gap_ends_at_the_first_instant_after_it():
    """00:30 does not exist in Santiago on 2026-09-06 (00:00 jumps to 01:00)."""
    due = datetime(2026, 9, 5, 23, 0, tzinfo=SCL)
    sent = hold_back(due, zone=SCL, start=22 * 60, end=30)
    assert sent.astimezone(SCL).replace(tzinfo=None) == datetime(2026, 9, 6, 1, 30)


def test_the_locations_own_hours_and_zone_are_used(db):
    madrid = LocationFactory(timezone="Europe/Madrid", country="ES", quiet_hours_start=22 * 60, quiet_hours_end=9 * 60)
    due = datetime(2026, 12, 1, 21, 30, tzinfo=MAD)
    assert hold_back_for(due, madrid) == due
    late = datetime(2026, 12, 1, 22, 30, tzinfo=MAD)
    assert hold_back_for(late, madrid) == datetime(2026, 12, 2, 9, 0, tzinfo=MAD)


def test_without_a_location_the_defaults_apply_in_the_default_zone(settings):
    settings.DEFAULT_LOCATION_TIMEZONE = "America/Santiago"
    due = datetime(2026, 12, 1, 23, 0, tzinfo=SCL)
    assert hold_back_for(due, None) == datetime(2026, 12, 2, 8, 0, tzinfo=SCL)
