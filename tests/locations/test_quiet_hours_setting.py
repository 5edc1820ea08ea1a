"""Each location sets its quiet hours (no SMS or WhatsApp overnight): 21:00–08:00 unless changed."""

import pytest
from django.db import IntegrityError, transaction

from autoagenda.locations.models import Location
from tests.locations.factories import LocationFactory


def test_a_new_location_is_quiet_from_21_to_08(db):
    location = LocationFactory()
    assert (location.quiet_hours_start, location.quiet_hours_end) == (21 * 60, 8 * 60)


def test_the_database_refuses_a_quiet_hour_outside_the_day(db):
    location = LocationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=location.pk).update(quiet_hours_start=1440)


def test_a_manager_changes_them_through_the_api_as_hh_mm(cast, api):
    response = api(cast.manager).patch(
        f"/api/v1/locations/{cast.location.pk}/",
        {"quiet_hours_start": "22:30", "quiet_hours_end": "07:45"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["quiet_hours_start"], response.json()["quiet_hours_end"]) == ("22:30", "07:45")
    cast.location.refresh_from_db()
    assert (cast.location.quiet_hours_start, cast.location.quiet_hours_end) == (22 * 60 + 30, 7 * 60 + 45)


@pytest.mark.parametrize("value", ["24:00", "9", "25:10"])
def test_the_api_refuses_a_time_that_is_not_in_the_day(cast, api, value):
    response = api(cast.manager).patch(
        f"/api/v1/locations/{cast.location.pk}/", {"quiet_hours_start": value}, format="json"
    )
    assert response.status_code == 400
    assert "quiet_hours_start" in response.json()["errors"]
    cast.location.refresh_from_db()
    assert cast.location.quiet_hours_start == 21 * 60


def test_the_settings_form_edits_them(cast, web):
    client = web(cast.manager)
    page = client.get(f"/locations/{cast.location.pk}/edit/").content.decode()
    assert 'name="quiet_hours_start" value="21:00"' in page
    location = cast.location
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
        "quiet_hours_start": "20:00",
        "quiet_hours_end": "09:00",
    }
    response = client.post(f"/locations/{location.pk}/edit/", data)
    assert response.status_code == 302
    location.refresh_from_db()
    assert (location.quiet_hours_start, location.quiet_hours_end) == (20 * 60, 9 * 60)


def test_the_settings_form_shows_a_clear_error_for_a_bad_time(cast, web):
    location = cast.location
    response = web(cast.manager).post(
        f"/locations/{location.pk}/edit/",
        {
            "name": location.name,
            "timezone": location.timezone,
            "country": location.country,
            "sector": location.sector,
            "slot_minutes": 30,
            "min_notice_minutes": 60,
            "booking_horizon_days": 60,
            "cancellation_window_minutes": 120,
            "quiet_hours_start": "nine",
        },
    )
    assert response.status_code == 400
    assert "Enter a time as HH:MM" in response.content.decode()
