"""Every API error answers {"code", "detail"} (+ "errors" only for validation), never HTML, never 500."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api_platform.conftest import TOKEN_URL, WHOAMI_URL

pytestmark = [pytest.mark.urls("tests.api_platform.urls"), pytest.mark.django_db]


def error_of(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_malformed_json_is_400_parse_error():
    response = APIClient().post(TOKEN_URL, "{bad", content_type="application/json")
    body = error_of(response, 400, "parse_error")
    assert set(body) == {"code", "detail"}


def test_validation_is_400_invalid_with_messages_per_field():
    response = APIClient().post("/api/_test/validate/", {"location": "x"}, format="json")
    body = error_of(response, 400, "invalid")
    assert set(body["errors"]) == {"location", "lines"}
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)


def test_nested_errors_get_dotted_keys():
    payload = {
        "location": 1,
        "lines": [{"product": 1, "quantity": "2"}, {"product": "x", "quantity": "-1"}],
        "mechanics": [5, "y"],
    }
    body = error_of(APIClient().post("/api/_test/validate/", payload, format="json"), 400, "invalid")
    assert set(body["errors"]) == {"lines.1.product", "lines.1.quantity", "mechanics.1"}


def test_a_nested_lists_own_error_goes_under_its_name():
    body = error_of(
        APIClient().post("/api/_test/validate/", {"location": 1, "lines": []}, format="json"), 400, "invalid"
    )
    assert list(body["errors"]) == ["lines"]


def test_an_error_of_no_single_field_goes_under_non_field_errors():
    payload = {"location": 13, "lines": [{"product": 1, "quantity": "1"}]}
    body = error_of(APIClient().post("/api/_test/validate/", payload, format="json"), 400, "invalid")
    assert body["errors"] == {"non_field_errors": ["Location 13 is closed on Fridays."]}


def test_a_django_validation_error_becomes_the_same_body():
    body = error_of(APIClient().post("/api/_test/django-invalid/", {}, format="json"), 400, "invalid")
    assert body["errors"] == {"start": ["Not on the grid."], "non_field_errors": ["Closed that day."]}


def test_an_application_error_keeps_its_code_and_status():
    body = error_of(APIClient().post("/api/_test/conflict/", {}, format="json"), 409, "slot_unavailable")
    assert "errors" not in body
    body = error_of(APIClient().post("/api/_test/conflict/", {"code": "invalid"}, format="json"), 400, "invalid")
    assert body["errors"] == {"non_field_errors": ["That slot was just taken."]}


def test_no_token_on_a_protected_endpoint_is_401_not_authenticated():
    response = APIClient().get(WHOAMI_URL)
    body = error_of(response, 401, "not_authenticated")
    assert "errors" not in body
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", "Bearer a.b.c", "Bearer too many parts"],
    ids=["garbage", "three dots", "extra words"],
)
def test_a_bad_bearer_token_is_401(header):
    response = APIClient().get(WHOAMI_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] in {"token_not_valid", "authentication_failed"}
    if header != "Bearer too many parts":
        error_of(response, 401, "token_not_valid")


def test_a_role_that_may_not_act_is_403_permission_denied(cast, api):
    error_of(api(cast.client).get("/api/_test/forbidden/"), 403, "permission_denied")


def test_an_unknown_api_url_is_404_not_found():
    for client in (APIClient(), Client()):
        body = error_of(client.get("/api/v1/does-not-exist/"), 404, "not_found")
        assert set(body) == {"code", "detail"}
    error_of(APIClient().post("/api/nothing/here/", {}, format="json"), 404, "not_found")


def test_http404_inside_a_view_is_404_not_found_without_leaking_its_message(cast, api):
    body = error_of(api(cast.client).get("/api/_test/missing/"), 404, "not_found")
    assert "another location" not in body["detail"]


def test_a_wrong_method_is_405_method_not_allowed():
    response = APIClient().put(TOKEN_URL, {}, format="json")
    error_of(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_a_body_that_is_not_json_is_415():
    response = APIClient().post(TOKEN_URL, "email=a@b.c&password=x", content_type="application/x-www-form-urlencoded")
    error_of(response, 415, "unsupported_media_type")


def test_throttling_is_429_throttled_with_retry_after(throttle_rate):
    throttle_rate("h2_test", "2/min")
    client = APIClient()
    assert [client.get("/api/_test/throttled/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/_test/throttled/")
    body = error_of(response, 429, "throttled")
    assert "errors" not in body
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_missing_trailing_slash_redirects_keeping_the_method():
    response = APIClient().post("/api/v1/auth/token", {}, format="json")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/auth/token/"


def test_a_bug_answers_json_500_not_html():
    response = Client(raise_request_exception=False).get("/api/_test/crash/")
    error_of(response, 500, "server_error")


def test_the_detail_is_in_the_callers_language():
    english = APIClient().get(WHOAMI_URL, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    spanish = APIClient().get(WHOAMI_URL, HTTP_ACCEPT_LANGUAGE="es").json()["detail"]
    assert english == "Authentication credentials were not provided."
    assert spanish != english


@pytest.mark.parametrize(
    ("detail", "flat"),
    [
        (["Expected a list."], {"non_field_errors": ["Expected a list."]}),
        ({"non_field_errors": ["Overlap."]}, {"non_field_errors": ["Overlap."]}),
        ([{}, {"end": ["Must be after start."]}], {"1.end": ["Must be after start."]}),
        ({"lines": {"non_field_errors": ["Empty."]}}, {"lines": ["Empty."]}),
        (
            {"vehicle": {"plate": ["Taken."], "non_field_errors": ["Bad."]}},
            {"vehicle.plate": ["Taken."], "vehicle": ["Bad."]},
        ),
        ({"mechanics": {1: ["Invalid pk."]}}, {"mechanics.1": ["Invalid pk."]}),
        ({"a": {"b": [{"c": ["x", "y"]}]}}, {"a.b.0.c": ["x", "y"]}),
        ("Plain.", {"non_field_errors": ["Plain."]}),
    ],
)
def test_flattening_validation_detail(detail, flat):
    from autoagenda.core.api import _flatten

    assert _flatten(detail) == flat
