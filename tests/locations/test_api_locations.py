import pytest

from autoagenda.locations.models import Location
from tests.locations.factories import LocationFactory

URL = "/api/v1/locations/"
BODY = {
    "name": "Taller Las Condes",
    "timezone": "America/Santiago",
    "country": "CL",
    "slot_minutes": 30,
    "max_appointments_per_hour": None,
    "max_appointments_per_day": 40,
    "min_notice_minutes": 120,
    "booking_horizon_days": 90,
    "cancellation_window_minutes": 240,
    "use_public_holidays": True,
}
ALL_FIELDS = {
    "id", "name", "address", "phone", "email", "timezone", "country", "sector", "slot_minutes",
    "max_appointments_per_hour", "max_appointments_per_day", "min_notice_minutes", "booking_horizon_days",
    "cancellation_window_minutes", "use_public_holidays", "quiet_hours_start", "quiet_hours_end", "is_active",
    "first_reminder_minutes", "second_reminder_minutes",
    "currency", "tax_rate", "legal_name", "tax_id",
    "deposit_mode", "deposit_amount", "deposit_percent", "deposit_hold_minutes",
}  # fmt: skip


def test_an_admin_creates_a_location_and_gets_every_field_back(cast, api):
    response = api(cast.admin).post(URL, BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == ALL_FIELDS
    location = Location.objects.get(pk=body["id"])
    assert body == {
        **BODY,
        "id": location.pk,
        "address": "",
        "legal_name": "",
        "tax_id": "",
        "phone": "",
        "email": "",
        "sector": "automotive",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        "first_reminder_minutes": 1440,
        "second_reminder_minutes": 120,
        "is_active": True,
        "currency": "CLP",  # from the country
        "tax_rate": None,
        "deposit_mode": "none",
        "deposit_amount": None,
        "deposit_percent": None,
        "deposit_hold_minutes": 30,
    }


def test_optional_contact_fields_and_sector_are_stored(cast, api):
    body = {**BODY, "address": "Av. Apoquindo 123", "phone": "+56 2 2345 6789", "email": "lc@example.com"}
    response = api(cast.admin).post(URL, {**body, "sector": "general", "is_active": False}, format="json")
    assert response.status_code == 201
    location = Location.objects.get(pk=response.json()["id"])
    assert (location.address, location.sector, location.is_active) == ("Av. Apoquindo 123", "general", False)


def test_the_legal_data_printed_on_invoices_is_stored_and_editable(cast, api):
    body = {**BODY, "legal_name": "Servicios Automotrices Las Condes SpA", "tax_id": "76.111.222-3"}
    response = api(cast.admin).post(URL, body, format="json")
    assert response.status_code == 201
    location = Location.objects.get(pk=response.json()["id"])
    assert (location.legal_name, location.tax_id) == ("Servicios Automotrices Las Condes SpA", "76.111.222-3")
    changed = api(cast.admin).patch(f"{URL}{location.pk}/", {"tax_id": "76.111.222-4"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["tax_id"] == "76.111.222-4"
    too_long = api(cast.admin).patch(f"{URL}{location.pk}/", {"tax_id": "x" * 41}, format="json")
    assert too_long.status_code == 400


def test_a_location_gets_model_defaults_for_omitted_settings(cast, api):
    response = api(cast.admin).post(URL, {"name": "Mínimo", "country": "cl"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["country"], body["timezone"], body["slot_minutes"], body["booking_horizon_days"]) == (
        "CL",
        "America/Santiago",
        30,
        60,
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"timezone": "Mars/Olympus"}, {"timezone"}),
        ({"slot_minutes": 3}, {"slot_minutes"}),
        ({"slot_minutes": 241}, {"slot_minutes"}),
        ({"booking_horizon_days": 0}, {"booking_horizon_days"}),
        ({"booking_horizon_days": 731}, {"booking_horizon_days"}),
        ({"min_notice_minutes": 43_201}, {"min_notice_minutes"}),
        ({"cancellation_window_minutes": -1}, {"cancellation_window_minutes"}),
        ({"max_appointments_per_hour": 0}, {"max_appointments_per_hour"}),
        ({"max_appointments_per_day": 0}, {"max_appointments_per_day"}),
        ({"booking_horizon_days": 1, "min_notice_minutes": 1441}, {"min_notice_minutes"}),
        ({"country": "XX"}, {"country"}),
        ({"country": "CHL"}, {"country"}),
        ({"sector": "bakery"}, {"sector"}),
        ({"slot_minutes": "many"}, {"slot_minutes"}),
        ({"name": ""}, {"name"}),
        (
            {"timezone": "Nowhere/City", "slot_minutes": 3, "booking_horizon_days": 0},
            {"timezone", "slot_minutes", "booking_horizon_days"},
        ),
    ],
)
def test_bad_settings_answer_400_invalid_with_an_error_for_every_bad_field(cast, api, changes, fields):
    response = api(cast.admin).post(URL, {**BODY, **changes}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == fields
    assert all(isinstance(msg, str) and msg for msgs in body["errors"].values() for msg in msgs)
    assert not Location.objects.filter(name=BODY["name"]).exists()


def test_missing_required_fields_are_named(cast, api):
    response = api(cast.admin).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "country"}


def test_malformed_json_is_a_parse_error(cast, api):
    response = api(cast.admin).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_the_list_is_paginated_and_scoped_to_the_callers_locations(cast, api):
    response = api(cast.manager).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["id"] for row in body["results"]] == [cast.location.pk]
    assert set(body["results"][0]) == ALL_FIELDS


def test_admins_see_every_location_including_inactive_ones(cast, api):
    hidden = LocationFactory(name="Cerrado", is_active=False)
    ids = {row["id"] for row in api(cast.admin).get(URL).json()["results"]}
    assert ids == {cast.location.pk, cast.other_location.pk, hidden.pk}


def test_clients_see_the_active_locations(cast, api):
    LocationFactory(name="Cerrado", is_active=False)
    ids = {row["id"] for row in api(cast.client).get(URL).json()["results"]}
    assert ids == {cast.location.pk, cast.other_location.pk}


def test_the_list_runs_a_bounded_number_of_queries(cast, api, django_assert_max_num_queries):
    for n in range(20):
        LocationFactory(name=f"Sucursal {n:02d}")
    client = api(cast.admin)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 22


def test_patch_changes_only_the_given_fields(cast, api):
    response = api(cast.manager).patch(
        f"{URL}{cast.location.pk}/", {"slot_minutes": 15, "max_appointments_per_hour": None}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["slot_minutes"] == 15
    cast.location.refresh_from_db()
    assert (cast.location.slot_minutes, cast.location.name) == (15, "Taller Providencia")


def test_patch_validates_against_the_stored_values(cast, api):
    response = api(cast.admin).patch(f"{URL}{cast.location.pk}/", {"booking_horizon_days": 0}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"booking_horizon_days"}
    api(cast.admin).patch(f"{URL}{cast.location.pk}/", {"min_notice_minutes": 2000}, format="json")
    response = api(cast.admin).patch(f"{URL}{cast.location.pk}/", {"booking_horizon_days": 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"min_notice_minutes"}
    cast.location.refresh_from_db()
    assert cast.location.booking_horizon_days == 60


def test_an_unknown_location_is_404(cast, api):
    response = api(cast.admin).get(f"{URL}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
