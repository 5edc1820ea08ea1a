"""Browser journeys: Playwright for Python driving Debian's chromium.

Never `playwright install`: the browser is /usr/bin/chromium from apt.
Screenshots land in var/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per module of browser journeys.

    Playwright's sync API keeps an event loop running in this thread while it
    lives; the ORM calls that tests and fixtures make meanwhile are still plain
    synchronous calls, so Django's async-safety guard is lifted for that span.
    Module scope ends both when the journeys end: tests that run later in the
    same process (the WebSocket consumer tests use `async_to_sync`) must not
    find a running event loop in their thread.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_at(browser: Any) -> Iterator[Any]:
    """`page_at(width, height=900, lang="es")` opens a fresh browser context and page."""
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 900, lang: str = "es") -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale=lang)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import Error as PlaywrightError

    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_load_state("load")
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=True)
            return path
        except PlaywrightError as exc:
            # Chromium now and then refuses a full-page capture while it is still compositing a frame
            # ("Unable to capture screenshot"), more often on a loaded machine; the next frame captures fine.
            if "Unable to capture screenshot" not in str(exc) or attempt == 2:
                raise
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return path


def log_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
