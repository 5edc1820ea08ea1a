"""Swagger UI at /api/docs/ really runs under the site's Content-Security-Policy, offline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_without_csp_violations_and_offers_bearer_authorization(live_server, page_at):
    problems: list[str] = []
    foreign: list[str] = []
    page = page_at(1280)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda req: None if req.url.startswith(live_server.url) else foreign.append(req.url))

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    title = page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("#operations-auth-auth_token_obtain")

    page.click("button.authorize")
    dialog = page.wait_for_selector(".dialog-ux .modal-ux").inner_text()
    page.fill(".dialog-ux input[type=text]", "header.payload.signature")
    page.click(".dialog-ux button.authorize")
    page.wait_for_selector(".dialog-ux button.btn-done")

    assert "AutoAgenda API" in title
    assert "jwtAuth" in dialog
    assert "Bearer" in dialog
    assert problems == []  # a CSP violation is a console error in chromium
    assert foreign == []  # nothing from a CDN
