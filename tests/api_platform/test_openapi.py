"""The OpenAPI schema generates cleanly and the docs work offline, for anyone."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

AUTH_PATHS = ["/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"]


@pytest.fixture
def schema():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_and_public(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "AutoAgenda API"


def test_a_stale_bearer_token_does_not_break_the_schema_or_the_docs():
    for url in ("/api/schema/", "/api/docs/"):
        assert Client().get(url, HTTP_AUTHORIZATION="Bearer garbage").status_code == 200


def test_the_schema_describes_the_auth_endpoints(schema):
    for path in AUTH_PATHS:
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{}]  # no token needed
        assert {"400", "401", "429"} <= set(operation["responses"])
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    request_ref = token["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request_schema = schema["components"]["schemas"][request_ref.rsplit("/", 1)[-1]]
    assert set(request_schema["required"]) == {"email", "password"}
    pair_ref = token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schema["components"]["schemas"][pair_ref.rsplit("/", 1)[-1]]["properties"]) == {"access", "refresh"}
    assert "204" in schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]


def test_the_schema_offers_a_bearer_jwt_security_scheme(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The `access` token from POST /api/v1/auth/token/ (or its refresh).",
    }


def test_the_error_body_is_a_schema_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "detail", "errors"}
    assert set(error["required"]) == {"code", "detail"}


def test_spectacular_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_docs_page_loads_only_local_assets():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith(("/static/", "/api/docs/")), asset
    assert "//" not in "".join(a for a in assets if not a.startswith("/static/"))
    assert not re.search(r"https?://(?!localhost|testserver)", html)
    assert "<script>" not in html  # the start-up script comes from a URL, so script-src 'self' holds


def test_the_docs_start_up_script_is_served_and_points_at_the_schema():
    response = Client().get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in response.content.decode()


def test_the_docs_keep_the_global_script_policy_and_allow_only_their_inline_style():
    policy = Client().get("/api/docs/")["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in directives["style-src"]
    elsewhere = Client().get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in elsewhere


def test_the_sidecar_assets_exist():
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}")


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "patch", "delete"):
                yield path, method, operation


def test_every_operation_declares_its_security_truthfully(cast, schema):
    """An operation that needs no token says so ({} in its security), and one that does answers 401 without."""
    checked = 0
    for path, method, operation in _operations(schema):
        url = re.sub(r"\{\w+\}", str(cast.location.pk), path)
        kwargs = {"data": "{}", "content_type": "application/json"} if method != "get" else {}
        response = getattr(Client(), method)(url, **kwargs)
        anonymous_allowed = {} in operation["security"]
        if anonymous_allowed:
            assert response.status_code != 401, (method, path, response.content)
        else:
            assert response.status_code == 401, (method, path, response.status_code)
        checked += 1
    assert checked > 60


def test_the_service_catalog_is_public_in_the_schema_as_in_the_answers(schema):
    for path in ("/api/v1/services/", "/api/v1/services/{id}/"):
        assert {} in schema["paths"][path]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/services/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/services/{id}/"]["patch"]["security"]


def test_every_operation_documents_the_errors_the_platform_can_answer(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        assert "429" in codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in operation:
            assert "400" in codes, (method, path)
        if any(operation["security"]):
            assert {"401", "403"} <= codes, (method, path)
        for code in codes - {"200", "201", "204"}:
            content = operation["responses"][code].get("content", {})
            assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (path, code)


def test_path_ids_are_positive_64_bit_integers_in_the_schema(schema):
    parameter = next(p for p in schema["paths"]["/api/v1/vehicles/{id}/"]["get"]["parameters"] if p["name"] == "id")
    assert parameter["schema"]["type"] == "integer"
