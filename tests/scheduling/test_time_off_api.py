"""/api/v1/staff/{id}/time-off/: timestamps with offsets in and out, end after start."""

from datetime import UTC, datetime

import pytest

from autoagenda.scheduling.models import TimeOff
from tests.scheduling.factories import TimeOffFactory


def url(user):
    return f"/api/v1/staff/{user.pk}/time-off/"


def test_a_manager_records_time_off_and_gets_it_back_in_the_locations_zone(cast, api):
    response = api(cast.manager).post(
        url(cast.mechanic),
        {"start": "2026-12-01T12:00:00Z", "end": "2026-12-03T18:00:00-03:00", "reason": "Vacaciones"},
        format="json",
    )
    assert response.status_code == 201
    off = TimeOff.objects.get()
    assert response.json() == {
        "id": off.pk,
        "start": "2026-12-01T09:00:00-03:00",
        "end": "2026-12-03T18:00:00-03:00",
        "reason": "Vacaciones",
    }
    assert off.start == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert off.created_by == cast.manager


def test_a_staff_member_records_their_own_time_off(cast, api):
    response = api(cast.mechanic).post(
        url(cast.mechanic), {"start": "2026-12-01T09:00:00-03:00", "end": "2026-12-01T13:00:00-03:00"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["reason"] == ""


def test_times_are_answered_in_the_staff_members_own_zone(cast, api):
    response = api(cast.admin).post(
        url(cast.other_mechanic),
        {"start": "2026-07-01T08:00:00Z", "end": "2026-07-01T10:00:00Z", "reason": ""},
        format="json",
    )
    assert response.json()["start"] == "2026-07-01T10:00:00+02:00"  # Madrid in summer


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-12-01T09:00:00", "2026-12-01T13:00:00-03:00", "start"),
        ("2026-12-01T09:00:00-03:00", "2026-12-01T13:00:00", "end"),
        ("2026-12-01T13:00:00-03:00", "2026-12-01T09:00:00-03:00", "end"),
        ("2026-12-01T09:00:00-03:00", "2026-12-01T09:00:00-03:00", "end"),
        ("tomorrow", "2026-12-01T09:00:00-03:00", "start"),
        ("2026-02-30T09:00:00-03:00", "2026-12-01T09:00:00-03:00", "start"),
    ],
)
def test_it_refuses_bad_timestamps_with_an_error_on_the_field(cast, api, start, end, field):
    response = api(cast.manager).post(url(cast.mechanic), {"start": start, "end": end}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert not TimeOff.objects.exists()


def test_a_reason_longer_than_200_characters_is_refused(cast, api):
    response = api(cast.manager).post(
        url(cast.mechanic),
        {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z", "reason": "x" * 201},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]


def test_the_list_is_paginated_and_ascending(cast, api, django_assert_max_num_queries):
    for day in (20, 5, 12):
        TimeOffFactory(
            user=cast.mechanic,
            start=datetime(2026, 12, day, 12, tzinfo=UTC),
            end=datetime(2026, 12, day, 20, tzinfo=UTC),
        )
    TimeOffFactory(
        user=cast.other_mechanic, start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2026, 12, 2, tzinfo=UTC)
    )
    client = api(cast.receptionist)
    with django_assert_max_num_queries(6):
        response = client.get(url(cast.mechanic))
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [r["start"][:10] for r in response.json()["results"]] == ["2026-12-05", "2026-12-12", "2026-12-20"]


def test_delete_removes_the_time_off(cast, api):
    off = TimeOffFactory(
        user=cast.mechanic, start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2026, 12, 2, tzinfo=UTC)
    )
    response = api(cast.mechanic).delete(f"{url(cast.mechanic)}{off.pk}/")
    assert response.status_code == 204
    assert not TimeOff.objects.exists()


def test_someone_elses_time_off_is_not_found_under_another_staff_member(cast, api):
    off = TimeOffFactory(
        user=cast.receptionist, start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2026, 12, 2, tzinfo=UTC)
    )
    response = api(cast.admin).delete(f"{url(cast.mechanic)}{off.pk}/")
    assert response.status_code == 404
    assert TimeOff.objects.filter(pk=off.pk).exists()


def test_a_client_is_not_a_staff_member(cast, api):
    response = api(cast.admin).get(url(cast.client))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
