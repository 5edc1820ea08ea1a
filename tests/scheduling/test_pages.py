"""Staff-hours pages: the overview, the weekly editor per location, and time off."""

from datetime import UTC, datetime

import time_machine

from autoagenda.accounts.models import Role
from autoagenda.scheduling.models import TimeOff, WorkingHours
from tests.accounts.factories import StaffFactory
from tests.scheduling.factories import TimeOffFactory, WorkingHoursFactory


@time_machine.travel("2026-11-20T12:00:00Z", tick=False)
def test_the_overview_lists_the_managers_staff_with_hours_and_upcoming_time_off(cast, web):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=1, start_minute=480, end_minute=960)
    TimeOffFactory(
        user=cast.mechanic,
        start=datetime(2026, 12, 1, 12, tzinfo=UTC),
        end=datetime(2026, 12, 2, 12, tzinfo=UTC),
        reason="Curso de frenos",
    )
    TimeOffFactory(
        user=cast.mechanic,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 11, 2, tzinfo=UTC),
        reason="Ya pasó",
    )
    response = web(cast.manager).get("/staff/")
    html = response.content.decode()
    assert response.status_code == 200
    assert cast.mechanic.get_full_name() in html
    assert cast.receptionist.get_full_name() in html
    assert "08:00–16:00" in html
    assert "Curso de frenos" in html
    assert "Ya pasó" not in html
    assert cast.other_mechanic.get_full_name() not in html
    assert f"/staff/{cast.mechanic.pk}/hours/" in html


def test_the_overview_answers_in_a_bounded_number_of_queries(cast, web, django_assert_max_num_queries):
    for _ in range(15):
        m = StaffFactory(role=Role.MECHANIC, location=cast.location)
        WorkingHoursFactory(user=m, location=cast.location)
        TimeOffFactory(user=m, start=datetime(2030, 1, 1, tzinfo=UTC), end=datetime(2030, 1, 2, tzinfo=UTC))
    client = web(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get("/staff/")
    assert response.status_code == 200


def test_the_editor_shows_the_stored_week_and_the_opening_hours(cast, web):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=2, start_minute=600, end_minute=1440)
    response = web(cast.manager).get(f"/staff/{cast.mechanic.pk}/hours/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="week__day') == 7
    assert 'name="d2-start" value="10:00"' in html
    assert 'name="d2-end" value="00:00"' in html  # midnight: time inputs stop at 23:59
    assert "09:00–13:00" in html  # the location's opening hours beside it


def test_the_editor_saves_a_week_with_a_lunch_break(cast, web):
    data = {
        "location": str(cast.location.pk),
        "d1-start": ["09:00", "14:00", ""],
        "d1-end": ["13:00", "18:00", ""],
        "d6-start": ["10:00"],
        "d6-end": ["00:00"],
    }
    response = web(cast.manager).post(f"/staff/{cast.mechanic.pk}/hours/", data)
    assert response.status_code == 302
    stored = list(WorkingHours.objects.filter(user=cast.mechanic).values_list("weekday", "start_minute", "end_minute"))
    assert stored == [(1, 540, 780), (1, 840, 1080), (6, 600, 1440)]


def test_the_editor_shows_overlaps_on_their_day_and_saves_nothing(cast, web):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=5)
    data = {"location": str(cast.location.pk), "d3-start": ["09:00", "12:00"], "d3-end": ["13:00", "15:00"]}
    response = web(cast.admin).post(f"/staff/{cast.mechanic.pk}/hours/", data)
    assert response.status_code == 400
    days = response.context["days"]
    assert days[2].errors
    assert not any(day.errors for day in days if day.weekday != 3)
    assert list(WorkingHours.objects.values_list("weekday", flat=True)) == [5]


def test_the_editor_refuses_half_an_interval(cast, web):
    data = {"location": str(cast.location.pk), "d1-start": ["09:00"], "d1-end": [""]}
    response = web(cast.admin).post(f"/staff/{cast.mechanic.pk}/hours/", data)
    assert response.status_code == 400
    assert response.context["days"][0].errors


def test_the_add_interval_button_answers_one_empty_row(cast, web):
    response = web(cast.manager).get(f"/staff/{cast.mechanic.pk}/hours/?interval=4", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="d4-start"' in html
    assert "<html" not in html


def test_the_editor_switches_between_the_locations_a_person_works_at(cast, web):
    both = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    html = web(cast.admin).get(f"/staff/{both.pk}/hours/?location={cast.other_location.pk}").content.decode()
    assert f"?location={cast.location.pk}" in html
    assert f'name="location" value="{cast.other_location.pk}"' in html


@time_machine.travel("2026-11-20T12:00:00Z", tick=False)
def test_time_off_is_added_in_the_staff_members_zone(cast, web):
    response = web(cast.mechanic).post(
        f"/staff/{cast.mechanic.pk}/time-off/",
        {"start": "2026-12-01T09:00", "end": "2026-12-01T13:00", "reason": "Dentista"},
    )
    assert response.status_code == 302
    off = TimeOff.objects.get()
    assert off.start == datetime(2026, 12, 1, 12, tzinfo=UTC)  # 09:00 in Santiago (-03:00)
    assert off.reason == "Dentista"
    page = web(cast.mechanic).get(f"/staff/{cast.mechanic.pk}/time-off/").content.decode()
    assert "Dentista" in page


def test_time_off_ending_before_it_starts_is_refused(cast, web):
    response = web(cast.manager).post(
        f"/staff/{cast.mechanic.pk}/time-off/", {"start": "2026-12-01T13:00", "end": "2026-12-01T09:00"}
    )
    assert response.status_code == 400
    assert "end" in response.context["form"].errors
    assert not TimeOff.objects.exists()


def test_time_off_is_deleted_from_the_page(cast, web):
    off = TimeOffFactory(
        user=cast.mechanic, start=datetime(2030, 1, 1, tzinfo=UTC), end=datetime(2030, 1, 2, tzinfo=UTC)
    )
    response = web(cast.manager).post(f"/staff/{cast.mechanic.pk}/time-off/", {"delete": str(off.pk)})
    assert response.status_code == 302
    assert not TimeOff.objects.exists()


def test_deleting_someone_elses_time_off_from_this_page_is_not_found(cast, web):
    off = TimeOffFactory(
        user=cast.receptionist, start=datetime(2030, 1, 1, tzinfo=UTC), end=datetime(2030, 1, 2, tzinfo=UTC)
    )
    response = web(cast.mechanic).post(f"/staff/{cast.mechanic.pk}/time-off/", {"delete": str(off.pk)})
    assert response.status_code == 404
    assert TimeOff.objects.filter(pk=off.pk).exists()
