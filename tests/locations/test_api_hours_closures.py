from datetime import UTC, date, datetime

import pytest
import time_machine

from autoagenda.locations.models import Closure
from autoagenda.locations.selectors import opening_hours_by_weekday
from autoagenda.locations.services import closure_add


def hours_url(location):
    return f"/api/v1/locations/{location.pk}/opening-hours/"


def closures_url(location):
    return f"/api/v1/locations/{location.pk}/closures/"


WEEK = [
    {"weekday": 2, "start": "14:00", "end": "18:00"},
    {"weekday": 1, "start": "09:00", "end": "13:00"},
    {"weekday": 2, "start": "09:00", "end": "13:00"},
    {"weekday": 6, "start": "10:00", "end": "24:00"},
]


def test_put_replaces_the_week_and_answers_the_stored_list_sorted(cast, api):
    response = api(cast.manager).put(hours_url(cast.location), WEEK, format="json")
    assert response.status_code == 200
    assert response.json() == [
        {"weekday": 1, "start": "09:00", "end": "13:00"},
        {"weekday": 2, "start": "09:00", "end": "13:00"},
        {"weekday": 2, "start": "14:00", "end": "18:00"},
        {"weekday": 6, "start": "10:00", "end": "24:00"},
    ]
    assert api(cast.client).get(hours_url(cast.location)).json() == response.json()
    assert opening_hours_by_weekday(cast.location)[6] == [(600, 1440)]


def test_get_returns_the_current_week(cast, api):
    response = api(cast.receptionist).get(hours_url(cast.location))
    assert response.status_code == 200
    assert response.json()[:2] == [
        {"weekday": 1, "start": "09:00", "end": "13:00"},
        {"weekday": 1, "start": "14:00", "end": "18:00"},
    ]
    assert len(response.json()) == 10


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            [{"weekday": 1, "start": "09:00", "end": "13:00"}, {"weekday": 1, "start": "12:00", "end": "15:00"}],
            "1.start",
        ),
        ([{"weekday": 1, "start": "13:00", "end": "09:00"}], "0.end"),
        ([{"weekday": 1, "start": "09:00", "end": "25:00"}], "0.end"),
        ([{"weekday": 1, "start": "9", "end": "13:00"}], "0.start"),
        ([{"weekday": 1, "start": "24:00", "end": "24:00"}], "0.start"),
        ([{"weekday": 8, "start": "09:00", "end": "13:00"}], "0.weekday"),
        ([{"weekday": 1, "start": "09:00"}], "0.end"),
    ],
)
def test_a_bad_week_is_400_invalid_and_changes_nothing(cast, api, body, key):
    response = api(cast.admin).put(hours_url(cast.location), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert key in response.json()["errors"]
    assert opening_hours_by_weekday(cast.location)[1] == [(540, 780), (840, 1080)]


def test_every_bad_row_is_reported(cast, api):
    body = [
        {"weekday": 1, "start": "09:00", "end": "25:00"},
        {"weekday": 2, "start": "13:00", "end": "09:00"},
        {"weekday": 3, "start": "09:00", "end": "10:00"},
    ]
    response = api(cast.admin).put(hours_url(cast.location), body, format="json")
    assert set(response.json()["errors"]) == {"0.end", "1.end"}


def test_a_body_that_is_not_a_list_is_invalid(cast, api):
    response = api(cast.admin).put(hours_url(cast.location), {"weekday": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_empty_list_closes_the_whole_week(cast, api):
    response = api(cast.admin).put(hours_url(cast.location), [], format="json")
    assert (response.status_code, response.json()) == (200, [])


def test_a_whole_day_closure_answers_in_the_locations_offset(cast, api):
    response = api(cast.manager).post(
        closures_url(cast.location), {"date": "2026-09-06", "reason": "Fiestas"}, format="json"
    )
    assert response.status_code == 201
    closure = Closure.objects.get()
    assert response.json() == {
        "id": closure.pk,
        "date": "2026-09-06",
        "start": "2026-09-06T01:00:00-03:00",
        "end": "2026-09-07T00:00:00-03:00",
        "reason": "Fiestas",
    }


def test_a_time_range_closure_is_rendered_in_the_locations_offset(cast, api):
    response = api(cast.admin).post(
        closures_url(cast.location),
        {"start": "2026-12-01T15:00:00Z", "end": "2026-12-01T13:00:00-04:00", "reason": ""},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["date"], body["start"], body["end"], body["reason"]) == (
        None,
        "2026-12-01T12:00:00-03:00",
        "2026-12-01T14:00:00-03:00",
        "",
    )


def test_a_span_that_ends_where_it_starts_is_refused(cast, api):
    response = api(cast.admin).post(
        closures_url(cast.location),
        {"start": "2026-12-01T15:00:00Z", "end": "2026-12-01T11:00:00-04:00"},
        format="json",
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["end"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2026-12-01T10:00:00", "end": "2026-12-01T11:00:00-03:00"}, "start"),
        ({"start": "2026-12-01T10:00:00-03:00", "end": "2026-12-01T09:00:00-03:00"}, "end"),
        ({"start": "2026-12-01T10:00:00-03:00"}, "end"),
        ({"date": "2026-12-01", "start": "2026-12-01T10:00:00-03:00", "end": "2026-12-01T11:00:00-03:00"}, "date"),
        ({"date": "01/12/2026"}, "date"),
        ({"reason": "nada"}, "start"),
        ({"date": "2026-12-01", "reason": "x" * 201}, "reason"),
    ],
)
def test_a_bad_closure_is_400_invalid(cast, api, body, field):
    response = api(cast.admin).post(closures_url(cast.location), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Closure.objects.exists()


def test_closures_are_listed_paginated_and_filtered_by_local_dates(cast, api):
    for day in (date(2026, 12, 24), date(2026, 12, 31), date(2027, 1, 15)):
        closure_add(actor=cast.admin, location=cast.location, date=day)
    client = api(cast.mechanic)
    body = client.get(closures_url(cast.location)).json()
    assert body["count"] == 3
    filtered = client.get(closures_url(cast.location), {"from": "2026-12-25", "to": "2026-12-31"}).json()
    assert [row["date"] for row in filtered["results"]] == ["2026-12-31"]
    bad = client.get(closures_url(cast.location), {"from": "tomorrow"})
    assert (bad.status_code, set(bad.json()["errors"])) == (400, {"from"})


def test_a_closure_is_read_and_deleted(cast, api):
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 24))
    url = f"{closures_url(cast.location)}{closure.pk}/"
    assert api(cast.client).get(url).json()["date"] == "2026-12-24"
    response = api(cast.manager).delete(url)
    assert response.status_code == 204
    assert not Closure.objects.exists()
    assert api(cast.manager).delete(url).status_code == 404


def test_another_locations_closure_is_404_under_this_location(cast, api):
    closure = closure_add(actor=cast.admin, location=cast.other_location, date=date(2026, 12, 24))
    response = api(cast.admin).delete(f"{closures_url(cast.location)}{closure.pk}/")
    assert response.status_code == 404
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_holidays_of_a_year_are_listed_by_date(cast, api):
    response = api(cast.client).get(
        f"/api/v1/locations/{cast.location.pk}/holidays/", {"year": 2026}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    rows = response.json()
    assert {"date": "2026-09-18", "name": "Día de la Independencia"} in rows
    assert rows == sorted(rows, key=lambda row: row["date"])
    spain = api(cast.admin).get(f"/api/v1/locations/{cast.other_location.pk}/holidays/?year=2026").json()
    assert "2026-10-12" in {row["date"] for row in spain}


def test_holidays_default_to_the_current_local_year(cast, api):
    with time_machine.travel(datetime(2027, 1, 1, 2, tzinfo=UTC), tick=False):  # still 2026 in Santiago
        rows = api(cast.admin).get(f"/api/v1/locations/{cast.location.pk}/holidays/").json()
    assert rows[0]["date"].startswith("2026-")


def test_holidays_are_empty_when_the_location_opens_on_them(cast, api):
    cast.location.use_public_holidays = False
    cast.location.save()
    response = api(cast.admin).get(f"/api/v1/locations/{cast.location.pk}/holidays/?year=2026")
    assert (response.status_code, response.json()) == (200, [])


def test_a_bad_year_is_400(cast, api):
    response = api(cast.admin).get(f"/api/v1/locations/{cast.location.pk}/holidays/?year=abc")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["year"])
