"""The invoice API as API.md fixes it: fields, money strings, filters, 201/409 on payments, bad input → 400."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory


def test_an_invoice_answers_the_fields_of_the_contract(cast: Any, api: Any, invoice: Invoice) -> None:
    body = api(cast.receptionist).get(f"/api/v1/invoices/{invoice.pk}/").json()
    for field in ("number", "work_order", "lines", "subtotal", "tax", "total", "paid", "status"):
        assert field in body
    assert body["number"] == "F-2026-000001"
    assert body["work_order"] == invoice.work_order_id
    assert (body["subtotal"], body["tax"], body["total"], body["paid"]) == ("70000", "13300", "83300", "0")
    assert body["status"] == "unpaid"
    assert body["lines"][0] == {
        "position": 1,
        "kind": "labor",
        "description": "Cambio de pastillas",
        "quantity": "1.5",
        "unit_price": "30000.00",
        "tax_rate": "19.00",
        "net": "45000",
        "tax": "8550",
        "total": "53550",
    }
    assert body["taxes"] == [{"rate": "19", "base": "70000", "tax": "13300"}]
    assert body["credit_note"] is None
    assert body["issued_at"] == "2026-12-01T10:00:00-03:00"


def test_eur_amounts_carry_two_decimals(cast: Any, api: Any, clock: Any) -> None:
    vehicle = VehicleFactory(owner=cast.outsider)
    invoice = complete(
        work_order_with_lines(location=cast.other_location, vehicle=vehicle, labor=(("Revisión", "1", "49.9"),),
                              parts=(), tax_rate="21"), cast.admin,
    )  # fmt: skip
    body = api(cast.admin).get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["subtotal"], body["tax"], body["total"], body["paid"]) == ("49.90", "10.48", "60.38", "0.00")


def test_the_work_order_carries_its_invoice(cast: Any, api: Any, invoice: Invoice) -> None:
    assert api(cast.manager).get(f"/api/v1/work-orders/{invoice.work_order_id}/").json()["invoice"] == invoice.pk
    listed = api(cast.manager).get("/api/v1/work-orders/").json()["results"]
    assert [row["invoice"] for row in listed] == [invoice.pk]


def test_the_list_filters_by_work_order_location_and_status(cast: Any, api: Any, invoice: Invoice) -> None:
    client = api(cast.admin)
    assert client.get(f"/api/v1/invoices/?work_order={invoice.work_order_id}").json()["count"] == 1
    assert client.get(f"/api/v1/invoices/?work_order={invoice.work_order_id + 1}").json()["count"] == 0
    assert client.get(f"/api/v1/invoices/?location={cast.location.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/invoices/?location={cast.other_location.pk}").json()["count"] == 0
    assert client.get("/api/v1/invoices/?status=unpaid").json()["count"] == 1
    assert client.get("/api/v1/invoices/?status=paid").json()["count"] == 0


@pytest.mark.parametrize("query", ["status=lost", "work_order=abc", "location=-1", "from=1999-01-01"])
def test_bad_filters_are_400(cast: Any, api: Any, invoice: Invoice, query: str) -> None:
    response = api(cast.admin).get(f"/api/v1/invoices/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_list_answers_in_a_constant_number_of_queries(cast: Any, api: Any, vehicle: Any, invoice: Invoice) -> None:
    client = api(cast.admin)
    client.get("/api/v1/invoices/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/invoices/")
    for _ in range(3):
        complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    with CaptureQueriesContext(connection) as four:
        assert client.get("/api/v1/invoices/").json()["count"] == 4
    assert len(four) == len(one)


def test_a_payment_answers_201_and_updates_the_status(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.receptionist).post(
        f"/api/v1/invoices/{invoice.pk}/payments/",
        {"amount": "83300", "method": "transfer", "reference": "TRX-9", "paid_on": "2026-11-30"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["method"], body["reference"], body["paid_on"]) == (
        "83300",
        "transfer",
        "TRX-9",
        "2026-11-30",
    )
    assert body["recorded_by"] == cast.receptionist.pk
    answer = api(cast.client).get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (answer["paid"], answer["status"], answer["balance"]) == ("83300", "paid", "0")


def test_a_number_amount_is_accepted(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.receptionist).post(
        f"/api/v1/invoices/{invoice.pk}/payments/", {"amount": 1000, "method": "cash"}, format="json"
    )
    assert response.status_code == 201


def test_more_than_the_balance_is_409_overpayment_and_nothing_is_written(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.receptionist).post(
        f"/api/v1/invoices/{invoice.pk}/payments/", {"amount": "83301", "method": "cash"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "overpayment"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "method": "cash"}, "amount"),
        ({"amount": "-10", "method": "cash"}, "amount"),
        ({"amount": "10.5", "method": "cash"}, "amount"),  # CLP has no decimals
        ({"amount": "abc", "method": "cash"}, "amount"),
        ({"amount": "1e400", "method": "cash"}, "amount"),
        ({"method": "cash"}, "amount"),
        ({"amount": "10", "method": "cheque"}, "method"),
        ({"amount": "10"}, "method"),
        ({"amount": "10", "method": "cash", "paid_on": "2026-13-01"}, "paid_on"),
        ({"amount": "10", "method": "cash", "paid_on": "2026-12-05"}, "paid_on"),  # the future
        ({"amount": "10", "method": "cash", "reference": "x" * 101}, "reference"),
    ],
)
def test_bad_payments_are_400_and_change_nothing(cast: Any, api: Any, invoice: Invoice, body: Any, field: str) -> None:
    response = api(cast.receptionist).post(f"/api/v1/invoices/{invoice.pk}/payments/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.paid == 0


def test_voiding_answers_the_voided_payment(cast: Any, api: Any, invoice: Invoice) -> None:
    payment = services.payment_record(actor=cast.admin, invoice=invoice, amount=Decimal(5000), method="card")
    response = api(cast.manager).post(
        f"/api/v1/invoices/{invoice.pk}/payments/{payment.pk}/void/", {"reason": "Duplicado"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["voided"], response.json()["void_reason"]) == (True, "Duplicado")
    listed = api(cast.manager).get(f"/api/v1/invoices/{invoice.pk}/payments/").json()["results"]
    assert [row["id"] for row in listed] == [payment.pk]
    again = api(cast.manager).post(
        f"/api/v1/invoices/{invoice.pk}/payments/{payment.pk}/void/", {"reason": "Duplicado"}, format="json"
    )
    assert again.status_code == 409


def test_a_void_without_a_reason_is_400(cast: Any, api: Any, invoice: Invoice) -> None:
    payment = services.payment_record(actor=cast.admin, invoice=invoice, amount=Decimal(5000), method="card")
    response = api(cast.manager).post(f"/api/v1/invoices/{invoice.pk}/payments/{payment.pk}/void/", {}, format="json")
    assert response.status_code == 400
    payment.refresh_from_db()
    assert not payment.is_voided


def test_another_invoices_payment_is_404(cast: Any, api: Any, vehicle: Any, invoice: Invoice) -> None:
    other = complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    payment = services.payment_record(actor=cast.admin, invoice=other, amount=Decimal(5000), method="card")
    response = api(cast.manager).post(
        f"/api/v1/invoices/{invoice.pk}/payments/{payment.pk}/void/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_cancel_answers_the_invoice_with_its_credit_note(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.manager).post(f"/api/v1/invoices/{invoice.pk}/cancel/", {"reason": "Error"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "F-2026-000001"
    assert body["credit_note"]["number"] == "NC-2026-000001"
    assert body["credit_note"]["total"] == "-83300"
    assert body["credit_note"]["lines"][0]["net"] == "-45000"
    assert body["cancelled_at"] is not None
    payment = api(cast.manager).post(
        f"/api/v1/invoices/{invoice.pk}/payments/", {"amount": "10", "method": "cash"}, format="json"
    )
    assert payment.status_code == 409


def test_cancel_without_a_reason_is_400(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.manager).post(f"/api/v1/invoices/{invoice.pk}/cancel/", {"reason": ""}, format="json")
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert not invoice.is_cancelled


def test_the_pdf_is_served_as_application_pdf(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.client).get(f"/api/v1/invoices/{invoice.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_completing_through_the_api_answers_the_invoice(cast: Any, api: Any, vehicle: Any, clock: Any) -> None:
    work_order = work_order_with_lines(location=cast.location, vehicle=vehicle)
    response = api(cast.manager).post(
        f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "completed"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["invoice"] == Invoice.objects.get(work_order=work_order).pk


def test_an_error_on_the_pdf_is_json_even_when_a_pdf_was_asked_for(cast: Any, api: Any, invoice: Invoice) -> None:
    response = api(cast.outsider).get(f"/api/v1/invoices/{invoice.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
