"""A mechanic adds a part from the phone board (es, 375 px): finds the product by SKU in the picker (htmx), picks
it, and the board shows the line with what is left available; the stock is reserved, nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from autoagenda.inventory import services as stock
from autoagenda.inventory.models import StockLevel
from autoagenda.workorders import live
from autoagenda.workorders.models import PartLine, WorkOrderStatus
from tests.accounts.factories import PASSWORD
from tests.e2e.conftest import log_in, screenshot
from tests.inventory.factories import ProductFactory
from tests.walkins.asgi_server import AsgiServer
from tests.workorders.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mechanic_picks_a_product_by_sku_and_sees_what_is_left(page_at, cast, monkeypatch):
    with monkeypatch.context() as quiet:
        quiet.setattr(live, "publish", lambda *args, **kwargs: None)
        filters = ProductFactory(sku="FIL-ACE-001", name="Filtro de aceite", locations=[cast.location])
        ProductFactory(sku="PAS-FRE-DEL", name="Pastillas de freno", locations=[cast.location])
        stock.stock_receive(actor=cast.admin, product=filters, location=cast.location, quantity=5)
        work_order = WorkOrderFactory(
            location=cast.location, mechanic=cast.mechanic, status=WorkOrderStatus.IN_PROGRESS
        )
    problems: list[str] = []
    with AsgiServer() as server:
        phone = page_at(375, 800, "es")
        phone.on("pageerror", lambda exc: problems.append(str(exc)))
        log_in(phone, server.url, cast.mechanic.email, PASSWORD)
        phone.goto(f"{server.url}/work-orders/mechanic/")
        card = phone.locator(f'[data-job="{work_order.number}"]')
        card.locator(".wo-job__more summary").click()
        card.locator(".wo-picker input[type=search]").fill("fil-ace")
        expect(card.locator(".wo-choices [data-product]")).to_have_count(1)  # the search's answer, not the first list
        choice = card.locator(f'[data-product="{filters.pk}"]')
        assert "5 disponibles" in choice.inner_text()
        choice.locator("input").check()
        card.locator("[name=quantity]").fill("2")
        card.locator(".wo-part-form button[type=submit]").click()
        phone.locator(f'[data-job="{work_order.number}"] .wo-job__parts [data-available="3"]').wait_for()
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the board scrolls sideways by {overflow}px"
        screenshot(phone, "parts_picker_mechanic_375")
    line = PartLine.objects.get(work_order=work_order)
    assert (line.product_id, line.quantity, line.reserved) == (filters.pk, 2, 2)
    assert StockLevel.objects.get(product=filters, location=cast.location).reserved == 2
    assert problems == []
