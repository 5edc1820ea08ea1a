"""Every locations endpoint and page × every role of the cast, on `cast.location`.

manager/receptionist/mechanic work at `cast.location` (own location);
other_manager/other_receptionist/other_mechanic only at `cast.other_location`
(another location: 404); client and outsider are clients (they see active
locations, may change nothing: 403).
"""

from datetime import date

import pytest

from autoagenda.locations.services import closure_add
from tests.locations.helpers import settings_form_data
from tests.matrix import ROLES

OTHER_LOCATION_STAFF = {"other_manager", "other_receptionist", "other_mechanic"}


def read_status(who, ok=200):
    return 404 if who in OTHER_LOCATION_STAFF else ok


def manage_status(who, ok):
    if who in ("admin", "manager"):
        return ok
    if who in OTHER_LOCATION_STAFF:
        return 404
    return 403


def admin_status(who, ok):
    return ok if who == "admin" else 403


# --- API ----------------------------------------------------------------------


def _api_call(cast, api, who, method, path, body=None):
    client = api(cast.by_name(who))
    return getattr(client, method)(path, body, format="json") if body is not None else getattr(client, method)(path)


API_CASES = [
    # (name, method, path template, body, expected(who))
    ("list", "get", "/api/v1/locations/", None, lambda who: 200),
    (
        "create",
        "post",
        "/api/v1/locations/",
        {"name": "Nueva", "country": "CL", "timezone": "America/Santiago"},
        lambda who: admin_status(who, 201),
    ),
    ("detail", "get", "/api/v1/locations/{pk}/", None, read_status),
    ("patch", "patch", "/api/v1/locations/{pk}/", {"slot_minutes": 15}, lambda who: manage_status(who, 200)),
    ("hours-get", "get", "/api/v1/locations/{pk}/opening-hours/", None, read_status),
    (
        "hours-put",
        "put",
        "/api/v1/locations/{pk}/opening-hours/",
        [{"weekday": 1, "start": "09:00", "end": "18:00"}],
        lambda who: manage_status(who, 200),
    ),
    ("closures-get", "get", "/api/v1/locations/{pk}/closures/", None, read_status),
    (
        "closures-post",
        "post",
        "/api/v1/locations/{pk}/closures/",
        {"date": "2026-12-24", "reason": "Nochebuena"},
        lambda who: manage_status(who, 201),
    ),
    ("closure-get", "get", "/api/v1/locations/{pk}/closures/{closure}/", None, read_status),
    (
        "closure-delete",
        "delete",
        "/api/v1/locations/{pk}/closures/{closure}/",
        None,
        lambda who: manage_status(who, 204),
    ),
    ("holidays", "get", "/api/v1/locations/{pk}/holidays/?year=2026", None, read_status),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), API_CASES, ids=[c[0] for c in API_CASES])
def test_api_authorization(cast, api, who, name, method, path, body, expected):
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 31))
    url = path.format(pk=cast.location.pk, closure=closure.pk)
    response = _api_call(cast, api, who, method, url, body)
    want = 401 if who == "anonymous" else expected(who)
    assert response.status_code == want, response.content
    if want >= 400:
        assert (
            response.json()["code"]
            == {
                401: "not_authenticated",
                403: "permission_denied",
                404: "not_found",
            }[want]
        )


@pytest.mark.parametrize("who", ["admin", "other_manager"])
def test_api_staff_of_the_other_location_manage_their_own(cast, api, who):
    response = api(getattr(cast, who)).patch(
        f"/api/v1/locations/{cast.other_location.pk}/", {"slot_minutes": 20}, format="json"
    )
    assert response.status_code == 200
    cast.other_location.refresh_from_db()
    assert cast.other_location.slot_minutes == 20


def test_api_clients_do_not_see_inactive_locations(cast, api):
    cast.location.is_active = False
    cast.location.save()
    assert api(cast.client).get(f"/api/v1/locations/{cast.location.pk}/").status_code == 404
    assert api(cast.manager).get(f"/api/v1/locations/{cast.location.pk}/").status_code == 200


# --- Web ----------------------------------------------------------------------


def _web_cases(cast, closure):
    pk = cast.location.pk
    return {
        "list": ("get", "/locations/", None, lambda who: 200),
        "create-get": ("get", "/locations/new/", None, lambda who: admin_status(who, 200)),
        "create-post": (
            "post",
            "/locations/new/",
            settings_form_data(cast.location, name="Nueva"),
            lambda who: admin_status(who, 302),
        ),
        "detail": ("get", f"/locations/{pk}/", None, read_status),
        "edit-get": ("get", f"/locations/{pk}/edit/", None, lambda who: manage_status(who, 200)),
        "edit-post": (
            "post",
            f"/locations/{pk}/edit/",
            settings_form_data(cast.location, slot_minutes=15),
            lambda who: manage_status(who, 302),
        ),
        "hours-get": ("get", f"/locations/{pk}/hours/", None, lambda who: manage_status(who, 200)),
        "hours-post": (
            "post",
            f"/locations/{pk}/hours/",
            {"d1-start": "09:00", "d1-end": "18:00"},
            lambda who: manage_status(who, 302),
        ),
        "hours-interval": (
            "get",
            f"/locations/{pk}/hours/interval/?weekday=3",
            None,
            lambda who: manage_status(who, 200),
        ),
        "closures-get": ("get", f"/locations/{pk}/closures/", None, lambda who: manage_status(who, 200)),
        "closures-post": (
            "post",
            f"/locations/{pk}/closures/",
            {"kind": "day", "date": "2026-12-24", "reason": "Nochebuena"},
            lambda who: manage_status(who, 302),
        ),
        "closure-delete": (
            "post",
            f"/locations/{pk}/closures/{closure.pk}/delete/",
            {},
            lambda who: manage_status(who, 302),
        ),
    }


WEB_CASES = [
    "list",
    "create-get",
    "create-post",
    "detail",
    "edit-get",
    "edit-post",
    "hours-get",
    "hours-post",
    "hours-interval",
    "closures-get",
    "closures-post",
    "closure-delete",
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("case", WEB_CASES)
def test_web_authorization(cast, web, who, case):
    closure = closure_add(actor=cast.admin, location=cast.location, date=date(2026, 12, 31))
    method, url, data, expected = _web_cases(cast, closure)[case]
    client = web(cast.by_name(who))
    response = client.get(url) if method == "get" else client.post(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == expected(who), response.content[:500]
    if response.status_code == 302:
        assert not response["Location"].startswith("/accounts/login/")
