import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.locations.services import location_create, location_update

VALID = {
    "name": "Taller Ñuñoa",
    "timezone": "America/Santiago",
    "country": "CL",
    "slot_minutes": 30,
    "min_notice_minutes": 60,
    "booking_horizon_days": 30,
    "cancellation_window_minutes": 120,
    "use_public_holidays": True,
}


def test_an_admin_creates_a_location_with_the_given_settings(cast):
    location = location_create(actor=cast.admin, **VALID, max_appointments_per_hour=4)
    location.refresh_from_db()
    assert (location.name, location.timezone, location.country, location.max_appointments_per_hour) == (
        "Taller Ñuñoa",
        "America/Santiago",
        "CL",
        4,
    )
    assert location.max_appointments_per_day is None


def test_it_normalizes_the_country_code_to_upper_case(cast):
    location = location_create(actor=cast.admin, **{**VALID, "country": "es", "timezone": "Europe/Madrid"})
    assert location.country == "ES"


@pytest.mark.parametrize("who", ["manager", "receptionist", "mechanic", "client"])
def test_only_admins_create_locations(cast, who):
    with pytest.raises(PermissionDenied):
        location_create(actor=getattr(cast, who), **VALID)
    assert not Location.objects.filter(name="Taller Ñuñoa").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"country": "C1"}, "country"),
        ({"country": "XX"}, "country"),
        ({"slot_minutes": 3}, "slot_minutes"),
        ({"slot_minutes": 241}, "slot_minutes"),
        ({"booking_horizon_days": 0}, "booking_horizon_days"),
        ({"booking_horizon_days": 731}, "booking_horizon_days"),
        ({"min_notice_minutes": -1}, "min_notice_minutes"),
        ({"min_notice_minutes": 43_201}, "min_notice_minutes"),
        ({"cancellation_window_minutes": 43_201}, "cancellation_window_minutes"),
        ({"max_appointments_per_hour": 0}, "max_appointments_per_hour"),
        ({"max_appointments_per_day": 0}, "max_appointments_per_day"),
        ({"name": "  "}, "name"),
        ({"sector": "bakery"}, "sector"),
        ({"email": "not-an-email"}, "email"),
        ({"booking_horizon_days": 1, "min_notice_minutes": 1441}, "min_notice_minutes"),
    ],
)
def test_it_refuses_invalid_settings_naming_the_field(cast, changes, field):
    with pytest.raises(ApplicationError) as caught:
        location_create(actor=cast.admin, **{**VALID, **changes})
    assert caught.value.code == "invalid"
    assert field in caught.value.errors
    assert not Location.objects.filter(name=VALID["name"]).exists()


def test_it_reports_every_bad_field_at_once(cast):
    with pytest.raises(ApplicationError) as caught:
        location_create(actor=cast.admin, **{**VALID, "timezone": "Nowhere", "slot_minutes": 3, "country": "1"})
    assert set(caught.value.errors) == {"timezone", "slot_minutes", "country"}


def test_a_country_without_holiday_data_is_allowed_when_holidays_are_off(cast):
    location = location_create(actor=cast.admin, **{**VALID, "country": "XX", "use_public_holidays": False})
    assert location.country == "XX"


def test_a_notice_equal_to_the_horizon_is_allowed(cast):
    location = location_create(actor=cast.admin, **{**VALID, "booking_horizon_days": 1, "min_notice_minutes": 1440})
    assert location.min_notice_minutes == 1440


def test_a_manager_updates_their_own_location(cast):
    location_update(actor=cast.manager, location=cast.location, slot_minutes=15, max_appointments_per_day=20)
    cast.location.refresh_from_db()
    assert (cast.location.slot_minutes, cast.location.max_appointments_per_day) == (15, 20)


def test_an_update_is_checked_against_the_stored_values(cast):
    """Shrinking the horizon below the stored notice is refused even though only one field is sent."""
    location_update(actor=cast.admin, location=cast.location, min_notice_minutes=3000)
    with pytest.raises(ApplicationError) as caught:
        location_update(actor=cast.admin, location=cast.location, booking_horizon_days=1)
    assert "min_notice_minutes" in caught.value.errors
    cast.location.refresh_from_db()
    assert cast.location.booking_horizon_days == 60


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client", "other_manager"])
def test_other_roles_may_not_update_a_location(cast, who):
    with pytest.raises(PermissionDenied):
        location_update(actor=getattr(cast, who), location=cast.location, name="Hacked")
    cast.location.refresh_from_db()
    assert cast.location.name == "Taller Providencia"
