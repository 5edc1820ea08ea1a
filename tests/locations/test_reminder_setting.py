"""Each location sets when its clients are reminded: a day and two hours before unless changed; 0 = none."""

import pytest
from django.db import IntegrityError, transaction

from autoagenda.locations.models import Location, reminder_offsets
from tests.locations.factories import LocationFactory


def test_a_new_location_reminds_24_and_2_hours_before(db):
    location = LocationFactory()
    assert (location.first_reminder_minutes, location.second_reminder_minutes) == (1440, 120)
    assert reminder_offsets(location) == [1440, 120]


def test_zero_turns_a_reminder_off_and_equal_offsets_remind_once(db):
    assert reminder_offsets(LocationFactory(first_reminder_minutes=0, second_reminder_minutes=60)) == [60]
    assert reminder_offsets(LocationFactory(first_reminder_minutes=90, second_reminder_minutes=90)) == [90]


def test_the_database_refuses_a_reminder_more_than_a_week_ahead(db):
    location = LocationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=location.pk).update(first_reminder_minutes=7 * 1440 + 1)


def test_a_manager_changes_them_through_the_api(cast, api):
    url = f"/api/v1/locations/{cast.location.pk}/"
    response = api(cast.manager).patch(
        url, {"first_reminder_minutes": 2880, "second_reminder_minutes": 0}, format="json"
    )
    assert response.status_code == 200, response.json()
    cast.location.refresh_from_db()
    assert reminder_offsets(cast.location) == [2880]


@pytest.mark.parametrize("value", [-1, 10081, "soon"])
def test_the_api_refuses_an_offset_out_of_range(cast, api, value):
    response = api(cast.manager).patch(
        f"/api/v1/locations/{cast.location.pk}/", {"second_reminder_minutes": value}, format="json"
    )
    assert response.status_code == 400
    assert "second_reminder_minutes" in response.json()["errors"]
    cast.location.refresh_from_db()
    assert cast.location.second_reminder_minutes == 120


def test_the_settings_form_edits_them(cast, web):
    client = web(cast.manager)
    location = cast.location
    assert (
        'name="first_reminder_minutes" value="1440"' in client.get(f"/locations/{location.pk}/edit/").content.decode()
    )
    data = {
        "name": location.name,
        "timezone": location.timezone,
        "country": location.country,
        "sector": location.sector,
        "is_active": "on",
        "slot_minutes": location.slot_minutes,
        "min_notice_minutes": location.min_notice_minutes,
        "booking_horizon_days": location.booking_horizon_days,
        "cancellation_window_minutes": location.cancellation_window_minutes,
        "first_reminder_minutes": "720",
        "second_reminder_minutes": "30",
    }
    assert client.post(f"/locations/{location.pk}/edit/", data).status_code == 302
    location.refresh_from_db()
    assert reminder_offsets(location) == [720, 30]
