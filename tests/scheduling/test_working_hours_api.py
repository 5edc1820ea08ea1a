"""PUT/GET /api/v1/staff/{id}/working-hours/: validated like opening hours, answered sorted."""

import pytest

from autoagenda.accounts.models import Role, StaffMembership
from autoagenda.scheduling.models import WorkingHours
from tests.accounts.factories import StaffFactory
from tests.scheduling.factories import WorkingHoursFactory


def url(user):
    return f"/api/v1/staff/{user.pk}/working-hours/"


def item(location, weekday, start, end):
    return {"location": location.pk, "weekday": weekday, "start": start, "end": end}


def test_it_replaces_the_week_and_answers_the_stored_list_sorted(cast, api):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=3, start_minute=600, end_minute=700)
    loc = cast.location
    body = [item(loc, 2, "14:00", "18:00"), item(loc, 1, "09:00", "13:00"), item(loc, 2, "09:00", "13:00")]
    response = api(cast.manager).put(url(cast.mechanic), body, format="json")
    assert response.status_code == 200
    assert response.json() == [
        {"location": loc.pk, "weekday": 1, "start": "09:00", "end": "13:00"},
        {"location": loc.pk, "weekday": 2, "start": "09:00", "end": "13:00"},
        {"location": loc.pk, "weekday": 2, "start": "14:00", "end": "18:00"},
    ]
    assert WorkingHours.objects.filter(user=cast.mechanic).count() == 3
    assert not WorkingHours.objects.filter(user=cast.mechanic, weekday=3).exists()


def test_24_00_is_allowed_as_an_end(cast, api):
    response = api(cast.admin).put(url(cast.mechanic), [item(cast.location, 6, "18:00", "24:00")], format="json")
    assert response.status_code == 200
    assert response.json()[0]["end"] == "24:00"
    assert WorkingHours.objects.get().end_minute == 1440


def test_an_empty_list_clears_the_hours_back_to_the_opening_hours(cast, api):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location)
    response = api(cast.admin).put(url(cast.mechanic), [], format="json")
    assert response.status_code == 200
    assert response.json() == []
    assert not WorkingHours.objects.exists()


def test_get_answers_the_same_list(cast, api):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location, weekday=5, start_minute=480, end_minute=720)
    response = api(cast.receptionist).get(url(cast.mechanic))
    assert response.status_code == 200
    assert response.json() == [{"location": cast.location.pk, "weekday": 5, "start": "08:00", "end": "12:00"}]


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"weekday": 0}, "0.weekday"),
        ({"weekday": 8}, "0.weekday"),
        ({"start": "9:00"}, "0.start"),
        ({"start": "24:00"}, "0.start"),
        ({"end": "24:30"}, "0.end"),
        ({"end": "noon"}, "0.end"),
        ({"start": "13:00", "end": "09:00"}, "0.end"),
        ({"start": "09:00", "end": "09:00"}, "0.end"),
        ({"location": 999999}, "0.location"),
    ],
)
def test_it_refuses_a_bad_interval_with_an_error_on_it(cast, api, entry, key):
    WorkingHoursFactory(user=cast.mechanic, location=cast.location)
    body = [{**item(cast.location, 1, "09:00", "13:00"), **entry}]
    response = api(cast.admin).put(url(cast.mechanic), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [key]
    assert WorkingHours.objects.count() == 1  # nothing changed


def test_it_refuses_overlapping_intervals_on_one_weekday(cast, api):
    loc = cast.location
    body = [item(loc, 1, "09:00", "13:00"), item(loc, 1, "12:00", "15:00"), item(loc, 2, "12:00", "15:00")]
    response = api(cast.admin).put(url(cast.mechanic), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["1.start"]
    assert not WorkingHours.objects.exists()


def test_an_interval_inside_a_longer_one_is_an_overlap(cast, api):
    loc = cast.location
    body = [item(loc, 1, "08:00", "18:00"), item(loc, 1, "09:00", "10:00"), item(loc, 1, "11:00", "12:00")]
    response = api(cast.admin).put(url(cast.mechanic), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"1.start", "2.start"}


def test_touching_intervals_do_not_overlap(cast, api):
    loc = cast.location
    body = [item(loc, 1, "09:00", "13:00"), item(loc, 1, "13:00", "18:00")]
    assert api(cast.admin).put(url(cast.mechanic), body, format="json").status_code == 200


def test_a_location_where_the_person_does_not_work_is_invalid(cast, api):
    response = api(cast.admin).put(url(cast.mechanic), [item(cast.other_location, 1, "09:00", "13:00")], format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["0.location"]


def test_a_body_that_is_not_a_list_is_invalid(cast, api):
    response = api(cast.admin).put(url(cast.mechanic), {"weekday": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.fixture
def two_site_mechanic(cast):
    mechanic = StaffFactory(role=Role.MECHANIC, location=[cast.location, cast.other_location])
    WorkingHoursFactory(user=mechanic, location=cast.location, weekday=1, start_minute=540, end_minute=780)
    WorkingHoursFactory(user=mechanic, location=cast.other_location, weekday=3, start_minute=540, end_minute=780)
    return mechanic


def test_a_manager_replaces_only_the_hours_at_locations_they_manage(cast, api, two_site_mechanic):
    response = api(cast.manager).put(url(two_site_mechanic), [item(cast.location, 2, "10:00", "12:00")], format="json")
    assert response.status_code == 200
    stored = set(WorkingHours.objects.filter(user=two_site_mechanic).values_list("location_id", "weekday"))
    assert stored == {(cast.location.pk, 2), (cast.other_location.pk, 3)}
    # The manager's answer shows only what they may see.
    assert response.json() == [{"location": cast.location.pk, "weekday": 2, "start": "10:00", "end": "12:00"}]


def test_a_manager_cannot_set_hours_at_a_location_they_do_not_manage(cast, api, two_site_mechanic):
    response = api(cast.manager).put(
        url(two_site_mechanic), [item(cast.other_location, 2, "10:00", "12:00")], format="json"
    )
    assert response.status_code == 403
    assert WorkingHours.objects.filter(user=two_site_mechanic).count() == 2


def test_an_admin_replaces_every_location(cast, api, two_site_mechanic):
    response = api(cast.admin).put(
        url(two_site_mechanic), [item(cast.other_location, 5, "10:00", "12:00")], format="json"
    )
    assert response.status_code == 200
    assert response.json() == [{"location": cast.other_location.pk, "weekday": 5, "start": "10:00", "end": "12:00"}]


def test_one_person_cannot_be_at_two_locations_at_once(cast, api, two_site_mechanic):
    # Wednesday 09:00–13:00 is kept at the other location; Wednesday 12:00 here overlaps it.
    response = api(cast.manager).put(url(two_site_mechanic), [item(cast.location, 3, "12:00", "14:00")], format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["0.start"]


def test_a_receptionist_can_have_working_hours_too(cast, api):
    response = api(cast.manager).put(url(cast.receptionist), [item(cast.location, 1, "08:00", "17:00")], format="json")
    assert response.status_code == 200
    assert StaffMembership.objects.filter(user=cast.receptionist).exists()
