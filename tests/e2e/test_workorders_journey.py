"""A work order from check-in to the client's answer, in real browsers against the production server (uvicorn,
HTTP + WebSocket): reception opens it from a checked-in appointment and sends the estimate, the client approves one
line and declines the other through the link (es, 375 px) while the desk's page shows the answer live, the mechanic
starts it on the phone board (es, 375 px), and the card moves on the desk's job board (en, 1280 px) without a reload.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.workorders import live, services
from autoagenda.workorders.models import EstimateVersion, LineDecision, WorkOrder, WorkOrderStatus
from tests.accounts.factories import PASSWORD, ClientLocationFactory, UserFactory
from tests.catalog.factories import ServiceFactory
from tests.customers.factories import VehicleFactory
from tests.e2e.conftest import log_in, screenshot
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.asgi_server import AsgiServer
from tests.workorders.factories import LaborLineFactory, PartLineFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _other_jobs(cast) -> None:
    """A few other cars in the workshop, so the board has something in every column (one of them late)."""
    now = timezone.now()
    people = (("Luis", "Araya", "KJTR21", "Kia", "Rio"), ("Paula", "Díaz", "PZLB90", "Nissan", "Versa"))
    cars = []
    for first, last, plate, make, model in people:
        client = UserFactory(first_name=first, last_name=last)
        ClientLocationFactory(client=client, location=cast.location, source=ClientLinkSource.DESK_CREATED)
        cars.append(VehicleFactory(owner=client, plate=plate, make=make, model=model))
    steps = (
        (cars[0], "Ruido en la suspensión", now - timedelta(hours=2), ()),
        (cars[1], "Mantención 30.000 km", now + timedelta(hours=4), ("in_progress", "completed")),
        (cars[0], "Revisar aire acondicionado", now + timedelta(days=1), ("estimate",)),
    )
    for car, complaint, promised, moves in steps:
        wo = services.work_order_create(
            actor=cast.receptionist,
            location=cast.location,
            vehicle=car,
            description=complaint,
            mechanic=cast.mechanic,
            promised_by=promised,
        )
        LaborLineFactory(work_order=wo, description="Diagnóstico")
        PartLineFactory(work_order=wo, description="Filtro")
        for move in moves:
            if move == "estimate":
                services.estimate_send(actor=cast.receptionist, work_order=wo)
            else:
                services.work_order_transition(actor=cast.receptionist, work_order=wo, status=move)


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda msg: problems.append(f"{page.url} {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))


def _no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{what} scrolls sideways by {overflow}px"


def test_from_check_in_to_the_clients_answer_and_the_mechanic_starting(page_at, cast, monkeypatch):
    location = cast.location
    with monkeypatch.context() as quiet:  # nobody listens yet
        quiet.setattr(live, "publish", lambda *args, **kwargs: None)
        ClientLocationFactory(client=cast.client, location=location, source=ClientLinkSource.BOOKING)
        cast.client.first_name, cast.client.last_name = "Ana", "Pizarro"
        cast.client.save()
        car = VehicleFactory(owner=cast.client, plate="HXTZ55", make="Toyota", model="Yaris")
        brakes = ServiceFactory(name="Frenos", locations=[location], mechanics=[cast.mechanic])
        appointment = AppointmentFactory(
            location=location,
            service=brakes,
            client=cast.client,
            vehicle=car,
            mechanic=cast.mechanic,
            status="checked_in",
            start=timezone.now() + timedelta(minutes=5),
        )
        _other_jobs(cast)
    problems: list[str] = []

    with AsgiServer() as server:
        # Reception opens the work order from today's list, where the appointment is checked in.
        desk = page_at(1280, 900, "es")
        _watch(desk, problems)
        log_in(desk, server.url, cast.receptionist.email, PASSWORD)
        desk.goto(f"{server.url}/calendar/{location.pk}/today/")
        desk.locator(f'[data-appointment="{appointment.pk}"] [data-open-work-order]').click()
        desk.wait_for_url(re.compile(r"/work-orders/\d+/$"))
        work_order = WorkOrder.objects.get(appointment=appointment)
        assert work_order.vehicle == car
        assert work_order.mechanic == cast.mechanic
        number = work_order.number
        assert number in desk.locator("h1").inner_text()

        # Two lines, then the estimate goes to the client.
        desk.locator("summary", has_text="Agregar mano de obra").click()
        labor_form = desk.locator("form[action$='/labor/']")
        labor_form.locator("[name=description]").fill("Cambio de pastillas delanteras")
        labor_form.locator("[name=hours]").fill("1.5")
        labor_form.locator("[name=rate]").fill("25000")
        labor_form.locator("[name=tax_rate]").fill("19")
        labor_form.locator("button[type=submit]").click()
        desk.locator("[data-line^=labor-]").wait_for()
        desk.locator("summary", has_text="Agregar repuesto").click()
        part_form = desk.locator("form[action$='/parts/']")
        part_form.locator("[name=description]").fill("Limpieza de inyectores")
        part_form.locator("[name=quantity]").fill("1")
        part_form.locator("[name=unit_price]").fill("18000")
        part_form.locator("[name=tax_rate]").fill("19")
        part_form.locator("button[type=submit]").click()
        desk.locator("[data-line^=part-]").wait_for()
        desk.locator("button[data-move=estimate_sent]").click()
        desk.locator('[data-status="estimate_sent"]').wait_for()
        desk.wait_for_selector("[data-wo-live]")

        # The client answers through the link, on a phone, in Spanish: one line yes, the other no.
        estimate = EstimateVersion.objects.get(work_order=work_order, superseded_at__isnull=True)
        link = services.estimate_url(services.estimate_token(estimate))
        phone = page_at(375, 812, "es")
        _watch(phone, problems)
        phone.goto(f"{server.url}{link}")
        assert "Cambio de pastillas delanteras" in phone.locator(".wo-est__lines").inner_text()
        _no_sideways_scroll(phone, "the estimate page at 375 px")
        labor = work_order.labor_lines.get()
        part = work_order.part_lines.get()
        phone.locator(f'[data-line="{labor.key}"] input[value=approved]').check()
        phone.locator(f'[data-line="{part.key}"] input[value=declined]').check()
        screenshot(phone, "workorders-estimate-es-375")
        phone.fill("#wo-signer", "Ana Pizarro")
        phone.locator(".wo-est__form button[type=submit]").click()
        phone.locator("[data-notice]").wait_for()
        screenshot(phone, "workorders-estimate-answered-es-375")
        labor.refresh_from_db()
        part.refresh_from_db()
        assert (labor.decision, part.decision) == (LineDecision.APPROVED, LineDecision.DECLINED)

        # The desk's open page shows the answer without a reload.
        desk.locator('[data-status="approved"]').wait_for(timeout=5000)
        assert "Rechazada" in desk.locator(f'[data-line="{part.key}"]').inner_text()

        # The desk's job board (English, 1280 px) shows the card among the approved ones.
        board = page_at(1280, 900, "en")
        _watch(board, problems)
        log_in(board, server.url, cast.manager.email, PASSWORD)
        board.goto(f"{server.url}/work-orders/board/{location.pk}/")
        board.locator(f'[data-column="approved"] [data-card="{number}"]').wait_for()
        board.wait_for_selector("[data-live-badge][data-state=live]")

        # The mechanic starts it from the phone board in one tap; the clock runs.
        mechanic = page_at(375, 812, "es")
        _watch(mechanic, problems)
        log_in(mechanic, server.url, cast.mechanic.email, PASSWORD)
        mechanic.goto(f"{server.url}/work-orders/mechanic/")
        job = mechanic.locator(f'[data-job="{number}"]')
        job.locator("button[data-action=start]").click()
        mechanic.locator(f'[data-job="{number}"] .wo-job__clock.is-running').wait_for()
        _no_sideways_scroll(mechanic, "the mechanic board at 375 px")
        mechanic.evaluate("window.scrollTo(0, 0)")
        screenshot(mechanic, "workorders-mechanic-es-375")
        work_order.refresh_from_db()
        assert work_order.status == WorkOrderStatus.IN_PROGRESS
        assert work_order.time_entries.filter(stopped_at__isnull=True).exists()

        # … and the card moves on the desk's board, live.
        board.locator(f'[data-column="in_progress"] [data-card="{number}"]').wait_for(timeout=5000)
        _no_sideways_scroll(board, "the job board at 1280 px")
        screenshot(board, "workorders-board-en-1280")

        # The work-order page with its timeline (Spanish, desk).
        desk.locator('[data-status="in_progress"]').wait_for(timeout=5000)
        screenshot(desk, "workorders-page-es-1280")
        assert work_order.labor_lines.get().hours == Decimal("1.5")

        # On the board a card's buttons move it in place; its ✕ asks first (dismissed: nothing is sent), and a
        # card dropped on a column posts the same move as that column's button.
        late = WorkOrder.objects.get(description="Ruido en la suspensión")
        card = f'[data-card="{late.number}"]'
        board.once("dialog", lambda dialog: dialog.dismiss())
        board.locator(f"{card} button[value=cancelled]").click()
        board.locator(f"{card} button[value=in_progress]").click()
        board.locator(f'[data-column="in_progress"] {card}').wait_for(timeout=5000)
        board.locator(card).drag_to(board.locator('[data-column="completed"]'))
        board.locator(f'[data-column="completed"] {card}').wait_for(timeout=5000)
        late.refresh_from_db()
        assert late.status == WorkOrderStatus.COMPLETED

    assert not problems, problems
