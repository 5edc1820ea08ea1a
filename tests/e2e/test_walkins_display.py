"""The public queue screen on a TV: a desk calls, the number is up within a second; the server restarts,
the screen notices, reconnects by itself and shows the next call.

The server is the production one (uvicorn, HTTP + WebSocket, in-memory channel layer unless REDIS_URL
is set) in a child process on this test's database; the desk calls through the API like a desk panel.
"""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from autoagenda.accounts.models import Role
from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.walkins import live, services
from tests.accounts.factories import StaffFactory
from tests.e2e.conftest import screenshot
from tests.walkins.asgi_server import AsgiServer
from tests.walkins.factories import DeskFactory, QueueFactory, done_ticket

pytestmark = pytest.mark.django_db(transaction=True)

CALL_WITHIN_S = 1.0


def _morning(cast):
    """A workshop mid-morning: three queues, three desks, people waiting, a few already called.

    Built before any screen listens, so the services' live events (whose channel layer would be this test
    process's, not the server's) are left out.
    """
    with mock.patch.object(live, "publish"):
        return _build_morning(cast)


def _build_morning(cast):
    location = cast.location
    reception = QueueFactory(location=location, name="Recepción de vehículos", prefix="A", position=1)
    parts = QueueFactory(location=location, name="Repuestos", prefix="R", position=2)
    till = QueueFactory(location=location, name="Caja", prefix="C", position=3)
    desk1 = DeskFactory(location=location, name="Mesón 1", queues=[reception])
    desk2 = DeskFactory(location=location, name="Mesón 2", queues=[reception, parts])
    cash = DeskFactory(location=location, name="Caja", queues=[till])
    # Yesterday's service times feed the wait estimates.
    yesterday = timezone.now() - timedelta(days=1)
    for queue, minutes in ((reception, 14), (parts, 6), (till, 4)):
        for i in range(5):
            done_ticket(queue, minutes=minutes + i % 3, finished_at=yesterday - timedelta(minutes=30 * i))
    agents = [StaffFactory(role=Role.RECEPTIONIST, location=location) for _ in range(2)]
    services.desk_open(actor=agents[0], desk=desk1)
    services.desk_open(actor=agents[1], desk=desk2)
    services.desk_open(actor=cast.receptionist, desk=cash)
    for queue, count in ((reception, 9), (parts, 4), (till, 3)):
        for _ in range(count):
            services.ticket_issue(actor=cast.receptionist, queue=queue)
    for desk in (desk1, desk2, cash, desk1, desk2, desk1, cash):
        services.ticket_call_next(actor=cast.receptionist, desk=desk)
    return desk1, desk2


def test_a_tv_shows_each_call_within_a_second_and_reconnects_by_itself_after_a_restart(page_at, cast):
    desk1, desk2 = _morning(cast)
    token = token_pair_for_login(cast.receptionist).access
    problems: list[str] = []

    with AsgiServer() as server:
        page = page_at(1920, 1080, "es")
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{server.url}/queue/locations/{cast.location.pk}/display/")
        page.wait_for_selector("#tv[data-connection=live]")
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("#tv-badge-text").inner_text() == "En vivo"
        assert page.locator("#tv-recent li").count() == 6
        # Browsers start sound after a touch; the hint goes away once someone has touched the screen.
        page.mouse.click(960, 540)
        page.wait_for_selector("#tv-sound", state="hidden")
        # The page warmed the server's HTML side; warm its API too, so the figure below is the call's.
        assert server.get(f"/api/v1/locations/{cast.location.pk}/display/")[0] == 200

        started = time.monotonic()
        status, ticket = server.post(f"/api/v1/desks/{desk2.pk}/call-next/", token=token)
        assert status == 200
        page.wait_for_function(
            "n => document.getElementById('tv-now-number').textContent === n",
            arg=ticket["number"],
            timeout=CALL_WITHIN_S * 1000,
        )
        elapsed = time.monotonic() - started
        assert elapsed < CALL_WITHIN_S, f"the call took {elapsed:.3f} s to reach the screen"
        assert page.locator("#tv-now-desk-name").inner_text() == "Mesón 2"
        assert page.locator("#tv-now").get_attribute("class").split().count("is-calling") == 1
        assert page.locator("#tv").get_attribute("data-chimes") == "1"
        page.wait_for_selector(f"#tv[data-seq='{_seq(cast)}']")
        overflow = page.evaluate(
            "[document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
        )
        assert overflow == [0, 0], f"the screen scrolls by {overflow} px at 1920×1080"
        screenshot(page, "walkins-display-es-1920-calling")
        # The settled look (the flash is over) is what people see most of the time.
        page.evaluate("document.getElementById('tv-now').classList.remove('is-calling')")
        screenshot(page, "walkins-display-es-1920")

        # A deploy restarts the server: the screen says so, and comes back by itself.
        server.stop()
        page.wait_for_selector("#tv[data-connection=reconnecting]")
        assert page.locator("#tv-badge-text").inner_text() == "Reconectando…"
        server.start()
        page.wait_for_selector("#tv[data-connection=live]", timeout=20_000)
        # The new process loads the API stack on its first request; warm it so the next figure is the call's.
        assert server.get(f"/api/v1/locations/{cast.location.pk}/display/")[0] == 200

        started = time.monotonic()
        status, ticket = server.post(f"/api/v1/desks/{desk1.pk}/call-next/", token=token)
        assert status == 200
        page.wait_for_function(
            "n => document.getElementById('tv-now-number').textContent === n",
            arg=ticket["number"],
            timeout=CALL_WITHIN_S * 1000,
        )
        assert time.monotonic() - started < CALL_WITHIN_S
        assert page.locator("#tv-now-desk-name").inner_text() == "Mesón 1"
        assert page.locator("#tv").get_attribute("data-chimes") == "2"

    # The browser reports the refused reconnects while the server was down; nothing else may fail.
    assert [p for p in problems if "WebSocket" not in p] == []


def _seq(cast) -> int:
    from autoagenda.walkins.selectors import display_seq

    return display_seq(cast.location.pk)


def test_the_screen_speaks_english_when_asked_and_stays_put_on_a_small_screen(page_at, cast):
    _morning(cast)
    with AsgiServer() as server:
        page = page_at(1280, 720, "es")
        page.goto(f"{server.url}/queue/locations/{cast.location.pk}/display/?lang=en")
        page.wait_for_selector("#tv[data-connection=live]")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("#tv-badge-text").inner_text() == "Live"
        assert page.locator("#tv-now-label").inner_text().lower() == "now calling"
        overflow = page.evaluate(
            "[document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]"
        )
        assert overflow == [0, 0]
        screenshot(page, "walkins-display-en-1280")

        # A location where nobody has been called yet today welcomes people instead of showing a blank.
        QueueFactory(location=cast.other_location, name="Recepción", prefix="A")
        page.goto(f"{server.url}/queue/locations/{cast.other_location.pk}/display/?lang=en")
        page.wait_for_selector("#tv[data-connection=live]")
        assert "is-idle" in page.locator("#tv-now").get_attribute("class").split()
        assert page.locator("#tv-now-label").inner_text().lower() == "welcome"
        assert page.locator("#tv-recent-empty").is_visible()
        screenshot(page, "walkins-display-idle-en-1280")
