from datetime import UTC, date, datetime

import pytest
import time_machine

from autoagenda.locations.models import Closure, Location
from autoagenda.locations.selectors import opening_hours_by_weekday
from autoagenda.locations.services import closure_add
from tests.locations.factories import LocationFactory
from tests.locations.helpers import settings_form_data


def test_the_list_shows_the_users_locations_and_the_admins_new_button(cast, web):
    page = web(cast.admin).get("/locations/").content.decode()
    assert "Taller Providencia" in page
    assert "Taller Madrid Centro" in page
    assert 'href="/locations/new/"' in page


def test_a_manager_sees_only_their_location_and_no_new_button(cast, web):
    page = web(cast.manager).get("/locations/").content.decode()
    assert "Taller Providencia" in page
    assert "Taller Madrid Centro" not in page
    assert 'href="/locations/new/"' not in page
    assert f'href="/locations/{cast.location.pk}/edit/"' in page


def test_the_list_page_runs_a_bounded_number_of_queries(cast, web, django_assert_max_num_queries):
    for n in range(15):
        LocationFactory(name=f"Sucursal {n:02d}")
    client = web(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get("/locations/")
    assert response.content.decode().count('class="card loc-card"') == 17


def test_an_admin_creates_a_location_and_goes_on_to_its_hours(cast, web):
    data = settings_form_data(cast.location, name="Taller Ñuñoa", max_appointments_per_day=12)
    response = web(cast.admin).post("/locations/new/", data)
    location = Location.objects.get(name="Taller Ñuñoa")
    assert response.status_code == 302
    assert response["Location"] == f"/locations/{location.pk}/hours/"
    assert location.max_appointments_per_day == 12
    assert location.max_appointments_per_hour is None


def test_the_create_form_starts_with_the_defaults(cast, web):
    page = web(cast.admin).get("/locations/new/").content.decode()
    assert '<option value="America/Santiago" selected>' in page
    assert '<option value="CL" selected>Chile (CL)</option>' in page
    assert 'name="slot_minutes" value="30"' in page


def test_an_invalid_new_location_is_refused_with_field_errors(cast, web):
    data = settings_form_data(cast.location, name="Malo", booking_horizon_days=1, min_notice_minutes=2000)
    response = web(cast.admin).post("/locations/new/", data)
    assert response.status_code == 400
    assert "The minimum notice cannot be longer than the booking horizon." in response.content.decode()
    assert not Location.objects.filter(name="Malo").exists()


def test_the_detail_page_shows_settings_hours_closures_and_holidays(cast, web):
    with time_machine.travel(datetime(2026, 9, 1, 12, tzinfo=UTC), tick=False):
        closure_add(actor=cast.admin, location=cast.location, date=date(2026, 9, 10), reason="Inventario anual")
        page = web(cast.manager).get(f"/locations/{cast.location.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "America/Santiago" in page
    assert "09:00–13:00" in page
    assert "14:00–18:00" in page
    assert "Inventario anual" in page
    assert "Día de la Independencia" in page
    assert f'href="/locations/{cast.location.pk}/edit/"' in page


def test_the_detail_page_has_no_edit_buttons_for_a_receptionist(cast, web):
    page = web(cast.receptionist).get(f"/locations/{cast.location.pk}/").content.decode()
    assert "Taller Providencia" in page
    assert f'href="/locations/{cast.location.pk}/edit/"' not in page


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_settings_page_renders_grouped_in_fieldsets(cast, web, language):
    client = web(cast.manager)
    client.cookies["django_language"] = language
    page = client.get(f"/locations/{cast.location.pk}/edit/").content.decode()
    assert page.count("<fieldset") == 5  # general, booking rules, capacity, messages, deposit
    assert f'lang="{language}"' in page
    assert '<optgroup label="America">' in page
    assert '<option value="ES">Spain (ES)</option>' in page


def test_the_settings_form_saves(cast, web):
    data = settings_form_data(cast.location, slot_minutes=15, max_appointments_per_hour=3, timezone="America/Bogota")
    data.pop("use_public_holidays")
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/edit/", data)
    assert response.status_code == 302
    cast.location.refresh_from_db()
    assert (cast.location.slot_minutes, cast.location.max_appointments_per_hour) == (15, 3)
    assert cast.location.timezone == "America/Bogota"
    assert cast.location.use_public_holidays is False


def test_the_settings_form_refuses_an_unknown_zone_and_changes_nothing(cast, web):
    data = settings_form_data(cast.location, timezone="Mars/Olympus", slot_minutes=3)
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/edit/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="field__error"') >= 2
    cast.location.refresh_from_db()
    assert (cast.location.timezone, cast.location.slot_minutes) == ("America/Santiago", 30)


def test_the_hours_editor_shows_the_week_with_a_blank_row_per_day(cast, web):
    page = web(cast.manager).get(f"/locations/{cast.location.pk}/hours/").content.decode()
    assert page.count('name="d1-start"') == 3  # two intervals and one blank
    assert page.count('name="d7-start"') == 1
    assert 'value="14:00"' in page


def test_the_hours_editor_saves_the_whole_week(cast, web):
    data = {
        "d1-start": ["08:00", "", "15:00"],
        "d1-end": ["12:00", "", "24:00"],
        "d6-start": "10:00",
        "d6-end": "14:00",
    }
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/hours/", data)
    assert response.status_code == 302
    plan = opening_hours_by_weekday(cast.location)
    assert plan[1] == [(480, 720), (900, 1440)]
    assert plan[6] == [(600, 840)]
    assert plan[2] == []


def test_the_hours_editor_refuses_overlaps_and_keeps_the_stored_week(cast, web):
    data = {"d2-start": ["09:00", "12:00"], "d2-end": ["13:00", "15:00"]}
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/hours/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "overlaps 09:00–13:00" in page
    assert 'value="12:00"' in page  # what was typed is kept
    assert opening_hours_by_weekday(cast.location)[2] == [(540, 780), (840, 1080)]


@pytest.mark.parametrize(("start", "end"), [("25:00", "26:00"), ("09:00", ""), ("18:00", "09:00")])
def test_the_hours_editor_refuses_bad_times(cast, web, start, end):
    data = {"d3-start": start, "d3-end": end}
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/hours/", data)
    assert response.status_code == 400
    assert 'class="field__error loc-interval__error"' in response.content.decode()
    assert opening_hours_by_weekday(cast.location)[3] == [(540, 780), (840, 1080)]


def test_the_interval_fragment_is_a_blank_row_for_the_day(cast, web):
    client = web(cast.manager)
    response = client.get(f"/locations/{cast.location.pk}/hours/interval/?weekday=4")
    assert response.status_code == 200
    assert 'name="d4-start"' in response.content.decode()
    assert client.get(f"/locations/{cast.location.pk}/hours/interval/?weekday=9").status_code == 400


def test_the_closures_page_adds_a_whole_day(cast, web):
    response = web(cast.manager).post(
        f"/locations/{cast.location.pk}/closures/", {"kind": "day", "date": "2026-09-06", "reason": "Fiestas"}
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert (closure.date, closure.start) == (date(2026, 9, 6), datetime(2026, 9, 6, 4, tzinfo=UTC))


def test_the_closures_page_reads_a_range_in_the_locations_zone(cast, web):
    response = web(cast.manager).post(
        f"/locations/{cast.location.pk}/closures/",
        {"kind": "range", "start": "2026-12-01T14:00", "end": "2026-12-01T16:30", "reason": "Capacitación"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.date is None
    assert (closure.start, closure.end) == (
        datetime(2026, 12, 1, 17, tzinfo=UTC),
        datetime(2026, 12, 1, 19, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "range", "start": "2026-09-06T00:30", "end": "2026-09-06T03:00"}, "does not exist"),
        ({"kind": "range", "start": "2026-12-01T16:00", "end": "2026-12-01T14:00"}, "The end must be after the start."),
        ({"kind": "range", "start": "2026-12-01T16:00"}, "This field is required."),
        ({"kind": "day"}, "Pick the day to close."),
    ],
)
def test_the_closures_page_refuses_bad_input(cast, web, data, message):
    client = web(cast.manager)
    client.cookies["django_language"] = "en"
    response = client.post(f"/locations/{cast.location.pk}/closures/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Closure.objects.exists()


def test_the_closures_page_lists_upcoming_closures_in_local_time(cast, web):
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=UTC), tick=False):
        closure_add(
            actor=cast.admin,
            location=cast.location,
            start=datetime(2026, 12, 1, 17, tzinfo=UTC),
            end=datetime(2026, 12, 1, 19, tzinfo=UTC),
            reason="Capacitación",
        )
        page = web(cast.manager).get(f"/locations/{cast.location.pk}/closures/").content.decode()
    assert "Capacitación" in page
    assert "14:00" in page
    assert "16:00" in page


def test_a_closure_is_removed_from_the_closures_page(cast, web):
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/closures/{closure.pk}/delete/")
    assert response.status_code == 302
    assert not Closure.objects.exists()


def test_a_closure_of_another_location_cannot_be_removed_through_this_one(cast, web):
    closure = closure_add(actor=cast.admin, location=cast.other_location, date=date(2026, 12, 24))
    response = web(cast.admin).post(f"/locations/{cast.location.pk}/closures/{closure.pk}/delete/")
    assert response.status_code == 404
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_the_hours_editor_reports_bad_times_and_overlaps_in_one_round_trip(cast, web):
    data = {"d2-start": ["09:00", "12:00"], "d2-end": ["13:00", "18:00"], "d3-start": "09:00", "d3-end": "25:00"}
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/hours/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "overlaps 09:00–13:00" in page
    assert page.count('class="field__error loc-interval__error"') == 2
