"""Issue 8, findings 2-4: malformed and extreme input is a 400 (or a form error) and changes nothing, never a 500.

Each case is a reproduction from the issue (they all answered 500, or stored a row that broke pages, before).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from autoagenda.locations.models import Closure, Location
from autoagenda.scheduling.models import TimeOff
from tests.customers.factories import VehicleFactory
from tests.locations.factories import ClosureFactory
from tests.scheduling.factories import TimeOffFactory

pytestmark = pytest.mark.django_db

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TOO_BIG_FOR_SQLITE = "9223372036854775808"  # 2**63
MALFORMED_SPANS = [
    {"start": "0001-01-01T00:00:00Z", "end": "9999-12-31T23:59:59Z"},
    {"start": "2026-02-30T10:00:00Z", "end": "2026-03-01T10:00:00Z"},
    {"start": "2026-12-01T10:00:00Z", "end": "2026-12-01T12:99:00Z"},
    {"start": "0037-01-01T10:00:00-04:00", "end": "0037-01-02T10:00:00-04:00"},
    {"start": "1999-12-31T10:00:00Z", "end": "2000-01-02T10:00:00Z"},
    {"start": "2026-12-01T10:00:00Z", "end": "2101-01-02T00:00:00Z"},
    {"start": "2026-01-01T00:00:00Z", "end": "2029-01-04T00:00:00Z"},  # 1099 days: longer than 3 x 366
]


def assert_invalid(response, *fields):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(fields) <= set(body["errors"]), body


# --- Finding 2: extreme closures and time off are refused before they are stored -----------------------


@pytest.mark.parametrize("body", MALFORMED_SPANS)
def test_a_closure_with_a_malformed_or_extreme_span_is_refused_and_not_stored(cast, api, body):
    response = api(cast.manager).post(f"/api/v1/locations/{cast.location.pk}/closures/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert not Closure.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_whole_day_closure_outside_2000_to_2100_is_refused(cast, api, day):
    response = api(cast.manager).post(f"/api/v1/locations/{cast.location.pk}/closures/", {"date": day}, format="json")
    assert_invalid(response, "date")
    assert not Closure.objects.exists()


def test_the_last_day_of_2100_can_still_be_closed_in_any_zone(cast, api):
    response = api(cast.manager).post(
        f"/api/v1/locations/{cast.location.pk}/closures/", {"date": "2100-12-31"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["end"] == "2101-01-01T00:00:00-03:00"


def test_a_closure_of_three_leap_years_is_accepted(cast, api):
    body = {"start": "2026-01-01T00:00:00-03:00", "end": "2029-01-03T00:00:00-03:00"}  # 1098 days
    response = api(cast.manager).post(f"/api/v1/locations/{cast.location.pk}/closures/", body, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("body", MALFORMED_SPANS)
def test_time_off_with_a_malformed_or_extreme_span_is_refused_and_not_stored(cast, api, body):
    response = api(cast.manager).post(f"/api/v1/staff/{cast.mechanic.pk}/time-off/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "day", "date": "9999-12-31"},
        {"kind": "day", "date": "0001-01-01"},
        {"kind": "range", "start": "0001-01-01T00:00", "end": "9999-12-31T23:59"},
        {"kind": "range", "start": "2026-12-01T10:00", "end": "2030-12-01T10:00"},
    ],
)
def test_the_closures_page_shows_a_form_error_for_an_extreme_closure(cast, web, fields):
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/closures/", fields)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01T00:00", "9999-12-31T23:59"), ("2026-12-01T10:00", "2030-12-01T10:00")]
)
def test_the_time_off_page_shows_a_form_error_for_an_extreme_span(cast, web, start, end):
    response = web(cast.manager).post(f"/staff/{cast.mechanic.pk}/time-off/", {"start": start, "end": end})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize("model", ["closure", "time off"])
def test_the_database_refuses_a_span_near_the_edges_of_the_calendar(cast, model):
    span = {"start": datetime(1, 1, 1, tzinfo=UTC), "end": datetime(9999, 12, 31, 23, 59, tzinfo=UTC)}
    factory = (
        (lambda: ClosureFactory(location=cast.location, **span))
        if model == "closure"
        else (lambda: TimeOffFactory(user=cast.mechanic, **span))
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        factory()


def test_pages_and_lists_show_the_widest_spans_the_bounds_allow(cast, api, web):
    widest = {"start": datetime(2000, 1, 1, tzinfo=UTC), "end": datetime(2100, 12, 31, 23, 59, tzinfo=UTC)}
    ClosureFactory(location=cast.location, **widest)
    TimeOffFactory(user=cast.mechanic, **widest)
    for url in (f"/api/v1/locations/{cast.location.pk}/closures/", f"/api/v1/staff/{cast.mechanic.pk}/time-off/"):
        response = api(cast.admin).get(url)
        assert response.status_code == 200
        for row in response.json()["results"]:
            assert RFC3339.match(row["start"]), row
            assert RFC3339.match(row["end"]), row
    for url in (
        f"/locations/{cast.location.pk}/",
        f"/locations/{cast.location.pk}/closures/",
        f"/staff/{cast.mechanic.pk}/time-off/",
        "/staff/",
    ):
        assert web(cast.admin).get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("module", "model", "owner", "constraint"),
    [
        ("autoagenda.locations.migrations.0002_closure_within_bounds", Closure, "location", "locations_closure"),
        ("autoagenda.scheduling.migrations.0005_timeoff_within_bounds", TimeOff, "user", "scheduling_timeoff"),
    ],
)
def test_the_migration_cuts_stored_spans_at_the_bounds_and_drops_rows_wholly_outside(
    cast, module, model, owner, constraint
):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    who = cast.location if owner == "location" else cast.mechanic
    table = model._meta.db_table
    with connection.cursor() as cursor:  # rows as an older release stored them: past today's constraints
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            for name in (f"{constraint}_within_bounds", f"{constraint}_date_within_bounds"):
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    try:
        wide = model.objects.create(
            **{owner: who},
            start=datetime(1, 1, 1, tzinfo=UTC),
            end=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        )
        gone = model.objects.create(
            **{owner: who}, start=datetime(37, 1, 1, tzinfo=UTC), end=datetime(37, 1, 2, tzinfo=UTC)
        )
        kept = model.objects.create(
            **{owner: who}, start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 1, 2, tzinfo=UTC)
        )
        import_module(module).clamp(apps, None)
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    assert not model.objects.filter(pk=gone.pk).exists()
    wide.refresh_from_db()
    assert (wide.start, wide.end) == (
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    )
    kept.refresh_from_db()
    assert kept.start == datetime(2026, 1, 1, tzinfo=UTC)


# --- Finding 3: 500s on bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["day", "week", "new/slots"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "tomorrow"])
def test_calendar_pages_with_an_impossible_date_show_today(cast, web, page, day):
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/{page}/", {"date": day})
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"month": "0000-01"}, {"month": "9999-12"}, {"date": "9999-12-31"}])
def test_the_booking_pages_ignore_a_date_outside_the_bounds(cast, web, params):
    for step in ("month", "day"):
        response = web(cast.client).get(f"/book/{cast.location.pk}/{step}/", params)
        assert response.status_code in (200, 302), (step, response.status_code)


@pytest.mark.parametrize(
    ("url", "anonymous_too"),
    [
        ("/api/v1/auth/token/", True),
        ("/api/v1/auth/token/refresh/", True),
        ("/api/v1/auth/register/", True),
        ("/api/v1/appointments/", False),  # an anonymous caller is refused before the body is read
        ("/api/v1/locations/", False),
    ],
)
def test_json_nested_a_thousand_deep_is_a_parse_error(cast, url, anonymous_too):
    deep = "[" * 1000 + "]" * 1000
    clients = [_signed_in(cast.admin), *([APIClient()] if anonymous_too else [])]
    for client in clients:
        response = client.post(url, deep, content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "parse_error"


def test_json_nested_33_deep_is_refused_and_32_is_parsed(cast):
    def nested(levels):
        return json.dumps({"email": "a@example.com", "password": "x", "extra": _nest(levels - 1)})

    refused = APIClient().post("/api/v1/auth/token/", nested(33), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "parse_error"
    parsed = APIClient().post("/api/v1/auth/token/", nested(32), content_type="application/json")
    assert parsed.status_code == 401  # read, and the credentials are wrong


def _nest(levels):
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


def _signed_in(user):
    from tests.conftest import api_client_for

    return api_client_for(user)


@pytest.mark.parametrize("value", [2147483648, 9223372036854775808, 10**30, 0, -1])
@pytest.mark.parametrize("field", ["max_appointments_per_day", "max_appointments_per_hour"])
def test_a_capacity_beyond_the_databases_integer_is_refused(cast, api, field, value):
    response = api(cast.admin).patch(f"/api/v1/locations/{cast.location.pk}/", {field: value}, format="json")
    assert_invalid(response, field)
    assert getattr(Location.objects.get(pk=cast.location.pk), field) is None


def test_a_capacity_form_value_beyond_the_databases_integer_is_a_form_error(cast, web):
    from autoagenda.locations.forms import LocationForm

    form = LocationForm({**LocationForm.defaults(), "name": "X", "max_appointments_per_hour": "2147483648"})
    assert "max_appointments_per_hour" in form.errors


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/vehicles/?owner=", "owner"),
        ("/api/v1/services/?location=", "location"),
        ("/api/v1/appointments/?location=", "location"),
        ("/api/v1/tickets/?location=", "location"),
        ("/api/v1/staff/?location=", "location"),
    ],
)
@pytest.mark.parametrize("raw", [TOO_BIG_FOR_SQLITE, "99999999999999999999", "0", "-3", "1.5", "abc"])
def test_filters_that_are_not_a_64_bit_id_are_a_400(cast, api, url, field, raw):
    VehicleFactory(owner=cast.client)
    response = api(cast.admin).get(url + raw)
    assert_invalid(response, field)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/vehicles/{}/",
        "/api/v1/locations/{}/availability/?service=1&from=2026-12-01&to=2026-12-01",
        "/api/v1/locations/{}/closures/",
        "/api/v1/staff/{}/time-off/",
        "/api/v1/appointments/{}/",
        "/calendar/{}/day/",
        "/locations/{}/",
    ],
)
@pytest.mark.parametrize("raw", [TOO_BIG_FOR_SQLITE, "99999999999999999999", "0"])
def test_path_ids_that_are_not_a_64_bit_id_are_a_404(cast, api, web, path, raw):
    url = path.format(raw)
    client = api(cast.admin) if url.startswith("/api/") else web(cast.admin)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("body", [{"location": TOO_BIG_FOR_SQLITE}, {"service": 10**40}, {"vehicle": -1}])
def test_body_ids_that_are_not_a_64_bit_id_are_a_400(cast, api, body):
    full = {"location": cast.location.pk, "service": 1, "start": "2026-12-01T09:00:00-03:00", **body}
    assert_invalid(api(cast.client).post("/api/v1/appointments/", full, format="json"), *body)


@pytest.mark.parametrize("who", ["admin", "manager", "client", "anonymous"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/staff/0/deactivate/",
        "/api/v1/staff/{mechanic}/deactivate/",
        "/api/v1/staff/{mechanic}/",
        "/api/v1/staff/{mechanic}/working-hours/",
        "/api/v1/locations/{location}/",
        "/api/v1/locations/{location}/opening-hours/",
        "/api/v1/services/",
        "/api/v1/auth/token/",
    ],
)
def test_options_never_fails(cast, api, who, url):
    concrete = url.format(mechanic=cast.mechanic.pk, location=cast.location.pk)
    response = api(cast.by_name(who)).options(concrete)
    assert response.status_code in (200, 401, 403, 404), response.content
    if response.status_code == 200:
        assert set(response.json()) == {"name", "description", "renders", "parses"}


# --- Finding 4: schema and answers agree --------------------------------------------------------------


def test_a_year_37_timestamp_never_comes_back_with_a_seconds_offset(cast, api):
    from autoagenda.core.timeutils import isoformat_in

    lmt = isoformat_in(datetime(37, 1, 1, 14, tzinfo=UTC), cast.location.zone)
    assert lmt == "0037-01-01T14:00:00+00:00"
    assert RFC3339.match(lmt)
    assert isoformat_in(datetime(2026, 12, 1, 12, tzinfo=UTC), cast.location.zone) == "2026-12-01T09:00:00-03:00"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/vehicles/?plate=AB%00CD", "plate"),
        ("/api/v1/staff/?q=ana%00", "q"),
        ("/api/v1/vehicles/?page=1&x%00=1", "x"),
    ],
)
def test_a_nul_character_in_a_filter_is_a_400_not_a_database_error(cast, api, url, field):
    """PostgreSQL cannot compare text with U+0000 (found by schemathesis: `GET /vehicles/?plate=…%00…`)."""
    assert_invalid(api(cast.admin).get(url), field)


def test_a_nul_character_in_a_page_query_or_form_is_a_400(cast, web):
    response = web(cast.receptionist).get(f"/calendar/{cast.location.pk}/new/clients/", {"q": "ana\x00"})
    assert response.status_code == 400
    response = web(cast.manager).post(f"/locations/{cast.location.pk}/closures/", {"kind": "day", "reason": "a\x00"})
    assert response.status_code == 400
    assert not Closure.objects.exists()


def _api_routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted(route for route in walk(get_resolver().url_patterns) if route.startswith("api/v1/"))


@pytest.mark.parametrize("route", _api_routes())
def test_options_and_oversized_ids_never_fail_on_any_api_route(cast, api, route):
    client = api(cast.admin)
    for raw in ("1", "0", TOO_BIG_FOR_SQLITE, "99999999999999999999"):
        url = "/" + re.sub(r"<(?:int|id):\w+>", raw, route)
        for method in ("options", "get", "post", "patch", "put", "delete"):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code < 500, (method, url, response.content)
