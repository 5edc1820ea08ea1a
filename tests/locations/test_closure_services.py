from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Closure
from autoagenda.locations.services import closure_add, closure_delete

CHILE_SUMMER = timezone(timedelta(hours=-3))


def test_a_whole_day_in_santiago_is_stored_as_its_utc_span(cast):
    closure = closure_add(actor=cast.manager, location=cast.location, date=date(2026, 12, 24), reason="Nochebuena")
    closure.refresh_from_db()
    assert closure.date == date(2026, 12, 24)
    assert closure.start == datetime(2026, 12, 24, 3, 0, tzinfo=UTC)
    assert closure.end == datetime(2026, 12, 25, 3, 0, tzinfo=UTC)
    assert closure.reason == "Nochebuena"


def test_a_winter_day_in_santiago_is_four_hours_behind_utc(cast):
    closure = closure_add(actor=cast.manager, location=cast.location, date=date(2026, 7, 1))
    assert (closure.start, closure.end) == (
        datetime(2026, 7, 1, 4, 0, tzinfo=UTC),
        datetime(2026, 7, 2, 4, 0, tzinfo=UTC),
    )


def test_the_spring_forward_day_starts_at_one_in_the_morning_and_lasts_23_hours(cast):
    """On 2026-09-06 Santiago's clocks jump from 00:00 to 01:00: local midnight does not exist."""
    closure = closure_add(actor=cast.manager, location=cast.location, date=date(2026, 9, 6))
    closure.refresh_from_db()
    assert closure.start == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    assert closure.start.astimezone(cast.location.zone).isoformat() == "2026-09-06T01:00:00-03:00"
    assert closure.end == datetime(2026, 9, 7, 3, 0, tzinfo=UTC)
    assert closure.end - closure.start == timedelta(hours=23)


def test_the_fall_back_day_before_lasts_25_hours(cast):
    """On 2026-04-04 at 24:00 Santiago goes back to 23:00: that day has 25 hours."""
    closure = closure_add(actor=cast.manager, location=cast.location, date=date(2026, 4, 4))
    assert closure.end - closure.start == timedelta(hours=25)
    assert closure.end == datetime(2026, 4, 5, 4, 0, tzinfo=UTC)


def test_a_time_range_is_stored_as_given(cast):
    start = datetime(2026, 12, 1, 14, 0, tzinfo=CHILE_SUMMER)
    closure = closure_add(actor=cast.admin, location=cast.location, start=start, end=start + timedelta(hours=2))
    closure.refresh_from_db()
    assert closure.date is None
    assert closure.start == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert closure.end == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "start"),
        ({"start": datetime(2026, 12, 1, 14, 0, tzinfo=UTC)}, "end"),
        ({"start": datetime(2026, 12, 1, 14, 0, tzinfo=UTC), "end": datetime(2026, 12, 1, 14, 0, tzinfo=UTC)}, "end"),
        ({"start": datetime(2026, 12, 1, 14, 0, tzinfo=UTC), "end": datetime(2026, 12, 1, 13, 0, tzinfo=UTC)}, "end"),
        ({"start": datetime(2026, 12, 1, 14, 0), "end": datetime(2026, 12, 1, 15, 0, tzinfo=UTC)}, "start"),
        ({"date": date(2026, 12, 1), "start": datetime(2026, 12, 1, 14, 0, tzinfo=UTC)}, "date"),
        ({"date": date(2026, 12, 1), "reason": "x" * 201}, "reason"),
    ],
)
def test_it_refuses_an_invalid_closure_and_stores_nothing(cast, kwargs, field):
    with pytest.raises(ApplicationError) as caught:
        closure_add(actor=cast.admin, location=cast.location, **kwargs)
    assert caught.value.code == "invalid"
    assert field in caught.value.errors
    assert not Closure.objects.exists()


def test_the_same_day_cannot_be_closed_twice(cast):
    closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    with pytest.raises(ApplicationError) as caught:
        closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    assert "date" in caught.value.errors
    assert Closure.objects.count() == 1


def test_a_manager_deletes_a_closure(cast):
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    closure_delete(actor=cast.manager, closure=closure)
    assert not Closure.objects.exists()


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client", "other_manager"])
def test_other_roles_may_neither_add_nor_delete_closures(cast, who):
    actor = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        closure_add(actor=actor, location=cast.location, date=date(2026, 12, 24))
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 25))
    with pytest.raises(PermissionDenied):
        closure_delete(actor=actor, closure=closure)
    assert list(Closure.objects.values_list("date", flat=True)) == [date(2026, 12, 25)]
