"""Swagger UI at /api/docs/ really runs under the site's Content-Security-Policy, offline.

Self-contained (not the e2e fixtures): importing tests/e2e/conftest.py would
set DJANGO_ALLOW_ASYNC_UNSAFE for the whole run, and nothing here needs it
because the browser is closed before the database is touched again.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def test_swagger_ui_renders_without_csp_violations_and_offers_bearer_authorization(live_server):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
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
        finally:
            browser.close()

    assert "AutoAgenda API" in title
    assert "jwtAuth" in dialog
    assert "Bearer" in dialog
    assert problems == []  # a CSP violation is a console error in chromium
    assert foreign == []  # nothing from a CDN
