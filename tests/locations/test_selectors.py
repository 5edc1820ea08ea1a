from datetime import UTC, date, datetime

import time_machine
from django.utils import translation

from autoagenda.locations import selectors
from autoagenda.locations.services import closure_add
from tests.accounts.factories import StaffFactory
from tests.locations.factories import ClosureFactory, LocationFactory


def test_chile_has_its_independence_day_in_spanish(cast):
    with translation.override("es"):
        found = selectors.public_holidays(cast.location, date(2026, 9, 1), date(2026, 9, 30))
    assert found[date(2026, 9, 18)] == "Día de la Independencia"
    assert date(2026, 9, 19) in found
    assert all(date(2026, 9, 1) <= day <= date(2026, 9, 30) for day in found)


def test_holiday_names_follow_the_active_language(cast):
    with translation.override("en"):
        found = selectors.public_holidays(cast.location, date(2026, 9, 18), date(2026, 9, 18))
    assert found == {date(2026, 9, 18): "Independence Day"}


def test_spain_closes_on_its_national_day(cast):
    with translation.override("es"):
        found = selectors.public_holidays(cast.other_location, date(2026, 10, 1), date(2026, 10, 31))
    assert date(2026, 10, 12) in found
    assert found[date(2026, 10, 12)] == "Fiesta Nacional de España"


def test_a_range_across_new_year_covers_both_years(cast):
    found = selectors.public_holidays(cast.location, date(2026, 12, 20), date(2027, 1, 5))
    assert {date(2026, 12, 25), date(2027, 1, 1)} <= set(found)


def test_no_holidays_when_the_location_opens_on_them(db):
    location = LocationFactory(use_public_holidays=False)
    assert selectors.public_holidays(location, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_no_holidays_for_a_country_the_package_does_not_know(db):
    location = LocationFactory(country="XX", use_public_holidays=True)
    assert selectors.public_holidays(location, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_holidays_are_cached_per_country_and_year(cast, django_assert_num_queries):
    selectors.public_holidays(cast.location, date(2026, 1, 1), date(2026, 12, 31))
    before = selectors._holidays_of_year.cache_info().hits
    with django_assert_num_queries(0):
        selectors.public_holidays(cast.location, date(2026, 3, 1), date(2026, 3, 31))
    assert selectors._holidays_of_year.cache_info().hits == before + 1


def test_opening_hours_by_weekday_lists_every_day(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        plan = selectors.opening_hours_by_weekday(cast.location)
    assert sorted(plan) == [1, 2, 3, 4, 5, 6, 7]
    assert plan[1] == [(540, 780), (840, 1080)]
    assert plan[6] == plan[7] == []


def test_closures_between_returns_only_overlapping_closures(cast):
    inside = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 31))
    ClosureFactory(
        location=cast.other_location,
        start=datetime(2026, 12, 24, 8, tzinfo=UTC),
        end=datetime(2026, 12, 24, 20, tzinfo=UTC),
    )
    # The 24th starts 03:00 UTC and ends 03:00 UTC on the 25th; a window touching only its end is outside.
    found = selectors.closures_between(
        cast.location, datetime(2026, 12, 24, 12, tzinfo=UTC), datetime(2026, 12, 26, tzinfo=UTC)
    )
    assert found == [inside]
    assert (
        selectors.closures_between(
            cast.location, datetime(2026, 12, 25, 3, tzinfo=UTC), datetime(2026, 12, 25, 4, tzinfo=UTC)
        )
        == []
    )


def test_upcoming_public_holidays_start_today_in_the_locations_zone(cast):
    with time_machine.travel(datetime(2026, 9, 17, 12, tzinfo=UTC), tick=False):
        upcoming = selectors.upcoming_public_holidays(cast.location, days=10, limit=2)
    assert [day for day, _name in upcoming] == [date(2026, 9, 18), date(2026, 9, 19)]


def test_the_location_list_counts_staff_days_and_upcoming_closures(cast):
    StaffFactory(location=cast.location)
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
        closure_add(actor=cast.admin, location=cast.location, date=date(2026, 11, 24))
        rows = {loc.pk: loc for loc in selectors.locations_for_user(cast.admin)}
    mine = rows[cast.location.pk]
    assert (mine.staff_count, mine.open_days, mine.upcoming_closures) == (4, 5, 1)
    assert rows[cast.other_location.pk].upcoming_closures == 0
