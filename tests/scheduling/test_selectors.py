"""The availability engine's inputs: each user's weekly hours and absences, one query however many users."""

from datetime import UTC, datetime

from autoagenda.accounts.models import Role
from autoagenda.scheduling.selectors import time_off_between, working_hours_for
from autoagenda.scheduling.staff_hours.selectors import summarize_week
from tests.accounts.factories import StaffFactory
from tests.scheduling.factories import TimeOffFactory, WorkingHoursFactory


def test_working_hours_for_groups_by_user_and_weekday_in_one_query(cast, django_assert_num_queries):
    mechanics = [StaffFactory(role=Role.MECHANIC, location=cast.location) for _ in range(6)]
    for m in mechanics:
        WorkingHoursFactory(user=m, location=cast.location, weekday=1, start_minute=840, end_minute=1080)
        WorkingHoursFactory(user=m, location=cast.location, weekday=1, start_minute=540, end_minute=780)
        WorkingHoursFactory(user=m, location=cast.location, weekday=6, start_minute=540, end_minute=720)
        WorkingHoursFactory(user=m, location=cast.other_location, weekday=2, start_minute=540, end_minute=720)
    ids = [m.pk for m in mechanics] + [cast.mechanic.pk]
    with django_assert_num_queries(1):
        hours = working_hours_for(cast.location, ids)
    assert set(hours) == {m.pk for m in mechanics}  # cast.mechanic has none: opening hours apply
    assert hours[mechanics[0].pk] == {1: [(540, 780), (840, 1080)], 6: [(540, 720)]}


def test_working_hours_for_accepts_a_location_id(cast):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=7, start_minute=0, end_minute=1440)
    assert working_hours_for(cast.location.pk, [cast.mechanic.pk]) == {cast.mechanic.pk: {7: [(0, 1440)]}}


def test_time_off_between_returns_overlapping_absences_in_one_query(cast, django_assert_num_queries):
    mechanics = [StaffFactory(role=Role.MECHANIC, location=cast.location) for _ in range(5)]
    for m in mechanics:
        TimeOffFactory(user=m, start=datetime(2026, 12, 1, 10, tzinfo=UTC), end=datetime(2026, 12, 1, 12, tzinfo=UTC))
        TimeOffFactory(user=m, start=datetime(2026, 11, 30, tzinfo=UTC), end=datetime(2026, 12, 1, 9, tzinfo=UTC))
        TimeOffFactory(user=m, start=datetime(2026, 12, 1, 18, tzinfo=UTC), end=datetime(2026, 12, 3, tzinfo=UTC))
    TimeOffFactory(user=cast.mechanic, start=datetime(2026, 12, 5, tzinfo=UTC), end=datetime(2026, 12, 6, tzinfo=UTC))
    ids = [m.pk for m in mechanics] + [cast.mechanic.pk]
    with django_assert_num_queries(1):
        absences = time_off_between(ids, datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 18, tzinfo=UTC))
    assert set(absences) == {m.pk for m in mechanics}
    # Half-open: an absence ending at 09:00 and one starting at 18:00 do not touch [09:00, 18:00).
    assert absences[mechanics[0].pk] == [(datetime(2026, 12, 1, 10, tzinfo=UTC), datetime(2026, 12, 1, 12, tzinfo=UTC))]


def test_time_off_between_with_no_users_is_empty(db):
    assert time_off_between([], datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)) == {}


def test_the_week_summary_groups_days_with_the_same_hours():
    plan = {d: [(540, 780), (840, 1080)] for d in range(1, 6)} | {6: [(540, 780)]}
    summary = summarize_week(plan)
    assert summary.count("09:00–13:00") == 2
    assert "14:00–18:00" in summary
    assert " · " in summary
    assert summarize_week({}) == ""
