"""The walk-in queue from the staff side: reception issues a ticket, a desk agent sees it arrive live and calls it.

The server is the production one (uvicorn, HTTP + WebSocket) in a child process on this test's database,
so the desk panel's WebSocket is real: the agent's page is never reloaded while tickets come in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from autoagenda.accounts.models import Role
from autoagenda.walkins import live, services
from autoagenda.walkins.models import Ticket
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.catalog.factories import ServiceFactory
from tests.e2e.conftest import SCREENSHOTS, log_in, screenshot
from tests.walkins.asgi_server import AsgiServer
from tests.walkins.factories import DeskFactory, QueueFactory, done_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _workshop(cast):
    """Three queues and three desks; a colleague at Mesón 2; history for the estimates; people at the till."""
    location = cast.location
    oil = ServiceFactory(name="Cambio de aceite", locations=[location])
    reception = QueueFactory(location=location, name="Recepción de vehículos", prefix="A", position=1, services=[oil])
    parts = QueueFactory(location=location, name="Repuestos", prefix="R", position=2)
    till = QueueFactory(location=location, name="Caja", prefix="C", position=3)
    desk1 = DeskFactory(location=location, name="Mesón 1", queues=[reception, parts])
    desk2 = DeskFactory(location=location, name="Mesón 2", queues=[reception, parts])
    DeskFactory(location=location, name="Caja", queues=[till])
    yesterday = timezone.now() - timedelta(days=1)
    for queue, minutes in ((reception, 12), (parts, 6), (till, 4)):
        for i in range(6):
            done_ticket(queue, minutes=minutes + i % 4, finished_at=yesterday - timedelta(minutes=25 * i))
    agent = StaffFactory(role=Role.RECEPTIONIST, location=location, first_name="Marta", last_name="Rojas")
    colleague = StaffFactory(role=Role.RECEPTIONIST, location=location, first_name="Diego", last_name="Soto")
    # Earlier today Marta served two people at Mesón 1, then stepped away.
    services.desk_open(actor=agent, desk=desk1)
    for name in ("Luis Araya", "Paula Díaz"):
        services.ticket_issue(actor=cast.receptionist, queue=reception, name=name)
        services.ticket_call_next(actor=agent, desk=desk1)
    services.ticket_finish(actor=agent, ticket=Ticket.objects.get(desk=desk1, status="called"))
    services.desk_close(actor=agent, desk=desk1)
    services.desk_open(actor=colleague, desk=desk2)
    for name in ("Jorge Muñoz", "", "Camila Reyes"):
        services.ticket_issue(actor=cast.receptionist, queue=till, name=name)
    return reception, parts, desk1, agent


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda msg: problems.append(f"{page.url} {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))


def _issue(page, queue_pk: int, *, name: str = "", plate: str = "") -> str:
    """Press a queue's button on the reception screen; the ticket page opens; its number is returned."""
    if name:
        page.fill("#id_name", name)
    if plate:
        page.fill("#id_plate", plate)
    page.click(f'button[name=queue][value="{queue_pk}"]')
    page.wait_for_selector(".wk-ticket__number")
    return page.locator(".wk-ticket__number").inner_text()


def test_reception_issues_a_ticket_and_the_desk_agent_sees_it_arrive_and_calls_it(page_at, cast, monkeypatch):
    # Nobody listens yet, and Playwright's event loop shares this thread: the set-up publishes nothing.
    with monkeypatch.context() as quiet:
        quiet.setattr(live, "publish", lambda *args, **kwargs: None)
        reception, parts, desk1, agent = _workshop(cast)
    problems: list[str] = []

    with AsgiServer() as server:
        # The agent sits at Mesón 1 (English UI) and keeps the panel open.
        desk_page = page_at(1280, 900, "en")
        _watch(desk_page, problems)
        log_in(desk_page, server.url, agent.email, PASSWORD)
        desk_page.goto(f"{server.url}/queue/{cast.location.pk}/desks/")
        screenshot(desk_page, "walkins-desks-en-1280")
        desk_page.locator(f'[data-desk="{desk1.pk}"] button', has_text="Sit here").click()
        desk_page.wait_for_selector("#wk-desk[data-mine]")
        desk_page.wait_for_selector("[data-live-badge][data-state=live]")
        assert desk_page.locator("[data-live-text]").inner_text() == "Live"
        assert "Nobody is waiting" in desk_page.locator(".wk-waiting").inner_text()

        # Reception (Spanish, on a phone) issues a ticket for Ana.
        front = page_at(375, 812, "es")
        _watch(front, problems)
        log_in(front, server.url, cast.receptionist.email, PASSWORD)
        front.goto(f"{server.url}/queue/")
        front.wait_for_selector(".wk-queue-btn")
        assert front.locator("html").get_attribute("lang") == "es"
        overflow = front.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the reception screen scrolls sideways by {overflow}px at 375px"
        screenshot(front, "walkins-reception-es-375")
        number = _issue(front, reception.pk, name="Ana Pizarro", plate="hxtz55")
        assert number == "A-003"
        assert "Recepción de vehículos" in front.locator(".wk-ticket").inner_text()
        # As it comes out of the 80 mm printer: only the slip.
        front.emulate_media(media="print")
        front.locator(".wk-ticket").screenshot(path=str(SCREENSHOTS / "walkins-ticket-es.png"))
        front.emulate_media(media="screen")
        front.set_viewport_size({"width": 1280, "height": 900})
        screenshot(front, "walkins-ticket-screen-es-1280")

        # The desk panel learns about it over its WebSocket, without a reload.
        desk_page.locator('.wk-waiting [data-ticket="A-003"]').wait_for(timeout=5000)
        assert "Ana Pizarro" in desk_page.locator(".wk-waiting").inner_text()
        desk_page.keyboard.press("n")
        desk_page.locator('[data-current="A-003"]').wait_for()
        assert "A-003 called to Mesón 1." in desk_page.locator(".wk-desk__notice").inner_text()
        assert "HXTZ55" in desk_page.locator(".wk-current").inner_text()
        called = Ticket.objects.get(desk=desk1, status="called")
        assert (called.code, called.plate, called.called_by_id) == ("A-003", "HXTZ55", agent.pk)

        # More people arrive at reception while Ana is at the desk; the agent starts serving her.
        front.set_viewport_size({"width": 1280, "height": 900})
        front.goto(f"{server.url}/queue/{cast.location.pk}/reception/")
        _issue(front, parts.pk, name="Pedro Soto")
        front.goto(f"{server.url}/queue/{cast.location.pk}/reception/")
        _issue(front, reception.pk, plate="KJTR21")
        front.goto(f"{server.url}/queue/{cast.location.pk}/reception/")
        _issue(front, reception.pk, name="Valentina Rojas", plate="PZLB90")
        front.goto(f"{server.url}/queue/{cast.location.pk}/reception/")
        front.wait_for_selector(".wk-recent__item")
        screenshot(front, "walkins-reception-es-1280")

        desk_page.locator('.wk-waiting [data-ticket="A-005"]').wait_for(timeout=5000)
        desk_page.keyboard.press("s")
        desk_page.locator(".wk-current--serving").wait_for()
        desk_page.mouse.move(0, 0)
        overflow = desk_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the desk panel scrolls sideways by {overflow}px at 1280px"
        screenshot(desk_page, "walkins-desk-en-1280")

        # Keys typed into a field are not shortcuts.
        desk_page.focus("select[name=queue]")
        desk_page.keyboard.press("x")
        desk_page.keyboard.press("Escape")
        desk_page.locator("body").click(position={"x": 5, "y": 300})
        assert Ticket.objects.get(pk=called.pk).status == "serving"

        # Finish with F; the next press of N calls the oldest waiting ticket of the desk's queues.
        desk_page.keyboard.press("f")
        desk_page.locator(".wk-desk__notice", has_text="A-003 finished.").wait_for()
        desk_page.keyboard.press("n")
        desk_page.locator('[data-current="R-001"]').wait_for()
        called.refresh_from_db()
        assert called.status == "done"

        # The manager's setup page lists what this journey used.
        setup = page_at(1280, 900, "en")
        _watch(setup, problems)
        log_in(setup, server.url, cast.manager.email, PASSWORD)
        setup.goto(f"{server.url}/queue/{cast.location.pk}/setup/")
        assert "Mesón 1" in setup.locator(".wk-setup").inner_text()
        screenshot(setup, "walkins-setup-en-1280")

    assert problems == []
