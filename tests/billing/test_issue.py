"""Completing a work order issues its invoice in the same transaction: numbered, lines copied, totals summed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction

from autoagenda.billing import events, services
from autoagenda.billing.models import DocumentCounter, Invoice, InvoiceLine
from autoagenda.core.events import Event
from autoagenda.locations import services as location_services
from autoagenda.workorders.models import LineDecision, WorkOrder, WorkOrderStatus
from tests.billing.conftest import NOW
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory
from tests.workorders.factories import LaborLineFactory


def test_completing_a_work_order_issues_its_numbered_invoice(cast: Any, invoice: Invoice) -> None:
    assert invoice.number == "F-2026-000001"
    assert invoice.location == cast.location
    assert invoice.currency == "CLP"
    assert invoice.work_order.invoice == invoice
    assert (invoice.subtotal, invoice.tax, invoice.total) == (Decimal(70000), Decimal(13300), Decimal(83300))
    assert invoice.status == "unpaid"
    assert invoice.paid == 0
    assert invoice.seller_name == cast.location.name


def test_the_lines_are_copied_with_their_price_and_tax_rate_at_that_moment(invoice: Invoice) -> None:
    lines = list(invoice.lines.order_by("position"))
    assert [(line.kind, line.description, line.quantity, line.unit_price, line.tax_rate) for line in lines] == [
        ("labor", "Cambio de pastillas", Decimal("1.5"), Decimal(30000), Decimal(19)),
        ("part", "Pastillas de freno", Decimal(1), Decimal(25000), Decimal(19)),
    ]
    invoice.work_order.labor_lines.update(rate=Decimal(99999))
    assert InvoiceLine.objects.get(invoice=invoice, position=1).unit_price == Decimal(30000)


def test_numbers_follow_each_other_per_location_and_year(cast: Any, vehicle: Any, clock: Any) -> None:
    numbers = [
        complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager).number for _ in range(3)
    ]
    madrid_vehicle = VehicleFactory(owner=cast.outsider)
    madrid = complete(work_order_with_lines(location=cast.other_location, vehicle=madrid_vehicle), cast.admin)
    assert numbers == ["F-2026-000001", "F-2026-000002", "F-2026-000003"]
    assert madrid.number == "F-2026-000001"
    assert DocumentCounter.objects.get(location=cast.location, series="F", year=2026).last_number == 3


def test_a_new_year_starts_again_at_one(cast: Any, vehicle: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    with time_machine.travel("2027-01-02T12:00:00-03:00", tick=False):
        second = complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    assert second.number == "F-2027-000001"
    assert second.issued_on.year == 2027


def test_eur_amounts_round_per_line_half_up_to_cents(cast: Any, clock: Any) -> None:
    vehicle = VehicleFactory(owner=cast.outsider)
    work_order = work_order_with_lines(
        location=cast.other_location,
        vehicle=vehicle,
        labor=(("Diagnóstico", "0.33", "45.50"),),  # 15.015 → 15.02
        parts=(("Aceite", "0.5", "4.05"),),  # 2.025 → 2.03 (half-even would give 2.02)
        tax_rate="21",
    )
    invoice = complete(work_order, cast.admin)
    lines = list(invoice.lines.order_by("position"))
    assert [line.net for line in lines] == [Decimal("15.02"), Decimal("2.03")]
    assert [line.tax for line in lines] == [Decimal("3.15"), Decimal("0.43")]  # 3.1542 → 3.15, 0.4263 → 0.43
    assert invoice.subtotal == Decimal("17.05")
    assert invoice.tax == Decimal("3.58")
    assert invoice.total == Decimal("20.63")
    assert invoice.currency == "EUR"


def test_clp_rounds_each_line_to_whole_pesos_half_up(cast: Any, vehicle: Any, clock: Any) -> None:
    work_order = work_order_with_lines(
        location=cast.location, vehicle=vehicle, labor=(("Ajuste", "0.5", "1001"),), parts=()
    )  # 500.5 → 501; tax 95.19 → 95
    invoice = complete(work_order, cast.manager)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (Decimal(501), Decimal(95), Decimal(596))


def test_declined_lines_are_not_invoiced(cast: Any, vehicle: Any, clock: Any) -> None:
    work_order = work_order_with_lines(location=cast.location, vehicle=vehicle)
    LaborLineFactory(work_order=work_order, description="Alineación", decision=LineDecision.DECLINED)
    invoice = complete(work_order, cast.manager)
    assert [line.description for line in invoice.lines.all()] == ["Cambio de pastillas", "Pastillas de freno"]


def test_the_locations_legal_data_is_on_the_invoice(cast: Any, vehicle: Any, clock: Any) -> None:
    location_services.location_update(
        actor=cast.admin,
        location=cast.location,
        legal_name="Servicios Automotrices Providencia SpA",
        tax_id="76.123.456-7",
        address="Av. Providencia 1234, Santiago",
    )
    invoice = complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    assert invoice.seller_name == "Servicios Automotrices Providencia SpA"
    assert invoice.seller_tax_id == "76.123.456-7"
    assert invoice.seller_address == "Av. Providencia 1234, Santiago"


def test_issuing_twice_returns_the_same_invoice(invoice: Invoice) -> None:
    again = services.invoice_issue(work_order=invoice.work_order)
    assert again.pk == invoice.pk
    assert Invoice.objects.count() == 1


def test_a_failure_while_issuing_refuses_the_completion(
    cast: Any, vehicle: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_order = work_order_with_lines(location=cast.location, vehicle=vehicle)

    def boom(_issued: Any) -> None:
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(events, "invoice_issued", Event("billing.invoice_issued"))
    events.invoice_issued.subscribe(boom)
    with pytest.raises(RuntimeError):
        complete(work_order, cast.manager)
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.IN_PROGRESS
    assert not Invoice.objects.exists()
    assert not DocumentCounter.objects.filter(last_number__gt=0).exists()


def test_the_location_currency_is_fixed_once_it_has_invoices(cast: Any, invoice: Invoice) -> None:
    from autoagenda.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        location_services.location_update(actor=cast.admin, location=cast.location, currency="USD")
    assert "currency" in refused.value.errors


def test_only_a_completed_work_order_is_invoiced(cast: Any, vehicle: Any, clock: Any) -> None:
    from autoagenda.core.errors import ApplicationError

    work_order: WorkOrder = work_order_with_lines(location=cast.location, vehicle=vehicle)
    with pytest.raises(ApplicationError), transaction.atomic():
        services.invoice_issue(work_order=work_order)
    assert not Invoice.objects.exists()
