import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.locations.selectors import opening_hours_by_weekday
from autoagenda.locations.services import opening_hours_replace


def test_it_replaces_the_whole_week(cast):
    opening_hours_replace(
        actor=cast.manager, location=cast.location, intervals=[(6, 600, 840), (1, 840, 1440), (1, 480, 720)]
    )
    plan = opening_hours_by_weekday(cast.location)
    assert plan[1] == [(480, 720), (840, 1440)]
    assert plan[6] == [(600, 840)]
    assert plan[2] == plan[7] == []


def test_an_empty_week_closes_every_day(cast):
    opening_hours_replace(actor=cast.admin, location=cast.location, intervals=[])
    assert all(not intervals for intervals in opening_hours_by_weekday(cast.location).values())


def test_adjacent_intervals_are_not_an_overlap(cast):
    opening_hours_replace(actor=cast.admin, location=cast.location, intervals=[(1, 540, 780), (1, 780, 1080)])
    assert opening_hours_by_weekday(cast.location)[1] == [(540, 780), (780, 1080)]


def test_it_refuses_overlapping_intervals_and_changes_nothing(cast):
    before = opening_hours_by_weekday(cast.location)
    with pytest.raises(ApplicationError) as caught:
        opening_hours_replace(
            actor=cast.manager, location=cast.location, intervals=[(2, 540, 780), (3, 540, 600), (2, 720, 900)]
        )
    assert caught.value.code == "invalid"
    assert list(caught.value.errors) == ["2.start"]
    assert "overlaps 09:00–13:00" in caught.value.errors["2.start"][0]
    assert opening_hours_by_weekday(cast.location) == before


@pytest.mark.parametrize(
    ("interval", "key"),
    [
        ((0, 540, 600), "0.weekday"),
        ((8, 540, 600), "0.weekday"),
        ((1, 600, 540), "0.end"),
        ((1, 600, 600), "0.end"),
        ((1, 600, 1441), "0.end"),
        ((1, 1440, 1440), "0.start"),
        ((1, -5, 60), "0.start"),
    ],
)
def test_it_refuses_an_invalid_interval(cast, interval, key):
    with pytest.raises(ApplicationError) as caught:
        opening_hours_replace(actor=cast.admin, location=cast.location, intervals=[interval])
    assert key in caught.value.errors
    assert opening_hours_by_weekday(cast.location)[1] == [(540, 780), (840, 1080)]


def test_it_allows_an_interval_that_ends_at_midnight(cast):
    opening_hours_replace(actor=cast.admin, location=cast.location, intervals=[(5, 1200, 1440)])
    assert opening_hours_by_weekday(cast.location)[5] == [(1200, 1440)]


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client", "other_manager"])
def test_only_admins_and_the_locations_managers_edit_hours(cast, who):
    with pytest.raises(PermissionDenied):
        opening_hours_replace(actor=getattr(cast, who), location=cast.location, intervals=[])
    assert opening_hours_by_weekday(cast.location)[1] == [(540, 780), (840, 1080)]
