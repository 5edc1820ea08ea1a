"""Who may see and set staff hours: every role of the cast × own location / other location / anonymous.

The target is always `cast.mechanic`, who works at `cast.location`.
"""

from datetime import UTC, datetime

import pytest

from autoagenda.scheduling.models import TimeOff, WorkingHours
from tests.matrix import expect
from tests.scheduling.factories import TimeOffFactory


@pytest.fixture
def time_off(cast):
    return TimeOffFactory(
        user=cast.mechanic, start=datetime(2030, 1, 1, tzinfo=UTC), end=datetime(2030, 1, 2, tzinfo=UTC)
    )


def assert_web(response, status, *, anonymous=None):
    assert response.status_code == status
    if anonymous if anonymous is not None else status == 302:
        assert response.url.startswith("/accounts/login/")


NOT_VISIBLE = {"client": 404, "outsider": 404, "other_manager": 404, "other_receptionist": 404, "other_mechanic": 404}

READ = {"admin": 200, "manager": 200, "receptionist": 200, "mechanic": 200, **NOT_VISIBLE, "anonymous": 401}
SET_HOURS = {"admin": 200, "manager": 200, "receptionist": 403, "mechanic": 403, **NOT_VISIBLE, "anonymous": 401}
ADD_TIME_OFF = {"admin": 201, "manager": 201, "receptionist": 403, "mechanic": 201, **NOT_VISIBLE, "anonymous": 401}
DELETE_TIME_OFF = {"admin": 204, "manager": 204, "receptionist": 403, "mechanic": 204, **NOT_VISIBLE, "anonymous": 401}


# --- API ---------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_read_working_hours(cast, api, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/staff/{cast.mechanic.pk}/working-hours/").status_code == status


@pytest.mark.parametrize(("who", "status"), expect(SET_HOURS))
def test_api_set_working_hours(cast, api, who, status):
    body = [{"location": cast.location.pk, "weekday": 1, "start": "09:00", "end": "13:00"}]
    response = api(cast.by_name(who)).put(f"/api/v1/staff/{cast.mechanic.pk}/working-hours/", body, format="json")
    assert response.status_code == status
    assert WorkingHours.objects.exists() == (status == 200)


@pytest.mark.parametrize(("who", "status"), expect(READ))
def test_api_list_time_off(cast, api, time_off, who, status):
    assert api(cast.by_name(who)).get(f"/api/v1/staff/{cast.mechanic.pk}/time-off/").status_code == status


@pytest.mark.parametrize(("who", "status"), expect(ADD_TIME_OFF))
def test_api_add_time_off(cast, api, who, status):
    body = {"start": "2026-12-01T09:00:00-03:00", "end": "2026-12-01T18:00:00-03:00", "reason": "Curso"}
    response = api(cast.by_name(who)).post(f"/api/v1/staff/{cast.mechanic.pk}/time-off/", body, format="json")
    assert response.status_code == status
    assert TimeOff.objects.exists() == (status == 201)


@pytest.mark.parametrize(("who", "status"), expect(DELETE_TIME_OFF))
def test_api_delete_time_off(cast, api, time_off, who, status):
    response = api(cast.by_name(who)).delete(f"/api/v1/staff/{cast.mechanic.pk}/time-off/{time_off.pk}/")
    assert response.status_code == status
    assert TimeOff.objects.filter(pk=time_off.pk).exists() == (status != 204)


# --- Web ---------------------------------------------------------------------

WEB_LIST = {
    "admin": 200,
    "manager": 200,
    "receptionist": 403,
    "mechanic": 403,
    "client": 403,
    "outsider": 403,
    "other_manager": 200,  # their own location's staff
    "other_receptionist": 403,
    "other_mechanic": 403,
    "anonymous": 302,
}
WEB_HOURS = {**SET_HOURS, "anonymous": 302}
WEB_TIME_OFF = {**{k: 200 if v == 201 else v for k, v in ADD_TIME_OFF.items()}, "anonymous": 302}


@pytest.mark.parametrize(("who", "status"), expect(WEB_LIST))
def test_web_staff_list(cast, web, who, status):
    response = web(cast.by_name(who)).get("/staff/")
    assert_web(response, status)
    if status == 200:
        assert (cast.mechanic.get_full_name() in response.content.decode()) == (who != "other_manager")


@pytest.mark.parametrize(("who", "status"), expect(WEB_HOURS))
def test_web_staff_hours(cast, web, who, status):
    assert_web(web(cast.by_name(who)).get(f"/staff/{cast.mechanic.pk}/hours/"), status)


@pytest.mark.parametrize(("who", "status"), expect(WEB_HOURS))
def test_web_staff_hours_post(cast, web, who, status):
    data = {"location": str(cast.location.pk), "d1-start": ["09:00"], "d1-end": ["13:00"]}
    response = web(cast.by_name(who)).post(f"/staff/{cast.mechanic.pk}/hours/", data)
    assert_web(response, 302 if status == 200 else status, anonymous=who == "anonymous")
    assert WorkingHours.objects.exists() == (status == 200)


@pytest.mark.parametrize(("who", "status"), expect(WEB_TIME_OFF))
def test_web_staff_time_off(cast, web, time_off, who, status):
    assert_web(web(cast.by_name(who)).get(f"/staff/{cast.mechanic.pk}/time-off/"), status)


@pytest.mark.parametrize(("who", "status"), expect(WEB_TIME_OFF))
def test_web_staff_time_off_delete(cast, web, time_off, who, status):
    response = web(cast.by_name(who)).post(f"/staff/{cast.mechanic.pk}/time-off/", {"delete": str(time_off.pk)})
    assert_web(response, 302 if status == 200 else status, anonymous=who == "anonymous")
    assert TimeOff.objects.filter(pk=time_off.pk).exists() == (status != 200)
